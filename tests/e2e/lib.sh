# Shared by the end-to-end suites: a fresh `plumb cluster` per scenario on a free port, with
# its own kubeconfig and HOME (kubectl's discovery cache starts empty), and assertions.
# The sourcing script sets PLUMB and SCENARIO first.
set -uo pipefail
# require_tool, unavailable: a missing tool skips the test locally and fails it in CI.
source "$(dirname "${BASH_SOURCE[0]}")/../support/require.sh"
require_tool kubectl

WORK=$(mktemp -d /tmp/plumb-e2e-XXXXXX)
export HOME=$WORK KUBECONFIG=$WORK/kubeconfig
PID=""

EXTRA_PIDS=()  # more processes a scenario started, stopped before the cluster

cleanup() {
  for p in "${EXTRA_PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL [$SCENARIO]: $*" >&2
  [ -f "$WORK/cluster.log" ] && sed 's/^/  cluster: /' "$WORK/cluster.log" | tail -20 >&2
  [ -f "$WORK/controller.log" ] && sed 's/^/  controller: /' "$WORK/controller.log" | tail -30 >&2
  exit 1
}

# start [extra plumb cluster flags...]: starts the server and waits until it is ready.
start() {
  rm -f "$KUBECONFIG"
  "$PLUMB" cluster --port 0 --kubeconfig "$KUBECONFIG" "$@" >"$WORK/cluster.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do
    [ -s "$KUBECONFIG" ] && kubectl get --raw /readyz >/dev/null 2>&1 && return 0
    kill -0 "$PID" 2>/dev/null || fail "plumb cluster exited"
    sleep 0.05
  done
  fail "plumb cluster did not become ready"
}

stop() { kill "$PID" && wait "$PID"; PID=""; }
crash() { kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=""; }

# expect_output "description" "needle" command...: runs the command, checks stdout+stderr.
expect_output() {
  local what=$1 needle=$2
  shift 2
  local out
  out=$("$@" 2>&1)
  grep -qF -- "$needle" <<<"$out" || fail "$what: expected '$needle' in output of '$*':
$out"
}

# expect_exit CODE command...
expect_exit() {
  local code=$1
  shift
  local out
  out=$("$@" 2>&1)
  local got=$?
  [ "$got" -eq "$code" ] || fail "'$*' exited $got, expected $code:
$out"
}

# wait_for "description" SECONDS command...: polls the command every 50 ms until it succeeds.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$(($(date +%s%N) + seconds * 1000000000))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s%N)" -lt "$deadline" ] || fail "timed out after ${seconds}s waiting for: $what"
    sleep 0.05
  done
}

# use_git_repo: the scenarios work on a git repository at $REPO ($WORK/repo), written with
# `write PATH < content` and committed with `commit MESSAGE` (prints the new HEAD).
use_git_repo() {
  REPO=$WORK/repo
  export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
}
write() {
  mkdir -p "$(dirname "$REPO/$1")"
  cat >"$REPO/$1"
}
commit() { git -C "$REPO" add -A && git -C "$REPO" commit -qm "$1" && git -C "$REPO" rev-parse HEAD; }

# demo_files FILE...: the app most scenarios sync, written into $REPO/apps: "namespace"
# (Namespace demo), "settings" (ConfigMap settings in demo, color: blue), "web" (Deployment
# web, one replica of nginx).
demo_files() {
  local f
  for f in "$@"; do
    case $f in
    namespace) printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n' | write apps/namespace.yaml ;;
    settings)
      write apps/config.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
data:
  color: blue
YAML
      ;;
    web)
      write apps/web.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
YAML
      ;;
    *) fail "demo_files: no file '$f'" ;;
    esac
  done
}

# git_kustomization SOURCE INTERVAL [SPEC_LINE...]: the Flux objects the suites start from,
# as the getting-started guides write them: the flux-system Namespace, a GitRepository SOURCE
# of file://$REPO (branch main, fetched every INTERVAL) and a Kustomization "apps" of ./apps
# (interval 10m, prune) with the extra spec lines given ("targetNamespace: demo").
git_kustomization() {
  local source=$1 interval=$2 line
  shift 2
  cat <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: flux-system
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: $source
  namespace: flux-system
spec:
  interval: $interval
  url: file://$REPO
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: $source
YAML
  for line in "$@"; do echo "  $line"; done
}

# serve_http DIR: DIR over HTTP (python3's http.server) on a free 127.0.0.1 port, stopped with
# the scenario (its pid last in EXTRA_PIDS when it returns); HTTP_PORT is set.
serve_http() {
  python3 -m http.server 0 --bind 127.0.0.1 --directory "$1" >"$WORK/http.log" 2>&1 &
  EXTRA_PIDS+=($!)
  wait_for "the HTTP server for $1" 10 grep -q "port" "$WORK/http.log"
  HTTP_PORT=$(grep -o "port [0-9]*" "$WORK/http.log" | head -1 | cut -d' ' -f2)
}

# start_registry: Debian's docker-registry (plain HTTP) on a free 127.0.0.1 port, storing
# under $WORK; REGISTRY=127.0.0.1:PORT. The suite requires python3 and curl, and checks for
# /usr/bin/docker-registry.
REGISTRY_PID=""
start_registry() {
  [ -x /usr/bin/docker-registry ] || unavailable "/usr/bin/docker-registry (Debian package docker-registry)"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  REGISTRY=127.0.0.1:$port
  cat >"$WORK/registry.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/registry
http:
  addr: $REGISTRY
YAML
  /usr/bin/docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
  REGISTRY_PID=$!
  EXTRA_PIDS+=("$REGISTRY_PID")
  wait_for "docker-registry on $REGISTRY" 15 curl -fsS "http://$REGISTRY/v2/"
}
stop_registry() { kill "$REGISTRY_PID" && wait "$REGISTRY_PID" 2>/dev/null; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# expect_within_ms "description" MS command...: the command succeeds within MS milliseconds
# of now; prints how long it took.
expect_within_ms() {
  local what=$1 limit=$2 started elapsed
  shift 2
  started=$(now_ms)
  wait_for "$what" 10 "$@"
  elapsed=$(($(now_ms) - started))
  echo "$what: ${elapsed} ms"
  [ "$elapsed" -le "$limit" ] || fail "$what took ${elapsed} ms (limit ${limit} ms)"
}

# run_scenario: calls scenario_$SCENARIO, or fails when there is none.
run_scenario() {
  declare -F "scenario_$SCENARIO" >/dev/null || fail "no scenario '$SCENARIO'"
  "scenario_$SCENARIO"
  echo "PASS [$SCENARIO]"
}

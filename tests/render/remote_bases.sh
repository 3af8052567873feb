#!/usr/bin/env bash
# Remote bases against the oracle: `plumb build` of an overlay whose resources and components
# are git URLs must print byte for byte what `kubectl kustomize` prints for it. The bases live
# in a local repository with tags, reached as file:// and as http://127.0.0.1 (git's smart
# HTTP, tests/source/https_git_server.py without TLS). One scenario per run (label oracle).
#
#   remote_bases.sh PLUMB SCENARIO
set -uo pipefail
PLUMB=$1
SCENARIO=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../support/require.sh"
require_tool kubectl git python3
[ -x "$(git --exec-path)/git-http-backend" ] || unavailable "git-http-backend not found"

WORK=$(mktemp -d /tmp/plumb-remote-XXXXXX)
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
# Neither side may see the user's git configuration or caches.
export HOME=$WORK/home XDG_CACHE_HOME=$WORK/cache GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.email test@example.com
git config --global user.name test
git config --global init.defaultBranch main
git config --global protocol.file.allow always

fail() {
  echo "FAIL [$SCENARIO]: $*" >&2
  exit 1
}

# The base repository: tag v1, then tag v2 (another image and replica count), then an
# untagged commit on main.
REPO=$WORK/srv/base.git
mkdir -p "$REPO"
write_base() {  # IMAGE REPLICAS
  mkdir -p "$REPO/base" "$REPO/common" "$REPO/components/extra"
  cat >"$REPO/kustomization.yaml" <<EOF
resources:
- base
commonLabels:
  from: root
EOF
  cat >"$REPO/common/kustomization.yaml" <<EOF
resources:
- service.yaml
EOF
  cat >"$REPO/common/service.yaml" <<EOF
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
EOF
  cat >"$REPO/base/kustomization.yaml" <<EOF
resources:
- deployment.yaml
- ../common
namePrefix: base-
configMapGenerator:
- name: settings
  literals:
  - replicas=$2
EOF
  cat >"$REPO/base/deployment.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: $2
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
        image: $1
        envFrom:
        - configMapRef:
            name: settings
EOF
  cat >"$REPO/components/extra/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
commonAnnotations:
  component: extra
patches:
- target:
    kind: Deployment
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/args
      value: ["--extra"]
EOF
}
(
  set -e
  cd "$REPO"
  git init -q
  write_base nginx:1.25 1
  git add -A && git commit -qm v1 && git tag v1
  write_base nginx:1.26 2
  git add -A && git commit -qm v2 && git tag -a v2 -m v2
  write_base nginx:1.27 3
  git add -A && git commit -qm head
  git update-server-info
) || fail "cannot make the base repository"
V1=$(git -C "$REPO" rev-parse v1^{commit})

http_server() {
  python3 "$HERE/../source/https_git_server.py" "$WORK/srv" >"$WORK/port" 2>"$WORK/server.log" &
  SERVER=$!
  for _ in $(seq 100); do
    [ -s "$WORK/port" ] && break
    sleep 0.05
  done
  [ -s "$WORK/port" ] || fail "git server did not start"
  HTTP="http://127.0.0.1:$(head -1 "$WORK/port")"
}

# overlay KUSTOMIZATION_TEXT: the overlay directory under test.
overlay() {
  mkdir -p "$WORK/overlay"
  printf '%s\n' "$1" >"$WORK/overlay/kustomization.yaml"
}

# same: both render the overlay and print the same bytes; echoes the output.
same() {
  kubectl kustomize "$WORK/overlay" >"$WORK/want.yaml" 2>"$WORK/want.err" ||
    fail "kubectl kustomize failed: $(cat "$WORK/want.err")"
  "$PLUMB" build "$WORK/overlay" >"$WORK/got.yaml" 2>"$WORK/got.err" ||
    fail "plumb build failed: $(cat "$WORK/got.err")"
  cmp -s "$WORK/want.yaml" "$WORK/got.yaml" ||
    fail "output differs from kubectl kustomize:
$(diff -u "$WORK/want.yaml" "$WORK/got.yaml")"
  cat "$WORK/got.yaml"
}

# contains NEEDLE TEXT
contains() { grep -qF -- "$1" <<<"$2" || fail "expected '$1' in:
$2"; }

# plumb_fails NEEDLE: plumb build of the overlay exits 1 with NEEDLE in its error.
plumb_fails() {
  "$PLUMB" build "$WORK/overlay" >"$WORK/got.yaml" 2>"$WORK/got.err"
  local rc=$?
  [ "$rc" -eq 1 ] || fail "plumb build exited $rc, expected 1: $(cat "$WORK/got.err")"
  grep -qF -- "$1" "$WORK/got.err" || fail "expected '$1' in the error:
$(cat "$WORK/got.err")"
}

case "$SCENARIO" in
  file_tag)
    overlay "resources:
- file://$REPO//base?ref=v1
components:
- file://$REPO//components/extra?ref=v2
namespace: prod"
    out=$(same)
    contains "image: nginx:1.25" "$out"
    contains "name: base-settings-" "$out"
    contains "component: extra" "$out"
    ;;
  file_head_and_version)
    # No ref: the remote's HEAD (main, past v2); ?version= names a ref as ?ref= does.
    overlay "resources:
- file://$REPO//base
- file://$REPO//common?version=v2"
    out=$(same)
    contains "image: nginx:1.27" "$out"
    ;;
  file_commit)
    overlay "resources:
- file://$REPO//base?ref=$V1"
    out=$(same)
    contains "image: nginx:1.25" "$out"
    ;;
  http_tag)
    http_server
    overlay "resources:
- $HTTP/base.git//base?ref=v2
- git::$HTTP/base.git/components/../common?ref=v1
namePrefix: o-"
    out=$(same)
    contains "image: nginx:1.26" "$out"
    ;;
  http_repo_root_origin)
    # The repository root as the base, with origin and transformer annotations: the
    # annotations name the repository and the ref.
    http_server
    overlay "resources:
- $HTTP/base.git?ref=v1
buildMetadata: [originAnnotations, transformerAnnotations]
commonLabels:
  env: dev"
    out=$(same)
    contains "repo: $HTTP/base.git" "$out"
    contains "ref: v1" "$out"
    ;;
  cache_follows_tag)
    # A second build with the same cache sees a tag that moved, as a fresh clone does.
    overlay "resources:
- file://$REPO//base?ref=v1"
    same >/dev/null
    write_base nginx:1.28 4
    (cd "$REPO" && git add -A && git commit -qm moved && git tag -f v1) >/dev/null ||
      fail "cannot move the tag"
    out=$(same)
    contains "image: nginx:1.28" "$out"
    ;;
  missing_ref)
    overlay "resources:
- file://$REPO//base?ref=v9"
    plumb_fails "kustomization.yaml: resources: file://$REPO//base?ref=v9: fetching ref v9: no such ref"
    ;;
  secret_in_url)
    overlay "resources:
- http://user:s3cret@127.0.0.1:1/base.git//base?ref=v1"
    plumb_fails "http://user:***@127.0.0.1:1/base.git//base?ref=v1: fetching ref v1"
    grep -q s3cret "$WORK/got.err" && fail "the password reached the error: $(cat "$WORK/got.err")"
    ;;
  missing_dir)
    overlay "resources:
- file://$REPO//nothing?ref=v1"
    plumb_fails "'nothing' is not a directory of the repository"
    ;;
  *)
    fail "unknown scenario"
    ;;
esac
echo "ok [$SCENARIO]"

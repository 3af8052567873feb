#!/usr/bin/env bash
# bench/mttp-argo: bench/mttp's shape for Argo CD Applications — N Applications of one git
# repository, reconciled by `plumb controller` on a fresh `plumb cluster`.
#
# For each N: one git repository (git CLI), one commit holding N apps — apps/app-<i>/ with a
# Deployment scaled to zero (as bench/mttp's: a ReplicaSet and no Pods, so the embedded
# cluster's work per app is comparable), a Service and a ConfigMap, one file each — and N
# Applications in namespace argocd (source file://REPO, path apps/app-<i>, targetRevision
# HEAD; destination in-cluster, namespace benchmark; automated sync with prune and
# selfHeal). The Applications are created first; then `plumb controller` starts and the
# clock runs until every Application is Synced and Healthy, observed with one `kubectl get
# -w`. Then:
#   - commit → applied: a commit changing the last app's ConfigMap, a webhook call
#     (POST /hook/git with the repository URL, which refreshes every Application of it),
#     until the change is visible through the API (watched), and until every Application is
#     Synced and Healthy at the new revision;
#   - delete → restored: `kubectl delete deploy`, from the DELETED watch event until the
#     Deployment is back (a new uid, watched; selfHeal).
# Peak memory is the controller's VmHWM (/proc/PID/status).
#
# Usage: bench/mttp-argo/run.sh [N...]     (default 100 1000)
# PLUMB (default build/plumb), WORKERS (--workers), CONTROLLER_FLAGS, PERF=FILE as bench/mttp.
set -euo pipefail
SIZES=("${@:-100}")
[ $# -eq 0 ] && SIZES=(100 1000)
BENCH=mttp-argo
# shellcheck source=../mttp/lib.sh
source "$(dirname "$0")/../mttp/lib.sh"

# write_app REPO INDEX VERSION: apps/app-INDEX/ — a Deployment, a Service and a ConfigMap
# (data.version is what a commit changes).
write_app() {
  local dir=$1/apps/app-$2 n=app-$2
  mkdir -p "$dir"
  cat >"$dir/deployment.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $n
  labels:
    app.kubernetes.io/name: $n
spec:
  replicas: 0
  selector:
    matchLabels:
      app.kubernetes.io/name: $n
  template:
    metadata:
      labels:
        app.kubernetes.io/name: $n
    spec:
      containers:
      - name: podinfo
        image: ghcr.io/stefanprodan/podinfo:6.5.3
        command: [./podinfo, --port=9898]
        ports:
        - {name: http, containerPort: 9898, protocol: TCP}
        envFrom:
        - configMapRef:
            name: $n
        resources:
          requests:
            cpu: 1m
            memory: 16Mi
YAML
  cat >"$dir/service.yaml" <<YAML
apiVersion: v1
kind: Service
metadata:
  name: $n
  labels:
    app.kubernetes.io/name: $n
spec:
  type: ClusterIP
  ports:
  - {port: 9898, targetPort: http, protocol: TCP, name: http}
  selector:
    app.kubernetes.io/name: $n
YAML
  cat >"$dir/configmap.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: $n
  labels:
    app.kubernetes.io/name: $n
data:
  version: "$3"
YAML
}

# argo_objects N REPO: the namespaces and N Applications.
argo_objects() {
  printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n---\n' argocd benchmark
  for ((i = 0; i < $1; i++)); do
    cat <<YAML
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app-$i
  namespace: argocd
spec:
  project: default
  source:
    repoURL: file://$2
    path: apps/app-$i
    targetRevision: HEAD
  destination:
    server: https://kubernetes.default.svc
    namespace: benchmark
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
YAML
  done
}

# "NAME SyncedHealthy" when an Application is both (its revision between them with -r).
readonly APP_STATE='{.metadata.name}{" "}{.status.sync.status}{.status.health.status}{"\n"}'
readonly APP_REVISION='{.metadata.name}{" "}{.status.sync.revision}{" "}{.status.sync.status}{.status.health.status}{"\n"}'

run_size() {
  local n=$1
  start_cluster "$n"

  local repo=$DIR/repo i
  git init -q -b main "$repo"
  for ((i = 0; i < n; i++)); do write_app "$repo" "$i" 1; done
  git -C "$repo" add -A && git -C "$repo" commit -qm "$n apps"

  # The CRDs (the controller installs them), then the Applications, before the clock starts.
  "$PLUMB" controller --once --cache-dir "$DIR/cache" >/dev/null
  argo_objects "$n" "$repo" >"$DIR/argo.yaml"
  kubectl apply --server-side -f "$DIR/argo.yaml" >/dev/null

  watch_start apps -n argocd applications.argoproj.io -o "jsonpath=$APP_STATE"
  local t0 t1 ready_us before
  before=$(requests)
  t0=$(now)
  start_controller
  local controller=$CONTROLLER_PID
  local perf=""
  if [ -n "${PERF:-}" ]; then  # PERF=FILE: perf record of the machine until all are Synced
    perf record -q -a -g -F 499 -o "$PERF.$n" >/dev/null 2>&1 &
    echo "perf: controller pid $controller, API server pid ${PIDS[0]}" >&2
    perf=$!
  fi
  local count
  count=$(count_ready "$n" SyncedHealthy)
  t1=$(now)
  [ "$count" -eq "$n" ] || die "the watch ended with $count of $n Applications Synced and Healthy"
  [ -z "$perf" ] || { kill -INT "$perf"; wait "$perf" || true; }
  exec {WATCH_FD}<&-
  ready_us=$((t1 - t0))
  local ready_hwm
  ready_hwm=$(hwm "$controller")
  echo "N=$n: all Synced and Healthy after $(secs "$ready_us") s: controller CPU" \
    "$(cpu "$controller") s, server CPU $(cpu "${PIDS[0]}") s (both since their start)," \
    "controller peak ${ready_hwm} MB; requests: $(requests_since "$before")" >&2

  # Commit → applied: the last app's ConfigMap; the webhook refreshes all N Applications of
  # the repository (as Argo CD's does), watched until the ConfigMap changes and until every
  # Application is Synced and Healthy at the new commit.
  local hook last=app-$((n - 1)) head cm_fd
  hook=$(grep -o "http://127.0.0.1:[0-9]*" "$DIR/controller.log" | head -1)/hook/git
  write_app "$repo" $((n - 1)) 2
  git -C "$repo" commit -qam "$last: version 2"
  head=$(git -C "$repo" rev-parse HEAD)
  watch_start cm -n benchmark "configmap/$last" -o 'jsonpath={.data.version}{"\n"}'
  cm_fd=$WATCH_FD
  read -r _ <&"$cm_fd"  # the current state
  watch_start revision -n argocd applications.argoproj.io -o "jsonpath=$APP_REVISION"
  before=$(requests)
  local cpu_before
  cpu_before=$(cpu "$controller")
  t0=$(now)
  curl -sf -X POST --data-binary "file://$repo" "$hook" >/dev/null
  grep -m1 -qx 2 <&"$cm_fd"
  t1=$(now)
  exec {cm_fd}<&-
  local commit_us=$((t1 - t0))
  count=$(count_at "$n" "$head" SyncedHealthy)
  t1=$(now)
  exec {WATCH_FD}<&-
  [ "$count" -eq "$n" ] || die "the watch ended with $count of $n Applications at $head"
  local all_us=$((t1 - t0))
  echo "N=$n: commit→applied $(ms "$commit_us") ms, all Synced at the new commit" \
    "$(secs "$all_us") s: controller CPU $cpu_before → $(cpu "$controller") s; requests" \
    "meanwhile: $(requests_since "$before")" >&2

  # Delete → restored: from the DELETED event to the ADDED event of a new Deployment.
  watch_start restore -n benchmark "deploy/$last" --output-watch-events \
    -o 'jsonpath={.type}{" "}{.object.metadata.uid}{"\n"}'
  local restore_us
  before=$(requests)
  restore_us=$(time_restore benchmark "$last")
  exec {WATCH_FD}<&-
  echo "N=$n: delete→restored $(ms "$restore_us") ms; requests meanwhile:" \
    "$(requests_since "$before")" >&2

  local peak
  peak=$(hwm "$controller")
  ROWS+=("$(printf '| %5d | %8s s | %6s MB | %6s ms | %8s s | %6s ms | %6s MB |' "$n" \
    "$(secs "$ready_us")" "$peak" "$(ms "$commit_us")" "$(secs "$all_us")" "$(ms "$restore_us")" \
    "$(hwm "${PIDS[0]}")")")
  stop_all
}

ROWS=()
for n in "${SIZES[@]}"; do run_size "$n"; done
echo "| N | all Synced+Healthy | controller peak RSS | commit→applied | commit→all Synced again | delete→restored | API server peak RSS |"
echo "|--:|--:|--:|--:|--:|--:|--:|"
printf '%s\n' "${ROWS[@]}"

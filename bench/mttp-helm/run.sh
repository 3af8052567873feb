#!/usr/bin/env bash
# bench/mttp-helm: bench/mttp's shape for HelmReleases — N HelmReleases of one small chart in
# a GitRepository, reconciled by `plumb controller` on a fresh `plumb cluster`.
#
# For each N: one git repository (git CLI) holding charts/podinfo (a ServiceAccount, a
# Service and a Deployment scaled to zero, podinfo 6.5.3's objects as bench/mttp has them,
# the cpu request a value), one GitRepository and N HelmReleases (interval 60m,
# targetNamespace benchmark, chart ./charts/podinfo), made with `plumb create source git|hr
# --export`. The Flux objects are created first; then `plumb controller` starts and the clock
# runs until every HelmRelease is Ready=True (installed: all objects applied and healthy),
# observed with one `kubectl get -w`. Then:
#   - values → applied: the last HelmRelease's spec.values.cpu changed (kubectl patch), until
#     its Deployment shows the new request (watched), and until that HelmRelease is Ready
#     again at the new generation.
# Peak memory is the controller's VmHWM (/proc/PID/status).
#
# Usage: bench/mttp-helm/run.sh [N...]     (default 100 1000)
# PLUMB (default build/plumb), WORKERS (--workers), CONTROLLER_FLAGS as bench/mttp.
set -euo pipefail
SIZES=("${@:-100}")
[ $# -eq 0 ] && SIZES=(100 1000)
BENCH=mttp-helm
# shellcheck source=../mttp/lib.sh
source "$(dirname "$0")/../mttp/lib.sh"

# The chart: bench/mttp's podinfo objects (less the Ingress), named after the release.
write_chart() {
  local chart=$1/charts/podinfo
  mkdir -p "$chart/templates"
  cat >"$chart/Chart.yaml" <<'YAML'
apiVersion: v2
name: podinfo
version: 6.5.3
appVersion: 6.5.3
YAML
  cat >"$chart/values.yaml" <<'YAML'
cpu: 1m
YAML
  cat >"$chart/templates/objects.yaml" <<'YAML'
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: {{ .Release.Name }}
    app.kubernetes.io/version: {{ .Chart.AppVersion }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: {{ .Release.Name }}
spec:
  type: ClusterIP
  ports:
  - {port: 9898, targetPort: http, protocol: TCP, name: http}
  - {port: 9999, targetPort: grpc, protocol: TCP, name: grpc}
  selector:
    app.kubernetes.io/name: {{ .Release.Name }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: {{ .Release.Name }}
spec:
  replicas: 0
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ .Release.Name }}
    spec:
      serviceAccountName: {{ .Release.Name }}
      containers:
      - name: podinfo
        image: ghcr.io/stefanprodan/podinfo:{{ .Chart.AppVersion }}
        command: [./podinfo, --port=9898, --grpc-port=9999]
        ports:
        - {name: http, containerPort: 9898, protocol: TCP}
        - {name: grpc, containerPort: 9999, protocol: TCP}
        resources:
          requests:
            cpu: {{ .Values.cpu }}
            memory: 16Mi
YAML
}

# flux_objects N REPO: the namespaces, the GitRepository and N HelmReleases.
flux_objects() {
  printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n---\n' flux-system benchmark
  "$PLUMB" create source git podinfo --url "file://$2" --branch main --interval 60m --export
  for ((i = 0; i < $1; i++)); do
    "$PLUMB" create hr "podinfo-$i" --source GitRepository/podinfo --chart ./charts/podinfo \
      --target-namespace benchmark --release-name "podinfo-$i" --interval 60m --export
  done
}

run_size() {
  local n=$1
  start_cluster "$n"

  local repo=$DIR/repo
  git init -q -b main "$repo"
  write_chart "$repo"
  git -C "$repo" add -A && git -C "$repo" commit -qm "podinfo chart"

  "$PLUMB" controller --once --cache-dir "$DIR/cache" >/dev/null  # the CRDs
  flux_objects "$n" "$repo" >"$DIR/flux.yaml"
  kubectl apply --server-side -f "$DIR/flux.yaml" >/dev/null

  watch_start hr -n flux-system helmreleases.helm.toolkit.fluxcd.io \
    -o 'jsonpath={.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\n"}'
  local t0 t1 ready_us before
  before=$(requests)
  t0=$(now)
  start_controller
  local controller=$CONTROLLER_PID
  local count status
  count=$(count_ready "$n")
  t1=$(now)
  [ "$count" -eq "$n" ] || die "the watch ended with $count of $n HelmReleases Ready"
  exec {WATCH_FD}<&-
  ready_us=$((t1 - t0))
  local ready_hwm
  ready_hwm=$(hwm "$controller")
  echo "N=$n: all Ready after $(secs "$ready_us") s: controller CPU $(cpu "$controller") s," \
    "server CPU $(cpu "${PIDS[0]}") s, controller peak ${ready_hwm} MB; requests:" \
    "$(requests_since "$before")" >&2

  # Values → applied: the last HelmRelease's cpu value, until its Deployment has it, then
  # until the HelmRelease is Ready at its new generation.
  local last=podinfo-$((n - 1)) generation deploy_fd
  watch_start deploy -n benchmark "deploy/$last" \
    -o 'jsonpath={.spec.template.spec.containers[0].resources.requests.cpu}{"\n"}'
  deploy_fd=$WATCH_FD
  read -r _ <&"$deploy_fd"  # the current state
  watch_start ready -n flux-system "helmrelease.helm.toolkit.fluxcd.io/$last" \
    -o 'jsonpath={.metadata.generation}{" "}{.status.observedGeneration}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\n"}'
  before=$(requests)
  local cpu_before
  cpu_before=$(cpu "$controller")
  t0=$(now)
  kubectl -n flux-system patch helmrelease.helm.toolkit.fluxcd.io "$last" --type merge \
    -p '{"spec":{"values":{"cpu":"2m"}}}' >/dev/null
  grep -m1 -qx 2m <&"$deploy_fd"
  t1=$(now)
  exec {deploy_fd}<&-
  local values_us=$((t1 - t0)) observed
  while read -r generation observed status <&"$WATCH_FD"; do
    [ "$generation" = 2 ] && [ "$observed" = 2 ] && [ "$status" = True ] && break
  done
  local ready_again_us=$(($(now) - t0))
  exec {WATCH_FD}<&-
  local peak
  peak=$(hwm "$controller")
  ROWS+=("$(printf '| %5d | %8s s | %6s MB | %6s ms | %6s ms | %6s MB |' "$n" \
    "$(secs "$ready_us")" "$peak" "$(ms "$values_us")" "$(ms "$ready_again_us")" \
    "$(hwm "${PIDS[0]}")")")
  echo "N=$n: values→applied $(ms "$values_us") ms, Ready again $(ms "$ready_again_us") ms;" \
    "controller peak ${peak} MB, CPU $cpu_before → $(cpu "$controller") s; requests meanwhile:" \
    "$(requests_since "$before")" >&2
  stop_all
}

ROWS=()
for n in "${SIZES[@]}"; do run_size "$n"; done
echo "| N | all Ready | controller peak RSS | values→applied | values→Ready | API server peak RSS |"
echo "|--:|--:|--:|--:|--:|--:|"
printf '%s\n' "${ROWS[@]}"

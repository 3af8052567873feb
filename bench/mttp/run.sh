#!/usr/bin/env bash
# bench/mttp: Flux's "mean time to production" benchmark shape (fluxcd/flux-benchmark) run
# against `plumb controller` on a fresh `plumb cluster`.
#
# For each N: one git repository (git CLI), one commit holding N apps — apps/podinfo-<i>/
# with a ServiceAccount, a Service, a Deployment scaled to zero and an Ingress, Flux's
# podinfo manifests — one GitRepository, and N Kustomizations (interval 60m, retryInterval
# 2m, prune, wait, timeout 1m, targetNamespace benchmark), as the benchmark's timoni module
# writes them. The Flux objects are created first; then `plumb controller` starts and the
# clock runs until every Kustomization is Ready=True (all four objects applied and healthy),
# observed with one `kubectl get -w`. Then:
#   - commit → applied: a commit changing one app's Deployment, a webhook call, until the
#     change is visible through the API (watched);
#   - delete → restored: `kubectl delete deploy`, from the DELETED watch event until the
#     Deployment is back (a new uid, watched).
# Peak memory is the controller's VmHWM (/proc/PID/status).
#
# Usage: bench/mttp/run.sh [N...]     (default 100 1000)
# PLUMB (default build/plumb), WORKERS (--workers, default the controller's) override;
# CONTROLLER_FLAGS adds flags (e.g. "--kube-api-qps 500" keeps the client-side rate limit);
# PERF=FILE records the machine with perf until all are Ready (FILE.N; the pids are printed).
set -euo pipefail
SIZES=("${@:-100}")
[ $# -eq 0 ] && SIZES=(100 1000)
BENCH=mttp
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# app MANIFEST INDEX CPU: the four objects of Flux's benchmark app (podinfo 6.5.3).
app() {
  local n="podinfo-$1" cpu=$2
  cat <<YAML
apiVersion: v1
kind: ServiceAccount
metadata:
  name: $n
  labels:
    app.kubernetes.io/name: $n
    app.kubernetes.io/version: 6.5.3
---
apiVersion: v1
kind: Service
metadata:
  name: $n
  labels:
    app.kubernetes.io/name: $n
    app.kubernetes.io/version: 6.5.3
spec:
  type: ClusterIP
  ports:
  - port: 9898
    targetPort: http
    protocol: TCP
    name: http
  - port: 9999
    targetPort: grpc
    protocol: TCP
    name: grpc
  selector:
    app.kubernetes.io/name: $n
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $n
  labels:
    app.kubernetes.io/name: $n
    app.kubernetes.io/version: 6.5.3
spec:
  replicas: 0
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: $n
  template:
    metadata:
      labels:
        app.kubernetes.io/name: $n
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9898"
    spec:
      terminationGracePeriodSeconds: 30
      serviceAccountName: $n
      containers:
      - name: podinfo
        image: ghcr.io/stefanprodan/podinfo:6.5.3
        imagePullPolicy: IfNotPresent
        command: [./podinfo, --port=9898, --port-metrics=9797, --grpc-port=9999, --level=info]
        ports:
        - {name: http, containerPort: 9898, protocol: TCP}
        - {name: http-metrics, containerPort: 9797, protocol: TCP}
        - {name: grpc, containerPort: 9999, protocol: TCP}
        resources:
          requests:
            cpu: $cpu
            memory: 16Mi
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: $n
  labels:
    app.kubernetes.io/name: $n
    app.kubernetes.io/version: 6.5.3
spec:
  ingressClassName: nginx
  rules:
  - host: $n.local
    http:
      paths:
      - path: /
        pathType: ImplementationSpecific
        backend:
          service:
            name: $n
            port:
              number: 9898
YAML
}

# flux_objects N REPO: the namespaces, the GitRepository and N Kustomizations.
flux_objects() {
  cat <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: flux-system
---
apiVersion: v1
kind: Namespace
metadata:
  name: benchmark
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 60m
  url: file://$2
  ref:
    branch: main
YAML
  for ((i = 0; i < $1; i++)); do
    cat <<YAML
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo-$i
  namespace: flux-system
spec:
  interval: 60m
  retryInterval: 2m
  timeout: 1m
  path: ./apps/podinfo-$i
  prune: true
  wait: true
  targetNamespace: benchmark
  sourceRef:
    kind: GitRepository
    name: podinfo
YAML
  done
}

run_size() {
  local n=$1
  start_cluster "$n"

  local repo=$DIR/repo
  git init -q -b main "$repo"
  for ((i = 0; i < n; i++)); do
    mkdir -p "$repo/apps/podinfo-$i"
    app "$i" 1m >"$repo/apps/podinfo-$i/podinfo.yaml"
  done
  git -C "$repo" add -A && git -C "$repo" commit -qm "$n apps"

  # The CRDs (the controller installs them), then the Flux objects, before the clock starts.
  "$PLUMB" controller --once --cache-dir "$DIR/cache" >/dev/null
  flux_objects "$n" "$repo" >"$DIR/flux.yaml"
  kubectl apply --server-side -f "$DIR/flux.yaml" >/dev/null

  # All Ready: one watch, counting the Kustomizations whose Ready is True.
  watch_start ks -n flux-system kustomizations.kustomize.toolkit.fluxcd.io \
    -o 'jsonpath={.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\n"}'
  local t0 t1 ready_us before
  before=$(requests)
  t0=$(now)
  start_controller
  local controller=$CONTROLLER_PID
  local perf=""
  if [ -n "${PERF:-}" ]; then  # PERF=FILE: perf record of the controller and server until all Ready
    perf record -q -a -g -F 499 -o "$PERF.$n" >/dev/null 2>&1 &  # all CPUs: threads come and go
    echo "perf: controller pid $controller, API server pid ${PIDS[0]}" >&2
    perf=$!
  fi
  local count
  count=$(count_ready "$n")
  t1=$(now)
  [ "$count" -eq "$n" ] || die "the watch ended with $count of $n Kustomizations Ready"
  [ -z "$perf" ] || { kill -INT "$perf"; wait "$perf" || true; }
  exec {WATCH_FD}<&-
  ready_us=$((t1 - t0))
  local hwm cluster_hwm
  hwm=$(hwm "$controller")
  echo "N=$n: all Ready: controller CPU $(cpu "$controller") s, server CPU $(cpu "${PIDS[0]}") s" \
    "(both since their start); requests: $(requests_since "$before")" >&2

  # Commit → applied: the last app (the last Kustomization in the controller's key order)
  # changes its cpu request; a webhook call; watched until the change is visible, and until
  # every Kustomization is Ready at the new revision (a new revision reconciles them all).
  local hook last=$((n - 1)) head deploy_fd
  hook=$(grep -o "http://127.0.0.1:[0-9]*" "$DIR/controller.log" | head -1)/hook
  app "$last" 2m >"$repo/apps/podinfo-$last/podinfo.yaml"
  git -C "$repo" commit -qam "podinfo-$last: 2m"
  head=main@sha1:$(git -C "$repo" rev-parse HEAD)
  watch_start deploy -n benchmark "deploy/podinfo-$last" \
    -o 'jsonpath={.spec.template.spec.containers[0].resources.requests.cpu}{"\n"}'
  deploy_fd=$WATCH_FD
  read -r _ <&"$deploy_fd"  # the current state
  watch_start revision -n flux-system kustomizations.kustomize.toolkit.fluxcd.io \
    -o 'jsonpath={.metadata.name}{" "}{.status.lastAppliedRevision}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\n"}'
  t0=$(now)
  curl -sf -X POST "$hook/flux-system/podinfo" >/dev/null
  grep -m1 -qx 2m <&"$deploy_fd"
  t1=$(now)
  exec {deploy_fd}<&-
  local commit_us=$((t1 - t0))
  count=$(count_at "$n" "$head")
  t1=$(now)
  exec {WATCH_FD}<&-
  [ "$count" -eq "$n" ] || die "the watch ended with $count of $n Kustomizations at $head"
  local all_us=$((t1 - t0))

  # Delete → restored: from the DELETED event to the ADDED event of a new Deployment.
  watch_start restore -n benchmark "deploy/podinfo-$last" --output-watch-events \
    -o 'jsonpath={.type}{" "}{.object.metadata.uid}{"\n"}'
  local restore_us
  restore_us=$(time_restore benchmark "podinfo-$last")
  exec {WATCH_FD}<&-
  cluster_hwm=$(hwm "${PIDS[0]}")

  ROWS+=("$(printf '| %5d | %8s s | %6s MB | %6s ms | %8s s | %6s ms | %6s MB |' "$n" \
    "$(secs "$ready_us")" "$hwm" "$(ms "$commit_us")" "$(secs "$all_us")" "$(ms "$restore_us")" \
    "$cluster_hwm")")
  echo "N=$n: all Ready after $(secs "$ready_us") s, controller peak ${hwm} MB;" \
    "commit→applied $(ms "$commit_us") ms, all at the new revision $(secs "$all_us") s;" \
    "delete→restored $(ms "$restore_us") ms" >&2
  stop_all
}

ROWS=()
for n in "${SIZES[@]}"; do run_size "$n"; done
echo "| N | all Ready | controller peak RSS | commit→applied | commit→all Ready again | delete→restored | API server peak RSS |"
echo "|--:|--:|--:|--:|--:|--:|--:|"
printf '%s\n' "${ROWS[@]}"

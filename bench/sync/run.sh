#!/usr/bin/env bash
# bench/sync: `plumb apply` of a gen_kustomize_tree.py tree against a fresh `plumb cluster`:
# cold (everything created), again with no change, and with one change. Reports wall time,
# the requests plumb sent by kind, and plumb's peak memory (GNU time). With KUBECTL=1, the
# reference in the same run: `kubectl apply --server-side` of the same rendered objects on a
# second fresh cluster, cold and again with no change.
#
# Usage: bench/sync/run.sh [APPS] [PLUMB]   (default 1000 apps, build/plumb)
# PLUMB_SHARED_DIR overrides where ../shared is.
set -euo pipefail
APPS=${1:-1000}
PLUMB=$(realpath "${2:-build/plumb}")
SHARED=${PLUMB_SHARED_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
WORK=$(mktemp -d /tmp/plumb-bench-sync-XXXXXX)
export HOME=$WORK KUBECONFIG=$WORK/kubeconfig
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

python3 "$SHARED/bench/gen_kustomize_tree.py" --apps "$APPS" --out "$WORK/tree" >/dev/null
"$PLUMB" cluster --port 0 --kubeconfig "$KUBECONFIG" >"$WORK/cluster.log" 2>&1 &
PID=$!
until [ -s "$KUBECONFIG" ] && kubectl get --raw /readyz >/dev/null 2>&1; do sleep 0.1; done
printf "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-prod\n" | kubectl create -f - >/dev/null

run() {  # run LABEL: one apply, timed
  local label=$1
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$PLUMB" apply "$WORK/tree/overlay" --stats \
    >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  read -r secs kb <"$WORK/time"
  printf '%-12s %8ss %8s MB peak  %s  [%s]\n' "$label" "$secs" "$((kb / 1024))" \
    "$(grep '^requests:' "$WORK/err" | sed 's/^requests: //')" "$(tail -1 "$WORK/out")"
}

echo "plumb apply, $APPS apps ($("$PLUMB" build "$WORK/tree/overlay" | grep -c "^kind:") objects)"
run cold
run no-change
sed -i 's/replicas: 2/replicas: 3/' "$(find "$WORK/tree/base" -name 'deployment.yaml' | head -1)"
run one-change

if [ -n "${KUBECTL:-}" ]; then
  kill "$PID"; wait "$PID" 2>/dev/null
  rm -f "$KUBECONFIG"
  "$PLUMB" cluster --port 0 --kubeconfig "$KUBECONFIG" >"$WORK/cluster2.log" 2>&1 &
  PID=$!
  until [ -s "$KUBECONFIG" ] && kubectl get --raw /readyz >/dev/null 2>&1; do sleep 0.1; done
  printf "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-prod\n" | kubectl create -f - >/dev/null
  "$PLUMB" build "$WORK/tree/overlay" >"$WORK/objects.yaml"
  for label in kubectl-cold kubectl-again; do
    /usr/bin/time -f "%e %M" -o "$WORK/time" kubectl apply --server-side -f "$WORK/objects.yaml" \
      >"$WORK/out" 2>&1 || { tail -3 "$WORK/out"; exit 1; }
    read -r secs kb <"$WORK/time"
    printf '%-12s %8ss %8s MB peak  [%s objects]\n' "$label" "$secs" "$((kb / 1024))" "$(wc -l <"$WORK/out")"
  done
fi

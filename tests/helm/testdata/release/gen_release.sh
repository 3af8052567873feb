#!/usr/bin/env bash
# Regenerates helm-install.secret.json: the release record helm itself writes, read by
# tests/helm/release_test.cpp. Runs `plumb cluster`, `helm install` of ./mychart (helm create's
# chart) into it, and keeps the Secret's name, namespace, labels, type and data.
#
# Usage: gen_release.sh PLUMB_BINARY      (helm v4.1.4 and kubectl on PATH, python3)
set -euo pipefail
PLUMB=$1
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
export HOME=$WORK KUBECONFIG=$WORK/kubeconfig
"$PLUMB" cluster --port 0 --kubeconfig "$KUBECONFIG" >"$WORK/cluster.log" 2>&1 &
PID=$!
trap 'kill $PID; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do
  [ -s "$KUBECONFIG" ] && kubectl get --raw /readyz >/dev/null 2>&1 && break
  sleep 0.05
done
helm install adopt "$HERE/mychart" -n default --set replicaCount=3 --set service.port=8080 \
  --description "installed by helm" >/dev/null
kubectl get secret sh.helm.release.v1.adopt.v1 -n default -o json | python3 -c '
import json, sys
s = json.load(sys.stdin)
m = s["metadata"]
out = {"apiVersion": "v1", "kind": "Secret",
       "metadata": {"name": m["name"], "namespace": m["namespace"], "labels": m["labels"]},
       "type": s["type"], "data": s["data"]}
print(json.dumps(out, indent=2))' >"$HERE/helm-install.secret.json"

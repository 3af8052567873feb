#!/usr/bin/env bash
# End-to-end tests of /metrics: `plumb controller --metrics-port` against a fresh `plumb
# cluster` and a real git repository, scraped by Debian's promtool and prometheus (started on
# 127.0.0.1 with its data under $WORK), and `plumb up`'s metrics endpoint.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (a tool missing; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool git curl jq python3 promtool
HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE_DIR=$(cd "$HERE/../../.." && pwd)

use_git_repo
ks_field() { kubectl -n flux-system get kustomization "$1" -o jsonpath="$2"; }
ks_ready() { [ "$(ks_field "$1" '{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
applied_is() { [ "$(ks_field "$1" '{.status.lastAppliedRevision}')" = "main@sha1:$2" ]; }
replicas_are() { [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = "$1" ]; }

make_repo() {
  git init -q -b main "$REPO"
  demo_files settings web
  commit "apps" >/dev/null
}

flux_objects() {
  git_kustomization podinfo 10m "targetNamespace: demo"
  printf -- '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n'
}

# start_controller: `plumb controller --metrics-port 0`; METRICS is its /metrics URL, HOOK
# its webhook base.
start_controller() {
  "$PLUMB" controller --cache-dir "$WORK/cache" --webhook-port 0 --metrics-port 0 \
    >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  wait_for "the metrics server" 10 grep -q "metrics: http://" "$WORK/controller.log"
  wait_for "the webhook receiver" 10 grep -q "webhook receiver on" "$WORK/controller.log"
  METRICS=$(grep -o "metrics: http://127.0.0.1:[0-9]*/metrics" "$WORK/controller.log" | cut -d' ' -f2)
  HOOK=$(grep -o "webhook receiver on http://127.0.0.1:[0-9]*" "$WORK/controller.log" | cut -d' ' -f4)/hook
}

setup() {
  start
  make_repo
  start_controller
  flux_objects | kubectl apply -f - >/dev/null || fail "kubectl apply of the Flux objects"
  wait_for "the first commit is applied" 20 ks_ready apps
}

# new_commit COLOR: commits the ConfigMap in that color, calls the webhook, waits until applied.
new_commit() {
  sed -i "s/color: .*/color: $1/" "$REPO/apps/config.yaml"
  local head
  head=$(commit "$1")
  curl -fsS -X POST "$HOOK/flux-system/podinfo" >/dev/null || fail "webhook"
  wait_for "commit $1 is applied" 20 applied_is apps "$head"
}

drift_repair() {
  kubectl -n demo scale deploy web --replicas=5 >/dev/null || fail "kubectl scale"
  wait_for "scaled replicas restored" 10 replicas_are 1
}

scrape() { curl -fsS "$METRICS" >"$WORK/scrape.txt" || fail "GET $METRICS"; }
scrape_has() { scrape && grep -qF -- "$1" "$WORK/scrape.txt"; }
scrape_matches() { scrape && grep -qE -- "$1" "$WORK/scrape.txt"; }

scenario_scrape_passes_promtool() {
  setup
  new_commit green
  drift_repair
  wait_for "the drift repair is counted" 5 scrape_matches \
    '^plumb_drift_repairs_total\{kind="Kustomization",name="apps",namespace="flux-system"\} [1-9]'
  local out
  out=$(promtool check metrics <"$WORK/scrape.txt" 2>&1) || fail "promtool check metrics:
$out"
  for name in gotk_reconcile_duration_seconds_bucket gotk_reconcile_condition gotk_suspend_status \
    gotk_resource_info workqueue_depth workqueue_adds_total workqueue_queue_duration_seconds_bucket \
    rest_client_request_duration_seconds_bucket rest_client_requests_total plumb_sync_objects_total \
    plumb_git_fetch_duration_seconds_count process_resident_memory_bytes process_cpu_seconds_total \
    process_open_fds process_start_time_seconds; do
    grep -q "^$name[{ ]" "$WORK/scrape.txt" || fail "$name missing from the scrape"
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "${METRICS%/metrics}/other")" = 404 ] || fail "404"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$METRICS")" = 405 ] || fail "405"
  curl -fsS -D - -o /dev/null "$METRICS" | grep -qi "^content-type: text/plain; version=0.0.4" ||
    fail "content type"
  # A deleted Kustomization's series go.
  kubectl -n flux-system delete kustomization apps --wait=false >/dev/null || fail "kubectl delete"
  wait_for "the deleted Kustomization's series are removed" 20 eval \
    '! scrape_has "gotk_reconcile_condition{kind=\"Kustomization\",name=\"apps\""'
  grep -q 'name="podinfo"' "$WORK/scrape.txt" || fail "the GitRepository's series went too"
}

# ---- Prometheus -----------------------------------------------------------------------

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_prometheus() {
  [ -x /usr/bin/prometheus ] || unavailable "/usr/bin/prometheus (Debian package prometheus)"
  PROM=http://127.0.0.1:$(free_port)
  local target=${METRICS#http://}
  target=${target%%/*}
  cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
- job_name: plumb
  static_configs:
  - targets: ['$target']
  metrics_path: /metrics
YAML
  /usr/bin/prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus" \
    --web.listen-address="${PROM#http://}" >"$WORK/prometheus.log" 2>&1 &
  local pid=$!
  EXTRA_PIDS+=("$pid")
  for _ in $(seq 300); do
    curl -fsS "$PROM/-/ready" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  fail "prometheus did not become ready: $(tail -5 "$WORK/prometheus.log")"
}

# query EXPR: the first sample's value of an instant query ("" when none).
query() {
  curl -fsS "$PROM/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // ""'
}
# query_is EXPR JQ-CONDITION: the value satisfies the condition (e.g. '. >= 1').
query_is() {
  local v
  v=$(query "$1")
  [ -n "$v" ] && jq -e "$2" <<<"$v" >/dev/null
}
expect_query() { wait_for "Prometheus: $1 ($2)" 20 query_is "$1" "$2"; }

scenario_prometheus_scrapes_the_controller() {
  setup
  start_prometheus
  expect_query 'up{job="plumb"}' '. == 1'
  local apps='kind="Kustomization",name="apps",namespace="flux-system"' before
  expect_query "gotk_reconcile_duration_seconds_count{$apps}" '. >= 1'
  before=$(query "gotk_reconcile_duration_seconds_count{$apps}")
  new_commit green
  new_commit yellow
  drift_repair
  "$PLUMB" suspend ks apps >/dev/null 2>&1 || fail "plumb suspend"
  expect_query "gotk_reconcile_duration_seconds_count{$apps}" ". >= $before + 2"
  expect_query "gotk_reconcile_condition{$apps,type=\"Ready\",status=\"True\"}" '. == 1'
  expect_query "gotk_reconcile_condition{$apps,type=\"Ready\",status=\"False\"}" '. == 0'
  expect_query "plumb_drift_repairs_total{$apps}" '. >= 1'
  expect_query "gotk_suspend_status{$apps}" '. == 1'
  expect_query 'gotk_resource_info{customresource_kind="Kustomization",name="apps",suspended="true",ready="True"}' '. == 1'
  expect_query 'plumb_sync_objects_total{kind="Kustomization",action="configured"}' '. >= 2'
  expect_query 'histogram_quantile(0.95, sum by (le) (rate(gotk_reconcile_duration_seconds_bucket[1m])))' '. > 0'
  expect_query 'plumb_git_fetch_duration_seconds_count' '. >= 3'
  expect_query 'workqueue_adds_total{name="reconcile"}' '. >= 3'
  expect_query 'workqueue_depth{name="reconcile"}' '. >= 0'
  expect_query 'sum(workqueue_queue_duration_seconds_count{name="drift"})' '. >= 1'
  expect_query 'sum(rest_client_requests_total{code="200"})' '. > 10'
  expect_query 'rest_client_request_duration_seconds_count{verb="PATCH"}' '. >= 1'
  expect_query 'process_resident_memory_bytes' '. > 1000000'
  expect_query 'process_cpu_seconds_total' '. > 0'
  expect_query 'process_open_fds' '. > 3'
  # Every metric the Grafana dashboard queries is one the controller exposes.
  scrape
  python3 "$HERE/dashboard_check.py" "$SOURCE_DIR/examples/grafana/plumb.json" "$WORK/scrape.txt" ||
    fail "the dashboard queries metrics /metrics does not expose"
}

# ---- plumb up -------------------------------------------------------------------------

scenario_up_serves_metrics() {
  "$PLUMB" up --data-dir "$WORK/up" --port 0 >"$WORK/controller.log" 2>&1 &
  PID=$!
  export KUBECONFIG=$WORK/up/kubeconfig
  wait_for "plumb up prints what to try" 20 grep -q "^Try:" "$WORK/controller.log"
  local port
  port=$(cat "$WORK/up/metrics-port")
  [ "$port" -gt 0 ] || fail "DATA_DIR/metrics-port holds '$port'"
  grep -q "plumb up: metrics     http://127.0.0.1:$port/metrics" "$WORK/controller.log" ||
    fail "plumb up does not print the metrics URL"
  METRICS=http://127.0.0.1:$port/metrics
  wait_for "the example apps are applied" 30 ks_ready apps
  wait_for "the apps' reconcile is measured" 10 scrape_has 'gotk_reconcile_duration_seconds_count{kind="Kustomization",name="apps"'
  local out
  out=$(promtool check metrics <"$WORK/scrape.txt" 2>&1) || fail "promtool check metrics:
$out"
  stop
  [ ! -e "$WORK/up/metrics-port" ] || fail "DATA_DIR/metrics-port left behind"
}

run_scenario

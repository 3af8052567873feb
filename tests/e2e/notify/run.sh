#!/usr/bin/env bash
# End-to-end tests of alerts and commit statuses (Flux's notification-controller in Plumb):
# `plumb controller` against a fresh `plumb cluster`, a real git repository, Flux Provider
# and Alert objects applied with kubectl, and a local HTTP receiver (receiver.py) standing
# in for Slack, GitHub and webhooks; what it received is checked with check.py.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lib.sh"
require_tool git
require_tool python3

use_git_repo
TOKEN=gh-t0k3n-do-not-leak
HMAC_KEY=hmac-k3y-do-not-leak
ks_field() { kubectl -n flux-system get kustomization "$1" -o jsonpath="$2"; }
applied_is() { [ "$(ks_field apps '{.status.lastAppliedRevision}')" = "main@sha1:$1" ]; }
ks_failed_at() {
  [ "$(ks_field apps '{.status.conditions[?(@.type=="Ready")].status}')" = False ] &&
    [ "$(ks_field apps '{.status.lastAttemptedRevision}')" = "main@sha1:$1" ]
}
q() { python3 "$HERE/check.py" "$WORK/received.jsonl" "$@"; }
# count_is N check-args...: the receiver got exactly N such requests.
count_is() { [ "$(q count "${@:2}")" = "$1" ]; }
count_at_least() { [ "$(q count "${@:2}")" -ge "$1" ]; }
states_are() { [ "$(q states "$1")" = "$2" ]; }

make_repo() {
  git init -q -b main "$REPO"
  demo_files settings namespace
  commit "apps"
}

start_receiver() {
  python3 "$HERE/receiver.py" "$WORK/received.jsonl" "$WORK/receiver.port" >"$WORK/receiver.log" 2>&1 &
  EXTRA_PIDS+=($!)
  wait_for "the receiver listens" 10 test -s "$WORK/receiver.port"
  RECEIVER=http://127.0.0.1:$(cat "$WORK/receiver.port")
}

start_controller() {
  "$PLUMB" controller --cache-dir "$WORK/cache" >"$WORK/controller.log" 2>&1 &
  CONTROLLER_PID=$!
  EXTRA_PIDS+=($!)
  wait_for "the controller installs the Alert CRD" 10 kubectl get crd alerts.notification.toolkit.fluxcd.io
  wait_for "the controller installs the Flux CRDs" 10 kubectl get crd kustomizations.kustomize.toolkit.fluxcd.io
}

# provider NAME TYPE ADDRESS [SECRET [PROXY]]: a Provider as the Flux docs write them.
provider() {
  local secret=""
  [ -n "${4:-}" ] && secret="  secretRef:
    name: $4"
  [ -n "${5:-}" ] && secret="  proxy: $5"
  cat <<YAML
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: $1
  namespace: flux-system
spec:
  type: $2
  address: $3
  timeout: 30s
$secret
YAML
}

# alert NAME PROVIDER [SEVERITY]: every event of the Kustomization apps.
alert() {
  cat <<YAML
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: $1
  namespace: flux-system
spec:
  providerRef:
    name: $2
  eventSeverity: ${3:-info}
  eventSources:
  - kind: Kustomization
    name: apps
YAML
}

flux_objects() { git_kustomization podinfo 1m "retryInterval: 10m"; }

# setup: cluster, repository, receiver ($RECEIVER), controller and the Secrets; the scenario
# applies its Providers and Alerts before the Flux objects, so the first reconcile is alerted.
setup() {
  start
  HEAD1=$(make_repo)
  start_receiver
  start_controller
  kubectl create namespace flux-system >/dev/null || fail "namespace"
  kubectl -n flux-system create secret generic github-token --from-literal=token=$TOKEN >/dev/null ||
    fail "secret"
  kubectl -n flux-system create secret generic hmac-key --from-literal=token=$HMAC_KEY >/dev/null ||
    fail "secret"
}

request_fetch() {
  kubectl -n flux-system annotate gitrepository podinfo --overwrite \
    "reconcile.fluxcd.io/requestedAt=$(date +%s%N)" >/dev/null || fail "annotate"
}

request_reconcile() {
  kubectl -n flux-system annotate kustomization apps --overwrite \
    "reconcile.fluxcd.io/requestedAt=$(date +%s%N)" >/dev/null || fail "annotate"
}

# The highest count of the Kustomization's Warning events (a repeat adds one).
warning_count() {
  kubectl -n flux-system get events \
    -o jsonpath='{range .items[*]}{.type} {.involvedObject.kind} {.count}{"\n"}{end}' |
    awk '$1 == "Warning" && $2 == "Kustomization" { if ($3 > m) m = $3 } END { print m + 0 }'
}
warning_count_above() { [ "$(warning_count)" -gt "$1" ]; }

secrets_stay_secret() {
  ! grep -rqF -e "$TOKEN" -e "$HMAC_KEY" "$WORK/controller.log" ||
    fail "a token is in the controller's log"
  ! kubectl get events -A -o yaml | grep -qF -e "$TOKEN" -e "$HMAC_KEY" || fail "a token is in an event"
}

scenario_alerts_and_commit_statuses() {
  setup
  {
    provider generic generic "$RECEIVER/ok/generic"
    provider signed generic-hmac "$RECEIVER/ok/signed" hmac-key
    provider slack slack "$RECEIVER/ok/slack"
    provider github github "$RECEIVER/org/repo" github-token
    provider proxied generic http://alerts.example.invalid/hook "" "$RECEIVER"
    alert generic generic
    alert proxied proxied
    alert signed signed
    alert slack slack
    alert github github
  } | kubectl apply -f - >/dev/null || fail "kubectl apply of Providers and Alerts"
  flux_objects | kubectl apply -f - >/dev/null || fail "kubectl apply of the Flux objects"
  wait_for "the first commit is applied" 20 applied_is "$HEAD1"
  local uid context
  uid=$(kubectl -n flux-system get provider github -o jsonpath='{.metadata.uid}')
  context="kustomization/apps/${uid%%-*}"

  # Success: the generic payload is Flux's event JSON; hmac signed; Slack's attachment.
  wait_for "the generic success payload" 10 count_is 1 /ok/generic severity=info \
    reason=ReconciliationSucceeded involvedObject.kind=Kustomization involvedObject.name=apps \
    involvedObject.namespace=flux-system "metadata.revision=main@sha1:$HEAD1" \
    reportingController=kustomize-controller
  [ "$(q header /ok/generic gotk-component)" = kustomize-controller ] || fail "gotk-component header"
  wait_for "the signed payload" 10 count_at_least 1 /ok/signed reason=ReconciliationSucceeded
  [ "$(q hmac /ok/signed "$HMAC_KEY")" -ge 1 ] || fail "X-Signature is not the body's HMAC"
  wait_for "the Slack payload" 10 count_is 1 /ok/slack "attachments[0].color=good" \
    "attachments[0].author_name=kustomization/apps.flux-system" username=kustomize-controller \
    "attachments[0].fields[0].title=revision"
  # GitHub: pending when the reconcile began, then success; one post per state.
  wait_for "pending then success on $HEAD1" 10 states_are "$HEAD1" pending,success
  count_is 2 /api/v3/repos/org/repo/statuses/"$HEAD1" "context=$context" ||
    fail "the statuses' context is not $context: $(cat "$WORK/received.jsonl")"
  [ "$(q header /api/v3/ Authorization)" = "Bearer $TOKEN" ] || fail "GitHub token header"
  # spec.proxy: the request goes through the proxy (the receiver sees the absolute URL).
  wait_for "the proxied payload" 10 count_is 1 http://alerts.example.invalid/hook \
    reason=ReconciliationSucceeded

  # A failing commit: failure payloads and the failure status.
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [oops\n' >"$REPO/apps/broken.yaml"
  local head2
  head2=$(commit "broken")
  request_fetch
  wait_for "the commit fails" 20 ks_failed_at "$head2"
  wait_for "the generic failure payload" 10 count_is 1 /ok/generic severity=error \
    "metadata.revision=main@sha1:$head2"
  wait_for "the Slack failure payload" 10 count_is 1 /ok/slack "attachments[0].color=danger"
  wait_for "pending then failure on $head2" 10 states_are "$head2" pending,failure
  # The same failure again (a requested reconcile) is a repeated event: sent once.
  local before
  before=$(warning_count)
  request_reconcile
  wait_for "the failure repeats as a Kubernetes event" 20 warning_count_above "$before"
  sleep 1
  count_is 1 /ok/generic severity=error || fail "the repeated failure was sent again: $(q count /ok/generic severity=error)"
  states_are "$head2" pending,failure || fail "statuses after the repeat: $(q states "$head2")"

  # The fix: pending then success on its commit.
  git -C "$REPO" rm -q apps/broken.yaml
  local head3
  head3=$(commit "fixed")
  request_fetch
  wait_for "the fix is applied" 20 applied_is "$head3"
  wait_for "pending then success on $head3" 10 states_are "$head3" pending,success

  # Drift: the repair is an event, so an alert.
  kubectl -n demo delete cm settings >/dev/null || fail "kubectl delete"
  wait_for "the drift repair is alerted" 10 count_is 1 /ok/generic reason=DriftCorrected
  wait_for "and on Slack" 10 count_at_least 1 /ok/slack "attachments[0].text=ConfigMap/demo/settings deleted outside Git; restored"
  sleep 1
  states_are "$head3" pending,success || fail "a drift repair re-posted the status: $(q states "$head3")"
  secrets_stay_secret
}

provider_warned() {
  kubectl -n flux-system get events \
    -o jsonpath='{range .items[*]}{.involvedObject.kind}/{.involvedObject.name} {.reason}{"\n"}{end}' |
    grep -q "Provider/$1 NotificationDispatchFailed"
}

# A provider that answers 500 is retried with backoff; one that refuses (404) becomes a
# Warning event on the Provider; one that hangs delays no reconcile.
scenario_failing_and_hanging_providers() {
  setup
  {
    provider down generic "$RECEIVER/fail/down"
    provider refused generic "$RECEIVER/refuse/x"
    alert down down
    alert refused refused
  } | kubectl apply -f - >/dev/null || fail "kubectl apply of Providers and Alerts"
  flux_objects | kubectl apply -f - >/dev/null || fail "kubectl apply of the Flux objects"
  wait_for "the first commit is applied" 20 applied_is "$HEAD1"
  wait_for "retries of the 500s" 20 count_at_least 3 /fail/down reason=ReconciliationSucceeded
  local gaps
  gaps=$(q gaps /fail/down)
  echo "retry gaps (s): $gaps"
  python3 -c 'import sys; g=[float(x) for x in sys.argv[1:]]; sys.exit(not (g[0] >= 0.9 and g[1] >= 1.8))' $gaps ||
    fail "retries are not spaced by backoff (1 s, 2 s, ...): $gaps"
  wait_for "a Warning event on the refused Provider" 10 provider_warned refused

  # Commit → applied latency without and with a hanging provider.
  latency() {
    sed -i "s/color: .*/color: $1/" "$REPO/apps/config.yaml"
    local head started
    head=$(commit "$1")
    started=$(now_ms)
    request_fetch
    wait_for "commit $1 applied" 20 applied_is "$head"
    echo $(($(now_ms) - started))
  }
  local without with
  without=$(latency green)
  printf '%s\n' "$(provider hang generic "$RECEIVER/hang/x"; alert hang hang)" |
    kubectl apply -f - >/dev/null || fail "apply the hanging provider"
  latency red >/dev/null  # the first hanging delivery is now in flight
  wait_for "the hanging provider got a request" 10 count_at_least 1 /hang/x
  with=$(latency yellow)
  echo "commit→applied: ${without} ms without, ${with} ms with a hanging provider"
  [ "$with" -le 2000 ] || fail "a hanging provider delayed the reconcile: ${with} ms (${without} ms without)"
  # Stopping does not wait for the hanging request (its timeout is 30 s).
  local started
  started=$(now_ms)
  kill "$CONTROLLER_PID" && wait "$CONTROLLER_PID"
  echo "controller stopped in $(($(now_ms) - started)) ms with a request hanging"
  [ $(($(now_ms) - started)) -le 5000 ] || fail "stopping waited for the hanging provider"
}

run_scenario

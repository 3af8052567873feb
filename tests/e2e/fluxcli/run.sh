#!/usr/bin/env bash
# End-to-end tests of the flux-like commands (plumb get / reconcile / suspend / resume /
# create / events) against a fresh `plumb cluster` per scenario, checked with kubectl.
#
# The controller's side of the contract is played by fake_controller, a kubectl loop: for
# every GitRepository and Kustomization whose generation or reconcile request
# (reconcile.fluxcd.io/requestedAt) it has not answered yet, it writes the status a
# controller writes (Ready, revision, observedGeneration, lastHandledReconcileAt). Objects
# named broken-* get Ready=False; objects named slow-* are never answered.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"

SHA=0123456789abcdef0123456789abcdef01234567
REVISION="main@sha1:$SHA"
CONTROLLER=""
trap 'stop_fake_controller; cleanup' EXIT

ks() { kubectl -n flux-system get kustomization "$1" -o jsonpath="$2"; }
git_source() { kubectl -n flux-system get gitrepository "$1" -o jsonpath="$2"; }

# status_patch GENERATION REQUESTED_AT OK|FAIL: the status a controller writes.
status_patch() {
  local ready=True reason=ReconciliationSucceeded message="Applied revision: $REVISION"
  if [ "$3" = FAIL ]; then
    ready=False reason=BuildFailed message="kustomization path not found: ./nowhere"
  fi
  printf '{"status":{"observedGeneration":%s,"lastHandledReconcileAt":"%s",' "$1" "$2"
  printf '"lastAppliedRevision":"%s","artifact":{"revision":"%s"},' "$REVISION" "$REVISION"
  printf '"conditions":[{"type":"Ready","status":"%s","reason":"%s","message":"%s",' \
    "$ready" "$reason" "$message"
  printf '"observedGeneration":%s,"lastTransitionTime":"2026-01-01T00:00:00Z"}]}}' "$1"
}

# name|generation|requestedAt|observedGeneration|lastHandledReconcileAt, one object a line.
STATE='{range .items[*]}{.metadata.name}{"|"}{.metadata.generation}{"|"}'
STATE+='{.metadata.annotations.reconcile\.fluxcd\.io/requestedAt}{"|"}'
STATE+='{.status.observedGeneration}{"|"}{.status.lastHandledReconcileAt}{"\n"}{end}'

fake_controller_pass() {
  local kind name gen req obs handled outcome
  for kind in gitrepositories kustomizations; do
    kubectl -n flux-system get "$kind" -o jsonpath="$STATE" 2>/dev/null |
      while IFS='|' read -r name gen req obs handled; do
        case $name in slow*) continue ;; esac
        [ "$gen" = "$obs" ] && [ "$req" = "$handled" ] && continue
        outcome=OK
        case $name in broken*) outcome=FAIL ;; esac
        kubectl -n flux-system patch "$kind" "$name" --subresource=status --type=merge \
          -p "$(status_patch "$gen" "$req" "$outcome")" >/dev/null 2>&1
      done
  done
}

start_fake_controller() {
  (while true; do
    fake_controller_pass
    sleep 0.1
  done) &
  CONTROLLER=$!
}

stop_fake_controller() {
  [ -n "$CONTROLLER" ] && kill "$CONTROLLER" 2>/dev/null && wait "$CONTROLLER" 2>/dev/null
  CONTROLLER=""
}

# The Flux CRDs, installed the way a user gets them: by plumb create.
install_crds() {
  kubectl create namespace flux-system >/dev/null || fail "create namespace flux-system"
  "$PLUMB" create source git bootstrap --url "file://$WORK/repo" --branch main --no-wait \
    >"$WORK/crds.log" 2>&1 || fail "plumb create --no-wait: $(cat "$WORK/crds.log")"
  grep -q "CRDs installed" "$WORK/crds.log" || fail "CRDs not installed: $(cat "$WORK/crds.log")"
  kubectl -n flux-system delete gitrepository bootstrap >/dev/null
}

# flux_ks NAME: a Kustomization of podinfo's ./apps, applied with kubectl.
flux_ks() {
  cat <<YAML | kubectl apply -f - >/dev/null || fail "kubectl apply of Kustomization $1"
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: $1
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: podinfo
YAML
}

flux_objects() {
  cat <<YAML | kubectl apply -f - >/dev/null || fail "kubectl apply of the GitRepository"
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1m
  url: file://$WORK/repo
  ref:
    branch: main
YAML
  flux_ks apps
}

# wait_for_file FILE PERL_REGEX: until FILE has a line matching it (10 s at most).
wait_for_file() {
  for _ in $(seq 200); do
    grep -qP -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "no line matching '$2' in $1: $(cat "$1")"
}

scenario_create_export() {
  # --export needs no cluster.
  local source_yaml ks_yaml
  source_yaml=$(KUBECONFIG=/nonexistent "$PLUMB" create source git podinfo \
    --url=https://github.com/stefanprodan/podinfo --branch=master --interval=30s --export) ||
    fail "create source git --export"
  [ "$source_yaml" = "---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 30s
  ref:
    branch: master
  url: https://github.com/stefanprodan/podinfo" ] || fail "source export: $source_yaml"
  ks_yaml=$("$PLUMB" create kustomization podinfo --target-namespace=default --source=podinfo \
    --path="./kustomize" --prune=true --wait=true --interval=30m --retry-interval=2m \
    --health-check-timeout=3m --depends-on=infra,base/tenants --export) ||
    fail "create kustomization --export"
  [ "$ks_yaml" = "---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  dependsOn:
  - name: infra
  - name: tenants
    namespace: base
  interval: 30m0s
  path: ./kustomize
  prune: true
  retryInterval: 2m0s
  sourceRef:
    kind: GitRepository
    name: podinfo
  targetNamespace: default
  timeout: 3m0s
  wait: true" ] || fail "kustomization export: $ks_yaml"
  # Usage errors exit 2 and say what is wrong.
  expect_exit 2 "$PLUMB" create source git podinfo --url=https://example.com/x --export
  expect_output "no ref" "a Git ref is required" "$PLUMB" create source git x --url=https://e.com/x
  expect_output "no source" "source is required" "$PLUMB" create ks x --export
  expect_exit 2 "$PLUMB" create ks x --source podinfo --url https://e.com --export
  expect_exit 2 "$PLUMB" create helmrelease x --export
  # What --export prints is what kubectl applies.
  start
  install_crds
  { echo "$source_yaml"; echo "$ks_yaml"; } | kubectl apply -f - >/dev/null || fail "kubectl apply"
  [ "$(git_source podinfo '{.spec.interval} {.spec.ref.branch}')" = "30s master" ] || fail "source"
  [ "$(ks podinfo '{.spec.sourceRef.name} {.spec.path} {.spec.timeout} {.spec.dependsOn[1].namespace}')" = \
    "podinfo ./kustomize 3m0s base" ] || fail "kustomization: $(ks podinfo '{.spec}')"
}

scenario_create_and_wait() {
  start
  kubectl create namespace flux-system >/dev/null || fail "namespace"
  start_fake_controller
  local out
  # The cluster lacks the CRDs: create installs them, applies, waits for Ready.
  out=$("$PLUMB" create source git podinfo --url "file://$WORK/repo" --branch main 2>&1) ||
    fail "create source git: $out"
  for line in "CRDs installed" "✔ GitRepository source created" \
    "◎ waiting for GitRepository source reconciliation" "✔ fetched revision: $REVISION"; do
    grep -qF "$line" <<<"$out" || fail "create source git: no '$line' in: $out"
  done
  [ "$(git_source podinfo '{.spec.ref.branch} {.spec.interval}')" = "main 1m0s" ] || fail "spec"
  kubectl -n flux-system get gitrepository podinfo -o yaml --show-managed-fields |
    grep -q "manager: plumb-cli-create" || fail "field manager"
  out=$("$PLUMB" create ks apps --source GitRepository/podinfo --path ./apps --prune 2>&1) ||
    fail "create ks: $out"
  grep -qF "✔ Kustomization apps is ready" <<<"$out" || fail "create ks: $out"
  grep -qF "✔ applied revision $REVISION" <<<"$out" || fail "create ks: $out"
  [ "$(ks apps '{.spec.path} {.spec.prune}')" = "./apps true" ] || fail "ks spec"
  # Again with a change: updated, and it waits for the new generation.
  out=$("$PLUMB" create ks apps --source podinfo --path ./apps/prod 2>&1) || fail "update: $out"
  grep -qF "Kustomization updated" <<<"$out" || fail "update: $out"
  [ "$(ks apps '{.spec.path} {.spec.prune}')" = "./apps/prod false" ] || fail "updated spec"
  # Ready=False: exit 1 with the controller's message.
  expect_exit 1 "$PLUMB" create ks broken-app --source podinfo
  expect_output "Ready=False" \
    "✗ kustomization flux-system/broken-app: kustomization path not found" \
    "$PLUMB" create ks broken-app --source podinfo
  # Never answered: times out.
  local begin=$SECONDS
  expect_output "timeout" "timed out after 2s waiting for kustomization flux-system/slow-app" \
    "$PLUMB" create ks slow-app --source podinfo --timeout 2s
  [ $((SECONDS - begin)) -le 6 ] || fail "the timeout took $((SECONDS - begin)) s"
  expect_exit 1 "$PLUMB" create ks slow-app --source podinfo --timeout 1s
  # --no-wait returns at once.
  expect_exit 0 "$PLUMB" create ks slow-other --source podinfo --no-wait
  expect_exit 0 kubectl -n flux-system get kustomization slow-other
}

scenario_get() {
  start
  install_crds
  kubectl create namespace team >/dev/null
  flux_objects
  kubectl -n flux-system patch kustomization apps --subresource=status --type=merge \
    -p "$(status_patch 1 "" OK)" >/dev/null || fail "patch status"
  kubectl -n flux-system patch gitrepository podinfo --subresource=status --type=merge \
    -p "$(status_patch 1 "" OK)" >/dev/null || fail "patch status"
  local out expected
  out=$("$PLUMB" get kustomizations) || fail "get kustomizations"
  expected=$(printf 'NAME\t%-50s\tSUSPENDED\tREADY\t%-68s \napps\t%s\tFalse    \tTrue \t%s\t' \
    REVISION MESSAGE "$REVISION" "Applied revision: $REVISION")
  [ "$out" = "$expected" ] || fail "get kustomizations:
$(cat -A <<<"$out")
expected:
$(cat -A <<<"$expected")"
  [ "$("$PLUMB" get ks)" = "$out" ] || fail "get ks differs"
  [ "$("$PLUMB" get kustomization apps)" = "$out" ] || fail "get kustomization apps differs"
  # -A: NAMESPACE first; an object without status is "waiting to be reconciled".
  kubectl -n team apply -f - >/dev/null <<'YAML' || fail "team ks"
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: tenant
spec:
  interval: 5m
  sourceRef:
    kind: GitRepository
    name: podinfo
    namespace: flux-system
YAML
  out=$("$PLUMB" get ks -A) || fail "get ks -A"
  grep -qP '^NAMESPACE  \tNAME  \tREVISION' <<<"$out" || fail "get ks -A header: $out"
  grep -qP "^flux-system\tapps  \t$REVISION\tFalse" <<<"$out" || fail "get ks -A apps: $out"
  grep -qP '^team       \ttenant\t +\tFalse    \tFalse\twaiting to be reconciled' <<<"$out" ||
    fail "get ks -A tenant: $(cat -A <<<"$out")"
  out=$("$PLUMB" get ks -n team) || fail "get ks -n team"
  grep -q '^tenant' <<<"$out" && ! grep -q apps <<<"$out" || fail "get ks -n team: $out"
  # Sources: status.artifact.revision; `get sources` prefixes the kind.
  out=$("$PLUMB" get sources git) || fail "get sources git"
  grep -qP "^podinfo\t$REVISION\tFalse    \tTrue \tApplied" <<<"$out" || fail "sources git: $out"
  [ "$("$PLUMB" get source git podinfo)" = "$out" ] || fail "get source git podinfo differs"
  out=$("$PLUMB" get sources) || fail "get sources"
  grep -qP "^gitrepository/podinfo\t$REVISION" <<<"$out" || fail "get sources: $out"
  # Errors.
  expect_output "not found" "✗ kustomization flux-system/nope not found" "$PLUMB" get ks nope
  expect_exit 1 "$PLUMB" get ks nope
  expect_output "unknown kind" "unknown kind 'alerts'; kinds: kustomizations" \
    "$PLUMB" get alerts
  expect_exit 2 "$PLUMB" get alerts
  expect_exit 2 "$PLUMB" get
  expect_output "empty namespace" 'no Kustomization objects found in "empty" namespace' \
    "$PLUMB" get ks -n empty
  # --watch prints the table, then a row per change.
  "$PLUMB" get ks --watch >"$WORK/watch.out" 2>&1 &
  local watcher=$!
  wait_for_file "$WORK/watch.out" "^apps"
  kubectl -n flux-system patch kustomization apps --type merge -p '{"spec":{"suspend":true}}' \
    >/dev/null || fail "patch suspend"
  # A row printed alone is padded to its own cells.
  wait_for_file "$WORK/watch.out" '^apps\t\S+\tTrue\tTrue\t'
  kill "$watcher"
  wait "$watcher" 2>/dev/null
  [ "$(grep -c '^NAME' "$WORK/watch.out")" = 1 ] || fail "watch header: $(cat "$WORK/watch.out")"
}

scenario_suspend_resume() {
  start
  install_crds
  flux_objects
  start_fake_controller
  local out
  # An object made by plumb create keeps its spec through suspend, resume and reconcile
  # (each verb applies with its own field manager).
  "$PLUMB" create ks made --source podinfo --path ./made --prune >/dev/null 2>&1 ||
    fail "create ks made"
  out=$("$PLUMB" suspend ks apps 2>&1) || fail "suspend: $out"
  grep -qF "► suspending kustomization apps in flux-system namespace" <<<"$out" || fail "$out"
  grep -qF "✔ kustomization suspended" <<<"$out" || fail "$out"
  [ "$(ks apps '{.spec.suspend}')" = true ] || fail "spec.suspend not set"
  "$PLUMB" get ks apps | grep -qP "^apps\t.*\tTrue     \t" || fail "get: $("$PLUMB" get ks apps)"
  kubectl -n flux-system get kustomization apps -o yaml --show-managed-fields |
    grep -q "manager: plumb-cli$" || fail "field manager plumb-cli"
  expect_output "suspended" "resource is suspended" "$PLUMB" reconcile ks apps
  expect_exit 1 "$PLUMB" reconcile ks apps
  out=$("$PLUMB" resume ks apps 2>&1) || fail "resume: $out"
  grep -qF "✔ kustomization resumed" <<<"$out" || fail "resume: $out"
  grep -qF "✔ applied revision $REVISION" <<<"$out" || fail "resume: $out"
  [ "$(ks apps '{.spec.suspend}')" = false ] || fail "spec.suspend still set"
  [ "$(ks apps '{.metadata.annotations.reconcile\.fluxcd\.io/requestedAt}')" = \
    "$(ks apps '{.status.lastHandledReconcileAt}')" ] || fail "resume did not reconcile"
  # Several names, one missing: the others are done, exit 1.
  out=$("$PLUMB" suspend ks apps nope made 2>&1) && fail "suspend with a missing name: $out"
  grep -qF "✗ kustomization flux-system/nope not found" <<<"$out" || fail "$out"
  [ "$(ks made '{.spec.suspend} {.spec.path} {.spec.prune}')" = "true ./made true" ] ||
    fail "suspend changed the spec: $(ks made '{.spec}')"
  out=$("$PLUMB" resume ks --all 2>&1) || fail "resume --all: $out"
  [ "$(grep -c "applied revision" <<<"$out")" = 2 ] || fail "resume --all: $out"
  "$PLUMB" reconcile ks made >/dev/null 2>&1 || fail "reconcile made"
  [ "$(ks made '{.spec.suspend} {.spec.path} {.spec.prune}')" = "false ./made true" ] ||
    fail "resume/reconcile changed the spec: $(ks made '{.spec}')"
  # Sources too.
  expect_exit 0 "$PLUMB" suspend source git podinfo
  [ "$(git_source podinfo '{.spec.suspend}')" = true ] || fail "source not suspended"
  "$PLUMB" get sources git | grep -qP "^podinfo\t.*\tTrue     \t" || fail "get sources git"
  expect_output "resume source" "✔ fetched revision $REVISION" "$PLUMB" resume source git podinfo
  expect_exit 2 "$PLUMB" suspend ks
}

scenario_reconcile() {
  start
  install_crds
  flux_objects
  start_fake_controller
  local out
  out=$("$PLUMB" reconcile ks apps 2>&1) || fail "reconcile: $out"
  [ "$out" = "► annotating Kustomization apps in flux-system namespace
✔ Kustomization annotated
◎ waiting for Kustomization reconciliation
✔ applied revision $REVISION" ] || fail "reconcile output: $out"
  local requested
  requested=$(ks apps '{.metadata.annotations.reconcile\.fluxcd\.io/requestedAt}')
  [ -n "$requested" ] && [ "$requested" = "$(ks apps '{.status.lastHandledReconcileAt}')" ] ||
    fail "requestedAt '$requested' not handled"
  kubectl -n flux-system get kustomization apps -o yaml --show-managed-fields |
    grep -q "manager: plumb-cli-reconcile" || fail "field manager"
  # --with-source: the GitRepository first.
  out=$("$PLUMB" reconcile kustomization apps --with-source 2>&1) || fail "--with-source: $out"
  grep -n "fetched revision $REVISION" <<<"$out" | grep -q "^4:" || fail "source first: $out"
  grep -n "applied revision $REVISION" <<<"$out" | grep -q "^8:" || fail "then ks: $out"
  [ "$(git_source podinfo '{.status.lastHandledReconcileAt}')" != "" ] || fail "source not asked"
  expect_output "source" "✔ fetched revision $REVISION" "$PLUMB" reconcile source git podinfo
  # Ready=False after the request is handled: exit 1 with the message.
  flux_ks broken-app
  out=$("$PLUMB" reconcile ks broken-app 2>&1) && fail "Ready=False reconciled: $out"
  grep -qF "✗ kustomization path not found: ./nowhere" <<<"$out" || fail "Ready=False: $out"
  # Never handled: timeout, exit 1.
  flux_ks slow-app
  local begin=$SECONDS
  out=$("$PLUMB" reconcile ks slow-app --timeout 2s 2>&1) && fail "timeout: $out"
  grep -qF "timed out after 2s waiting for kustomization flux-system/slow-app" <<<"$out" ||
    fail "timeout: $out"
  [ $((SECONDS - begin)) -le 6 ] || fail "the timeout took $((SECONDS - begin)) s"
  # Errors name the object; usage errors exit 2.
  expect_output "missing" "✗ kustomization flux-system/nope not found" "$PLUMB" reconcile ks nope
  expect_exit 1 "$PLUMB" reconcile ks nope
  expect_exit 2 "$PLUMB" reconcile ks
  expect_exit 2 "$PLUMB" reconcile source git podinfo --with-source
  expect_exit 2 "$PLUMB" reconcile ks apps --timeout soon
  expect_output "help" "Usage: plumb reconcile" "$PLUMB" reconcile --help
}

# event NAMESPACE NAME KIND OBJECT TYPE REASON SECONDS_AGO COUNT MESSAGE
event() {
  local last first
  last=$(date -u -d "-$7 sec" +%Y-%m-%dT%H:%M:%SZ)
  first=$(date -u -d "-$(($7 * $8)) sec" +%Y-%m-%dT%H:%M:%SZ)
  kubectl create -f - >/dev/null <<YAML || fail "create event $2"
apiVersion: v1
kind: Event
metadata:
  name: $2
  namespace: $1
involvedObject:
  apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: $3
  name: $4
  namespace: $1
type: $5
reason: $6
message: $9
firstTimestamp: "$first"
lastTimestamp: "$last"
count: $8
source:
  component: kustomize-controller
reportingComponent: kustomize-controller
YAML
}

scenario_events() {
  start
  install_crds
  kubectl create namespace team >/dev/null
  flux_objects
  event flux-system e1 Kustomization apps Normal ReconciliationSucceeded 30 1 "Reconciled"
  event flux-system e2 GitRepository podinfo Normal NewArtifact 600 1 "stored artifact"
  event flux-system e3 Kustomization other Warning BuildFailed 150 3 "kustomization path not found"
  event flux-system e4 Deployment web Normal ScalingReplicaSet 5 1 "not a Flux object"
  event team e5 Kustomization tenant Normal ReconciliationSucceeded 20 1 "tenant done"
  local out
  out=$("$PLUMB" events) || fail "events"
  grep -qP '^LAST SEEN\s*\tTYPE\s*\tREASON\s*\tOBJECT\s*\tMESSAGE' <<<"$out" ||
    fail "events header: $(cat -A <<<"$out")"
  [ "$(cut -f4 <<<"$out" | tr -d ' ' | tr '\n' ' ')" = \
    "OBJECT GitRepository/podinfo Kustomization/other Kustomization/apps " ] ||
    fail "events order or filter: $out"
  grep -qP '^10m\s*\tNormal \tNewArtifact' <<<"$out" || fail "LAST SEEN of e2: $out"
  grep -qP '^2m3\ds \(x3 over 7m3\ds\)\tWarning' <<<"$out" || fail "LAST SEEN of e3: $out"
  grep -qP '^3\ds\s*\tNormal \tReconciliationSucceeded\tKustomization/apps' <<<"$out" ||
    fail "LAST SEEN of e1: $out"
  # --for: the object and, for a Kustomization, its source.
  out=$("$PLUMB" events --for ks/apps) || fail "events --for ks/apps"
  [ "$(cut -f4 <<<"$out" | tr -d ' ' | tr '\n' ' ')" = \
    "OBJECT GitRepository/podinfo Kustomization/apps " ] || fail "--for ks/apps: $out"
  out=$("$PLUMB" events --for GitRepository/podinfo) || fail "events --for GitRepository"
  [ "$(cut -f4 <<<"$out" | tr -d ' ' | tr '\n' ' ')" = "OBJECT GitRepository/podinfo " ] ||
    fail "--for GitRepository/podinfo: $out"
  out=$("$PLUMB" events --for Kustomization) || fail "events --for Kustomization"
  grep -q podinfo <<<"$out" && fail "--for Kustomization shows the source: $out"
  # -A: a NAMESPACE column and the other namespaces.
  out=$("$PLUMB" events -A) || fail "events -A"
  grep -qP '^NAMESPACE  \tLAST SEEN' <<<"$out" || fail "events -A header: $out"
  grep -qP '^team       \t2\ds' <<<"$out" || fail "events -A team: $out"
  expect_output "empty" "No events found in empty namespace." "$PLUMB" events -n empty
  expect_output "missing" "✗ kustomization flux-system/nope not found" \
    "$PLUMB" events --for ks/nope
  expect_exit 2 "$PLUMB" events --for Deployment/web
  # --watch: the table, then each new event.
  "$PLUMB" events --watch >"$WORK/watch.out" 2>&1 &
  local watcher=$!
  wait_for_file "$WORK/watch.out" "Kustomization/apps"
  event flux-system e6 Kustomization apps Warning HealthCheckFailed 0 1 "deployment not ready"
  wait_for_file "$WORK/watch.out" "HealthCheckFailed"
  kill "$watcher"
  wait "$watcher" 2>/dev/null
}

run_scenario

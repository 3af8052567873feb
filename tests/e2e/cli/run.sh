#!/usr/bin/env bash
# End-to-end tests of the commands of issue 20 (tree, stats, export, version) against `plumb
# up`'s example (a GitRepository, the Kustomizations flux-system and apps, podinfo in staging),
# through the real binary, with exit codes and error cases.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool git

ks_ready() {
  [ "$(kubectl -n flux-system get kustomization "$1" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

# start_up: `plumb up` with its data in $WORK/up; waits until the example apps are Ready.
start_up() {
  "$PLUMB" up --data-dir "$WORK/up" --port 0 --no-kubeconfig >"$WORK/controller.log" 2>&1 &
  PID=$!
  export KUBECONFIG=$WORK/up/kubeconfig
  wait_for "plumb up prints what to try" 20 grep -q "^Try:" "$WORK/controller.log"
  wait_for "the example apps are applied and Ready" 30 ks_ready apps
}

# expect_exact "description" EXPECTED ACTUAL
expect_exact() {
  [ "$2" = "$3" ] || fail "$1: expected
$2
got
$3"
}

scenario_tree() {
  start_up
  local out
  out=$("$PLUMB" tree ks flux-system) || fail "tree ks flux-system exited $?"
  # The root Kustomization applies apps, whose objects are nested beneath it.
  grep -qx "Kustomization/flux-system/flux-system  Current" <<<"$out" || fail "root line: $out"
  grep -q "^[├└]── Kustomization/flux-system/apps  Current$" <<<"$out" || fail "apps line: $out"
  grep -q "^│   [├└]── Deployment/staging/podinfo  Current$" <<<"$out" ||
    fail "podinfo not nested under apps: $out"
  grep -q "^[├└]── GitRepository/flux-system/flux-system  Current$" <<<"$out" ||
    fail "GitRepository line: $out"
  [ "$(grep -c "Deployment/staging/podinfo" <<<"$out")" = 1 ] || fail "podinfo listed twice: $out"
  # The same subtree from apps.
  out=$("$PLUMB" tree kustomization apps -n flux-system) || fail "tree ks apps exited $?"
  grep -q "^[├└]── Namespace/staging  Current$" <<<"$out" || fail "tree ks apps: $out"

  # Drift: with apps suspended, a kubectl patch of podinfo's spec stays and is marked.
  "$PLUMB" suspend ks apps >/dev/null 2>&1 || fail "suspend"
  sleep 1  # managedFields times have one-second resolution
  kubectl -n staging patch deploy podinfo --type merge -p '{"spec":{"replicas":5}}' >/dev/null ||
    fail "kubectl patch"
  out=$("$PLUMB" tree ks apps)
  grep -q "Deployment/staging/podinfo  .*  drifted: kubectl-patch$" <<<"$out" ||
    fail "drift not marked: $out"
  # A deleted object of the inventory is marked missing.
  kubectl -n staging delete service podinfo >/dev/null || fail "kubectl delete"
  out=$("$PLUMB" tree ks apps)
  grep -q "Service/staging/podinfo  Missing  missing$" <<<"$out" || fail "missing not marked: $out"

  # Errors: unknown unit 1, usage 2.
  expect_exit 1 "$PLUMB" tree ks nope
  expect_output "unknown unit named" "Kustomization/flux-system/nope not found" "$PLUMB" tree ks nope
  expect_exit 2 "$PLUMB" tree ks
  expect_exit 2 "$PLUMB" tree pods x
  expect_exit 0 "$PLUMB" tree --help
  expect_exit 1 "$PLUMB" tree app nope  # no Argo CD Application of that name
}

scenario_stats() {
  start_up
  local out
  out=$("$PLUMB" stats) || fail "stats exited $?"
  grep -q "^RECONCILERS *	RUNNING	FAILING	SUSPENDED	STORAGE $" <<<"$out" || fail "header: $out"
  grep -q "^Kustomization *	2 *	0 *	0 *	- *	$" <<<"$out" || fail "Kustomization row: $out"
  grep -q "^GitRepository *	1 *	0 *	0 *	" <<<"$out" || fail "GitRepository row: $out"
  grep -q "^HelmRelease *	0 *	0 *	0 *	- *	$" <<<"$out" || fail "HelmRelease row: $out"
  grep -q "^Application *	0 *	0 *	0 *	- *	$" <<<"$out" || fail "Application row: $out"
  # The managed objects: the inventories of both Kustomizations.
  local inventories
  inventories=$(($(kubectl -n flux-system get ks flux-system -o jsonpath='{range .status.inventory.entries[*]}x{end}' | wc -c) +
    $(kubectl -n flux-system get ks apps -o jsonpath='{range .status.inventory.entries[*]}x{end}' | wc -c)))
  grep -q "^Managed objects: $inventories (Kustomization $inventories)$" <<<"$out" ||
    fail "managed objects ($inventories expected): $out"
  "$PLUMB" suspend ks apps >/dev/null 2>&1 || fail "suspend"
  out=$("$PLUMB" stats -A) || fail "stats -A exited $?"
  grep -q "^Kustomization *	1 *	0 *	1 *	" <<<"$out" || fail "suspended not counted: $out"
  out=$("$PLUMB" stats -n default) || fail "stats -n default exited $?"
  grep -q "^Kustomization *	0 *	0 *	0 *	" <<<"$out" || fail "-n default: $out"
  expect_exit 2 "$PLUMB" stats extra
  expect_exit 2 "$PLUMB" stats --bogus
  expect_exit 1 "$PLUMB" stats --kubeconfig "$WORK/none"
}

scenario_export() {
  start_up
  local out
  out=$("$PLUMB" export ks --all) || fail "export ks --all exited $?"
  [ "$(grep -c '^---$' <<<"$out")" = 2 ] || fail "two documents expected: $out"
  [ "$(head -1 <<<"$out")" = "---" ] || fail "first line not ---: $out"
  for field in status: uid: resourceVersion: managedFields: creationTimestamp: generation: \
    last-applied-configuration; do
    grep -q "$field" <<<"$out" && fail "$field not stripped: $out"
  done
  grep -q "^  name: apps$" <<<"$out" || fail "apps missing: $out"
  grep -q "^  path: ./apps/staging$" <<<"$out" || fail "spec missing: $out"
  # What it prints applies back as it is, to the same objects.
  kubectl apply --server-side --dry-run=server --field-manager plumb -f - <<<"$out" >/dev/null ||
    fail "the export does not apply"
  out=$("$PLUMB" export source git flux-system) || fail "export source git exited $?"
  grep -q "^  url: file://" <<<"$out" || fail "GitRepository url: $out"
  [ "$(grep -c '^kind: GitRepository$' <<<"$out")" = 1 ] || fail "one GitRepository: $out"
  out=$("$PLUMB" export ks --all -A) || fail "export ks --all -A exited $?"
  [ "$(grep -c '^---$' <<<"$out")" = 2 ] || fail "-A: $out"

  expect_exit 1 "$PLUMB" export ks nope
  expect_output "nothing to export" "no Kustomization objects found in default namespace" \
    "$PLUMB" export ks --all -n default
  expect_exit 1 "$PLUMB" export hr --all
  expect_exit 2 "$PLUMB" export ks
  expect_exit 2 "$PLUMB" export ks apps --all
  expect_exit 2 "$PLUMB" export pods --all
}

scenario_version() {
  local out
  out=$("$PLUMB" version --client -o json) || fail "version --client -o json exited $?"
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert "server" not in d
assert d["formats"]["flux"]["Kustomization"] == "kustomize.toolkit.fluxcd.io/v1", d
assert d["formats"]["argocd"]["Application"] == "argoproj.io/v1alpha1", d
assert d["formats"]["kustomize"].startswith("v5."), d' <<<"$out" || fail "version json: $out"
  expect_output "--version is the client's" "plumb version 0.1.0" "$PLUMB" --version
  # Without a cluster: the client's part, then exit 1.
  out=$("$PLUMB" version --kubeconfig "$WORK/none" 2>&1)
  [ $? = 1 ] || fail "version without a cluster did not exit 1: $out"
  grep -q "^plumb version 0.1.0" <<<"$out" || fail "client version missing: $out"
  start_up
  out=$("$PLUMB" version) || fail "version exited $?"
  grep -q "^server: Kubernetes v1\." <<<"$out" || fail "server version: $out"
  grep -q "^  HelmRelease helm.toolkit.fluxcd.io/v2$" <<<"$out" || fail "HelmRelease version: $out"
  out=$("$PLUMB" version -o yaml) || fail "version -o yaml exited $?"
  grep -q "^  kubernetes: v1\." <<<"$out" || fail "yaml: $out"
  expect_exit 2 "$PLUMB" version -o xml
  expect_exit 2 "$PLUMB" version extra
}

scenario_get_output() {
  start_up
  local out
  out=$("$PLUMB" get ks apps -o yaml) || fail "get ks apps -o yaml exited $?"
  grep -q "^kind: Kustomization$" <<<"$out" || fail "-o yaml: $out"
  grep -q "managedFields" <<<"$out" && fail "-o yaml shows managedFields: $out"
  out=$("$PLUMB" get ks -o json) || fail "get ks -o json exited $?"
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["kind"] == "List", d
assert sorted(i["metadata"]["name"] for i in d["items"]) == ["apps", "flux-system"], d' <<<"$out" ||
    fail "-o json: $out"
  out=$("$PLUMB" get ks -o name) || fail "get ks -o name exited $?"
  expect_exact "-o name" "kustomization.kustomize.toolkit.fluxcd.io/apps
kustomization.kustomize.toolkit.fluxcd.io/flux-system" "$out"
  # The same as kubectl prints (both sort keys; kubectl leaves managedFields out too).
  diff <("$PLUMB" get source git flux-system -o json | python3 -m json.tool --sort-keys) \
    <(kubectl -n flux-system get gitrepository flux-system -o json | python3 -m json.tool --sort-keys) ||
    fail "-o json differs from kubectl's"
  out=$("$PLUMB" get ks -o wide) || fail "get ks -o wide exited $?"
  grep -q "SOURCE *$" <<<"$(head -1 <<<"$out")" || fail "-o wide header: $out"
  grep -q "^apps .*GitRepository/flux-system" <<<"$out" || fail "-o wide row: $out"
  out=$("$PLUMB" get sources -o name) || fail "get sources -o name exited $?"
  expect_exact "sources -o name" "gitrepository.source.toolkit.fluxcd.io/flux-system" "$out"
  expect_exit 2 "$PLUMB" get ks -o xml
}

scenario_logs() {
  "$PLUMB" up --data-dir "$WORK/up" --port 0 --no-kubeconfig --log-format json \
    >"$WORK/controller.log" 2>&1 &
  PID=$!
  export KUBECONFIG=$WORK/up/kubeconfig
  wait_for "the example apps are applied and Ready" 30 ks_ready apps
  # stdout is JSON with the object's fields.
  grep -q '"kind":"Kustomization","namespace":"flux-system","name":"apps"' "$WORK/controller.log" ||
    fail "no JSON line about apps on stdout"
  local out
  out=$("$PLUMB" logs --data-dir "$WORK/up" --kind Kustomization --name apps -n flux-system) ||
    fail "logs exited $?"
  [ -n "$out" ] || fail "no lines about apps"
  grep -qv " Kustomization/apps.flux-system - " <<<"$out" && fail "lines about other objects: $out"
  grep -q "^20[0-9-]*T[0-9:.]*Z info Kustomization/apps.flux-system - " <<<"$out" ||
    fail "line format: $out"
  out=$("$PLUMB" logs --data-dir "$WORK/up" --kind Kustomization --level error)
  [ -z "$out" ] || fail "errors in a healthy start: $out"
  # --follow prints what is written after it started: a failing commit's error.
  "$PLUMB" logs --data-dir "$WORK/up" --follow --level error >"$WORK/follow.out" 2>&1 &
  EXTRA_PIDS+=($!)
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad\n' >"$WORK/up/repo/apps/staging/bad.yaml"
  sed -i 's/^resources:$/resources:\n- bad.yaml/' "$WORK/up/repo/apps/staging/kustomization.yaml"
  git -C "$WORK/up/repo" -c user.name=t -c user.email=t@example.com add -A
  git -C "$WORK/up/repo" -c user.name=t -c user.email=t@example.com commit -qm bad || fail "commit"
  wait_for "the failure followed" 20 grep -q " error Kustomization/apps.flux-system - " "$WORK/follow.out"
  out=$("$PLUMB" logs --data-dir "$WORK/up" --since 1h --kind kustomization --name nope)
  [ -z "$out" ] || fail "--name nope matched: $out"
  expect_exit 2 "$PLUMB" logs --level warn
  expect_exit 2 "$PLUMB" logs --since soon
  expect_exit 1 "$PLUMB" logs --file "$WORK/none.log"
  expect_exit 2 "$PLUMB" up --data-dir "$WORK/up2" --log-format xml
}

# complete WORD... CURRENT: what bash completion offers for `plumb WORD... CURRENT`.
complete_in_bash() {
  PATH="$(dirname "$PLUMB"):$PATH" bash -c '
    source <(plumb completion bash)
    COMP_WORDS=(plumb "$@"); COMP_CWORD=$#
    _plumb
    printf "%s\n" "${COMPREPLY[@]}"' complete "$@"
}

scenario_completion() {
  local out
  out=$(complete_in_bash "")
  grep -qx tree <<<"$out" && grep -qx completion <<<"$out" && grep -qx get <<<"$out" ||
    fail "commands: $out"
  grep -qx __complete <<<"$out" && fail "the hidden command is offered"
  expect_exact "commands starting with st" "stats" "$(complete_in_bash st)"
  out=$(complete_in_bash get --)
  grep -qx -- --all-namespaces <<<"$out" && grep -qx -- --output <<<"$out" ||
    fail "get's flags: $out"
  out=$(complete_in_bash app sync --)
  grep -qx -- --timeout <<<"$out" || fail "app sync's flags: $out"
  out=$(complete_in_bash app "")
  grep -qx sync <<<"$out" && grep -qx rollback <<<"$out" || fail "app verbs: $out"
  out=$(complete_in_bash get "")
  grep -qx ks <<<"$out" && grep -qx source <<<"$out" || fail "get's kinds: $out"
  expect_exact "source kinds" "git
helm
oci" "$(complete_in_bash get source "")"
  expect_exact "shells" "bash
fish
zsh" "$(complete_in_bash completion "" | sort)"
  # Names from the cluster.
  start_up
  expect_exact "Kustomization names" "apps
flux-system" "$(complete_in_bash get ks "" | sort)"
  expect_exact "names after -n" "apps" "$(complete_in_bash tree ks -n flux-system a)"
  expect_exact "GitRepository names" "flux-system" "$(complete_in_bash reconcile source git "")"
  [ -z "$(complete_in_bash get ks -n nowhere "")" ] || fail "names in an empty namespace"
  # The other shells' scripts parse.
  if command -v zsh >/dev/null; then "$PLUMB" completion zsh | zsh -n || fail "zsh script"; fi
  if command -v fish >/dev/null; then "$PLUMB" completion fish | fish -n || fail "fish script"; fi
  expect_exit 2 "$PLUMB" completion
  expect_exit 2 "$PLUMB" completion tcsh
  expect_exit 0 "$PLUMB" completion --help
}

# Progress of long waits: plain lines in a pipe (no \r), one line rewritten in place on a
# pseudo-terminal (script), plain again with NO_COLOR.
scenario_progress() {
  start_up
  local out
  out=$("$PLUMB" reconcile ks apps --with-source 2>&1) || fail "reconcile exited $?: $out"
  grep -qx "◎ waiting for Kustomization reconciliation" <<<"$out" || fail "plain line: $out"
  grep -q $'\r' <<<"$out" && fail "a \\r in a pipe: $out"
  mkdir -p "$WORK/manifests"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: progress, namespace: default}\ndata: {a: b}\n' \
    >"$WORK/manifests/cm.yaml"
  out=$("$PLUMB" apply "$WORK/manifests" --wait --timeout 30s 2>&1) || fail "apply --wait: $out"
  grep -qx "◎ waiting for the apply of 1 objects and their health (Current)" <<<"$out" ||
    fail "apply --wait start line: $out"
  grep -q "^◎ the apply of 1 objects and their health (Current): done after [0-9]*s$" <<<"$out" ||
    fail "apply --wait end line: $out"
  grep -q $'\r' <<<"$out" && fail "a \\r in a pipe: $out"
  if command -v script >/dev/null; then
    out=$(TERM=xterm script -qec "$PLUMB reconcile ks apps" /dev/null) || fail "under script: $out"
    grep -qF $'\r\e[2K◎ waiting for Kustomization reconciliation (' <<<"$out" ||
      fail "no in-place line on a terminal: $out"
    grep -qF $'\r\e[2K◎ Kustomization reconciliation: done after ' <<<"$out" ||
      fail "no end line on a terminal: $out"
    out=$(NO_COLOR=1 TERM=xterm script -qec "$PLUMB reconcile ks apps" /dev/null) ||
      fail "NO_COLOR under script: $out"
    grep -qF $'\e[2K' <<<"$out" && fail "in-place line with NO_COLOR: $out"
  fi
}

# plumb diff ks NAME --path DIR exits 0 (no diff), 1 (diff), 2 (error), as flux diff ks;
# app create's CRD wait takes --timeout.
scenario_exit_codes() {
  start_up
  local dir=$WORK/checkout/apps/staging out
  mkdir -p "$WORK/checkout" && cp -r "$WORK/up/repo/apps" "$WORK/checkout/"
  out=$("$PLUMB" diff ks apps --path "$dir" 2>&1)
  [ $? = 0 ] || fail "diff ks of the applied checkout did not exit 0: $out"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: b}\n' >"$dir/extra.yaml"
  sed -i 's/^resources:$/resources:\n- extra.yaml/' "$dir/kustomization.yaml"
  out=$("$PLUMB" diff ks apps --path "$dir" 2>&1)
  [ $? = 1 ] || fail "diff ks of a change did not exit 1: $out"
  grep -q "extra" <<<"$out" || fail "the change is not shown: $out"
  expect_exit 2 "$PLUMB" diff ks nope --path "$dir"
  expect_exit 2 "$PLUMB" diff ks apps
  expect_exit 2 "$PLUMB" app create x --repo "file://$WORK/up/repo" --path apps \
    --dest-namespace default --timeout 0
  expect_exit 2 "$PLUMB" app create x --repo "file://$WORK/up/repo" --path apps \
    --dest-namespace default --timeout soon
  kubectl create namespace argocd >/dev/null 2>&1
  out=$("$PLUMB" app create x --repo "file://$WORK/up/repo" --path apps \
    --dest-server https://kubernetes.default.svc --dest-namespace default --timeout 30 2>&1) || fail "app create --timeout 30: $out"
  kubectl -n argocd get application x >/dev/null || fail "app create --timeout made no Application"
  expect_exact "app get -o name" "argocd/x" "$("$PLUMB" app get x -o name)"
}

run_scenario

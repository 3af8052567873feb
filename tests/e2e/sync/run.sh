#!/usr/bin/env bash
# End-to-end tests of `plumb apply` and `plumb diff`: the real binary against a fresh
# `plumb cluster`, results checked with kubectl and the server's own request counters.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"

APP=$WORK/app
mkdir -p "$APP"

write() {  # write FILE < content
  mkdir -p "$(dirname "$APP/$1")"
  cat >"$APP/$1"
}

write_base() {
  local replicas=${1:-1} image=${2:-nginx:1.27}
  write kustomization.yaml <<'YAML'
resources:
- namespace.yaml
- config.yaml
- deploy.yaml
- keep.yaml
YAML
  write namespace.yaml <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: shop
YAML
  write config.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: fast
YAML
  write keep.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: keep
  namespace: shop
  annotations:
    kustomize.toolkit.fluxcd.io/prune: disabled
YAML
  write deploy.yaml <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: $replicas
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
        image: $image
YAML
}

# Write requests the API server has received (every verb but get/list/watch, no dry runs).
server_writes() {
  kubectl get --raw /metrics | awk '/^plumb_apiserver_requests_total/ && $0 !~ /verb="(get|list|watch)"/ && $0 ~ /dry_run="false"/ { n += $NF } END { print n + 0 }'
}

apply() { "$PLUMB" apply "$APP" "$@"; }

scenario_apply_then_noop() {
  start
  write_base
  expect_output "first apply creates" "4 created" apply
  kubectl -n shop get deploy web >/dev/null || fail "deployment not created"
  kubectl -n shop get cm settings -o jsonpath='{.metadata.managedFields[0].manager}' | grep -qx plumb ||
    fail "field manager is not plumb"
  local before after
  before=$(server_writes)
  [ "$before" -gt 0 ] || fail "the server counted no writes for the first apply"
  local out
  out=$(apply 2>&1) || fail "second apply failed: $out"
  grep -q "4 unchanged" <<<"$out" || fail "second apply: expected 4 unchanged: $out"
  grep -qE "created|configured" <<<"$out" && fail "second apply changed something: $out"
  after=$(server_writes)
  [ "$before" -eq "$after" ] || fail "no-op apply sent $((after - before)) write request(s)"
}

scenario_change_and_prune() {
  start
  write_base 1
  apply >/dev/null || fail "first apply"
  local cm_rv
  cm_rv=$(kubectl -n shop get cm settings -o jsonpath='{.metadata.resourceVersion}')
  write_base 3
  local out
  out=$(apply 2>&1) || fail "apply after change: $out"
  grep -qx "Deployment/shop/web configured" <<<"$out" || fail "deployment not configured: $out"
  [ "$(grep -c ' configured$' <<<"$out")" -eq 1 ] || fail "more than one object configured: $out"
  [ "$(kubectl -n shop get deploy web -o jsonpath='{.spec.replicas}')" = 3 ] || fail "replicas not 3"
  [ "$(kubectl -n shop get cm settings -o jsonpath='{.metadata.resourceVersion}')" = "$cm_rv" ] ||
    fail "an unchanged ConfigMap was written"
  # Removing files prunes their objects, except the one that disables pruning.
  printf 'resources:\n- namespace.yaml\n- deploy.yaml\n' >"$APP/kustomization.yaml"
  out=$(apply --prune 2>&1) || fail "apply --prune: $out"
  grep -qx "ConfigMap/shop/settings deleted" <<<"$out" || fail "settings not pruned: $out"
  grep -q "ConfigMap/shop/keep skipped: pruning disabled" <<<"$out" || fail "keep not skipped: $out"
  expect_exit 1 kubectl -n shop get cm settings
  expect_exit 0 kubectl -n shop get cm keep
  # kubectl sees the inventory too (ApplySet parent and member labels).
  expect_output "applyset parent" "applyset.kubernetes.io/contains-group-kinds" \
    kubectl -n default get secret plumb-app -o yaml
  expect_output "member label" "applyset-" kubectl -n shop get deploy web \
    -o jsonpath='{.metadata.labels.applyset\.kubernetes\.io/part-of}'
}

scenario_invalid_input() {
  start
  write_base
  apply >/dev/null || fail "first apply"
  # (the Deployment's status changes on its own; its generation only when it is written)
  local rv
  rv=$(kubectl -n shop get deploy web -o jsonpath='{.metadata.generation}')
  # A render error: nothing applied, nothing pruned, the file named.
  write_base 5
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [oops\n' >"$APP/config.yaml"
  local out
  out=$(apply --prune 2>&1) && fail "apply of bad YAML succeeded: $out"
  grep -q "config.yaml" <<<"$out" || fail "the error does not name the file: $out"
  [ "$(kubectl -n shop get deploy web -o jsonpath='{.metadata.generation}')" = "$rv" ] ||
    fail "a failed render changed the cluster"
  expect_exit 0 kubectl -n shop get cm settings
  # An object without a name, and an unknown kind: named, nothing applied.
  write_base 5
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: shop\n' >"$APP/config.yaml"
  out=$(apply --prune 2>&1) && fail "apply of a nameless object succeeded: $out"
  grep -q "metadata.name" <<<"$out" || fail "the error does not name the field: $out"
  write_base 5
  printf 'apiVersion: example.com/v1\nkind: Gizmo\nmetadata:\n  name: g\n  namespace: shop\n' >"$APP/config.yaml"
  out=$(apply --prune 2>&1) && fail "apply of an unknown kind succeeded: $out"
  grep -q "Gizmo/shop/g: kind Gizmo is not served" <<<"$out" || fail "unknown kind not named: $out"
  [ "$(kubectl -n shop get deploy web -o jsonpath='{.metadata.generation}')" = "$rv" ] ||
    fail "an invalid set changed the cluster"
  expect_exit 0 kubectl -n shop get cm settings
}

# An object the API server refuses leaves its whole stage as it was (every change is tried
# in a dry run first, as Flux does): the valid ConfigMap change beside it is not applied.
scenario_a_refused_object_applies_nothing_of_its_stage() {
  start
  write_base
  apply >/dev/null || fail "first apply"
  sed -i 's/mode: fast/mode: slow/' "$APP/config.yaml"
  sed -i 's/image: nginx:1.27/image: nginx:1.28\n        imagePullPolicy: Sometimes/' "$APP/deploy.yaml"
  local out
  out=$(apply 2>&1) && fail "an invalid Deployment was applied: $out"
  grep -qF 'Deployment/shop/web failed: Deployment.apps "web" is invalid: spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes"' <<<"$out" ||
    fail "the refused object and the server's reason are not named: $out"
  grep -qF "ConfigMap/shop/settings skipped: not applied: another object of its stage was refused" <<<"$out" ||
    fail "the ConfigMap is not reported as skipped: $out"
  [ "$(kubectl -n shop get cm settings -o jsonpath='{.data.mode}')" = fast ] ||
    fail "the ConfigMap beside the refused Deployment was applied"
  [ "$(kubectl -n shop get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')" = nginx:1.27 ] ||
    fail "the refused Deployment changed"
  sed -i '/imagePullPolicy: Sometimes/d' "$APP/deploy.yaml"
  out=$(apply 2>&1) || fail "the fixed set: $out"
  [ "$(kubectl -n shop get cm settings -o jsonpath='{.data.mode}')" = slow ] || fail "the fix was not applied"
}

scenario_crd_and_custom_resource() {
  start
  write kustomization.yaml <<'YAML'
resources:
- widget.yaml
- crd.yaml
YAML
  write crd.yaml <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    kind: Widget
    plural: widgets
    singular: widget
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
YAML
  write widget.yaml <<'YAML'
apiVersion: example.com/v1
kind: Widget
metadata:
  name: sprocket
  namespace: default
spec:
  size: 3
YAML
  expect_output "CRD and CR in one apply" "2 created" apply
  [ "$(kubectl get widget sprocket -o jsonpath='{.spec.size}')" = 3 ] || fail "widget not stored"
  expect_output "re-apply" "2 unchanged" apply
}

scenario_immutable_field() {
  start
  write_base
  apply >/dev/null || fail "first apply"
  local uid
  uid=$(kubectl -n shop get deploy web -o jsonpath='{.metadata.uid}')
  sed -i 's/app: web/app: web2/' "$APP/deploy.yaml"
  local out
  out=$(apply 2>&1) && fail "changing the selector succeeded without --force: $out"
  grep -q "Deployment/shop/web failed" <<<"$out" || fail "failure not reported per object: $out"
  grep -q "immutable" <<<"$out" || fail "the error does not say immutable: $out"
  out=$(apply --force 2>&1) || fail "apply --force: $out"
  grep -q "Deployment/shop/web configured: recreated" <<<"$out" || fail "not recreated: $out"
  [ "$(kubectl -n shop get deploy web -o jsonpath='{.metadata.uid}')" != "$uid" ] ||
    fail "the deployment was not recreated (same uid)"
  [ "$(kubectl -n shop get deploy web -o jsonpath='{.spec.selector.matchLabels.app}')" = web2 ] ||
    fail "new selector not applied"
}

scenario_failing_image_wait() {
  start
  write_base 1 nginx:fail
  local out
  out=$(apply --wait --timeout 10s 2>&1) && fail "--wait succeeded for a failing image: $out"
  grep -q "Deployment/shop/web" <<<"$out" || fail "the failing object is not named: $out"
  grep -qE "InProgress|Failed" <<<"$out" || fail "its health is not named: $out"
  write_base 1 nginx:1.27
  out=$(apply --wait --timeout 20s 2>&1) || fail "--wait on a good image failed: $out"
  grep -q "Deployment/shop/web configured (Current)" <<<"$out" || fail "health not shown: $out"
}

scenario_diff_after_edit() {
  start
  write_base
  apply >/dev/null || fail "first apply"
  expect_exit 0 "$PLUMB" diff "$APP"
  # kubectl edit with a scripted editor changes one field.
  cat >"$WORK/editor.sh" <<'SH'
#!/bin/sh
sed -i 's/mode: fast/mode: slow/' "$1"
SH
  chmod +x "$WORK/editor.sh"
  EDITOR=$WORK/editor.sh kubectl -n shop edit cm settings >/dev/null || fail "kubectl edit"
  local out
  out=$("$PLUMB" diff "$APP" 2>&1)
  [ $? -eq 1 ] || fail "diff after edit did not exit 1: $out"
  grep -qx -- "-  mode: slow" <<<"$out" || fail "diff does not show the live value: $out"
  grep -qx -- "+  mode: fast" <<<"$out" || fail "diff does not show the desired value: $out"
  [ "$(grep -c '^[-+] ' <<<"$out")" -eq 2 ] || fail "diff shows more than the one field: $out"
  grep -q "^--- live/ConfigMap/shop/settings" <<<"$out" || fail "diff does not name the object: $out"
  apply >/dev/null || fail "apply after edit"
  expect_exit 0 "$PLUMB" diff "$APP"
}

scenario_plain_directory() {
  start
  write a/one.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: one
data:
  x: "1"
YAML
  write b/two.yml <<'YAML'
apiVersion: v1
kind: Secret
metadata:
  name: two
stringData:
  password: hunter2
YAML
  write values.yaml <<'YAML'
replicaCount: 3
YAML
  expect_output "plain directory apply" "2 created" "$PLUMB" apply "$APP" -n default
  expect_exit 0 kubectl -n default get cm one
  # A Secret's values never appear in a diff.
  sed -i 's/hunter2/swordfish/' "$APP/b/two.yml"
  local out
  out=$("$PLUMB" diff "$APP" -n default 2>&1)
  [ $? -eq 1 ] || fail "diff of a changed secret did not exit 1: $out"
  grep -qE "hunter2|swordfish|aHVudGVyMg|c3dvcmRmaXNo" <<<"$out" && fail "secret value in diff: $out"
  grep -q '\*\*\* (after)' <<<"$out" || fail "masked change not shown: $out"
}

# `plumb apply app.yaml` applies that one file (not the kustomization beside it), and
# `plumb build DIR` renders a directory of plain YAML (no kustomization.yaml).
scenario_one_file_and_plain_build() {
  start
  write_base
  write app.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: solo
data:
  x: "1"
YAML
  local out
  out=$(cd "$APP" && "$PLUMB" apply app.yaml -n default 2>&1) || fail "apply of one file: $out"
  grep -q "ConfigMap/default/solo created" <<<"$out" || fail "file not applied: $out"
  grep -q "1 created" <<<"$out" || fail "more than the file applied: $out"
  expect_exit 1 kubectl get ns shop
  expect_exit 0 kubectl -n default get secret plumb-app
  expect_exit 0 "$PLUMB" diff "$APP/app.yaml" -n default
  expect_output "apply of a missing file" "no such file or directory" "$PLUMB" apply "$APP/nope.yaml"
  mkdir -p "$WORK/plain/sub"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: top\n' >"$WORK/plain/top.yaml"
  printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: low\n' >"$WORK/plain/sub/low.yml"
  printf 'replicas: 2\n' >"$WORK/plain/values.yaml"
  out=$("$PLUMB" build "$WORK/plain" 2>&1) || fail "build of a plain directory: $out"
  grep -qx "  name: top" <<<"$out" || fail "build lacks top.yaml: $out"
  grep -qx "  name: low" <<<"$out" || fail "build lacks sub/low.yml: $out"
  grep -q "replicas" <<<"$out" && fail "build rendered a values file: $out"
  out=$(cd "$WORK/plain" && "$PLUMB" build 2>&1) || fail "build of . (plain): $out"
  grep -qx "  name: top" <<<"$out" || fail "build . lacks top.yaml: $out"
}

run_scenario

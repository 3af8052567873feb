#!/usr/bin/env bash
# The kubectl scenario suite: each scenario starts a fresh `plumb cluster` on a free port with
# its own kubeconfig and HOME (so kubectl's discovery cache starts empty), drives it with the
# real kubectl, and asserts what kubectl prints or its exit code.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     (scenarios: see the functions named scenario_*)
# Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"

rv() { kubectl get "$@" -o jsonpath='{.metadata.resourceVersion}'; }

write_app() {
  local replicas=${1:-2} image=${2:-nginx:1.27}
  cat >"$WORK/app.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: "1"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: $replicas
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: $image
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
YAML
}

write_crd() {
  cat >"$WORK/crd.yaml" <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wg]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
YAML
}

scenario_version() {
  start
  expect_output "server version" "Server Version: v1.32.0" kubectl version
}

scenario_api_resources() {
  start
  local out
  out=$(kubectl api-resources 2>&1) || fail "api-resources: $out"
  grep -Eq '^deployments +deploy +apps/v1 +true +Deployment' <<<"$out" || fail "no deployments row: $out"
  grep -Eq '^namespaces +ns +v1 +false +Namespace' <<<"$out" || fail "no namespaces row"
  grep -Eq '^customresourcedefinitions +crd,crds +apiextensions.k8s.io/v1 +false' <<<"$out" ||
    fail "no CRD row"
  write_crd
  kubectl apply -f "$WORK/crd.yaml" >/dev/null || fail "CRD apply"
  expect_exit 0 kubectl wait --for=condition=Established crd/widgets.example.com --timeout=5s
  expect_output "CRD kind listed" "widgets" kubectl api-resources --api-group=example.com
}

scenario_apply_server_side() {
  start
  write_app 2
  expect_output "create" "deployment.apps/web serverside-applied" \
    kubectl apply --server-side -f "$WORK/app.yaml"
  # Let the controllers finish writing status, so only the re-apply could change anything.
  kubectl rollout status deploy/web --timeout=20s >/dev/null || fail "rollout"
  sleep 0.3
  local before
  before="$(rv deploy/web) $(rv cm/cfg) $(rv svc/web)"
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null || fail "re-apply"
  [ "$before" = "$(rv deploy/web) $(rv cm/cfg) $(rv svc/web)" ] ||
    fail "re-apply changed resourceVersions: $before -> $(rv deploy/web) $(rv cm/cfg) $(rv svc/web)"
  write_app 3
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null || fail "change"
  expect_output "changed replicas" "3" kubectl get deploy web -o jsonpath='{.spec.replicas}'
  write_app 4
  expect_exit 1 kubectl apply --server-side --field-manager=other -f "$WORK/app.yaml"
  expect_output "conflict message" 'conflict with "kubectl" using apps/v1: .spec.replicas' \
    kubectl apply --server-side --field-manager=other -f "$WORK/app.yaml"
  expect_exit 0 kubectl apply --server-side --field-manager=other --force-conflicts \
    -f "$WORK/app.yaml"
  expect_output "forced replicas" "4" kubectl get deploy web -o jsonpath='{.spec.replicas}'
  # A field the manager stops applying is removed.
  sed -i '/^  labels: {app: web}$/d' "$WORK/app.yaml"
  kubectl apply --server-side --field-manager=other --force-conflicts -f "$WORK/app.yaml" \
    >/dev/null || fail "apply without labels"
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null 2>&1
  local labels
  labels=$(kubectl get deploy web -o jsonpath='{.metadata.labels}')
  [ -z "$labels" ] || fail "labels not removed after both managers stopped applying: $labels"
}

scenario_client_side_apply() {
  start
  write_app 1 busybox:1
  expect_output "create" "deployment.apps/web created" kubectl apply -f "$WORK/app.yaml"
  expect_output "unchanged" "deployment.apps/web unchanged" kubectl apply -f "$WORK/app.yaml"
  write_app 1 busybox:2
  expect_output "update" "deployment.apps/web configured" kubectl apply -f "$WORK/app.yaml"
  expect_output "image" "busybox:2" \
    kubectl get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}'
}

scenario_get_output() {
  require_tool python3
  start
  write_app 1
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null || fail "apply"
  expect_output "yaml" "kind: Deployment" kubectl get deploy web -o yaml
  kubectl get deploy web -o json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["metadata"]["name"]=="web"' ||
    fail "-o json does not parse"
  expect_output "wide headers" "CONTAINERS   IMAGES       SELECTOR" kubectl get deploy -o wide
  expect_output "wide row" "nginx:1.27" kubectl get deploy -o wide
  expect_output "service row" "80/TCP" kubectl get svc web
  expect_output "all namespaces" "kube-system       Active" kubectl get ns -A
  kubectl create ns other >/dev/null 2>&1 || printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n' | kubectl apply -f - >/dev/null
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: elsewhere, namespace: other}\n' | kubectl apply -f - >/dev/null
  local out
  out=$(kubectl get cm -A 2>&1)
  grep -Eq '^NAMESPACE +NAME' <<<"$out" || fail "get -A header: $out"
  grep -Eq '^other +elsewhere' <<<"$out" || fail "get -A row: $out"
  grep -Eq '^default +cfg' <<<"$out" || fail "get -A default row: $out"
}

# Watches are checked by their output, never by how long a step takes: the watcher lives
# until every event has shown (or 60 s pass), so a loaded machine only makes it slower.
scenario_get_watch() {
  start
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: before}\n' | kubectl apply -f - >/dev/null ||
    fail "create before"
  timeout 60 kubectl get cm -w >"$WORK/watch.out" 2>&1 &
  local watcher=$!
  # kubectl lists before it watches: the object made before shows the watch has begun.
  wait_for "the watch's first list" 30 grep -q '^before ' "$WORK/watch.out"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched}\ndata: {a: b}\n' |
    kubectl apply -f - >/dev/null || fail "create"
  kubectl label cm watched seen=yes >/dev/null || fail "label"
  kubectl delete cm watched >/dev/null || fail "delete"
  seen_three() { [ "$(grep -c '^watched ' "$WORK/watch.out")" -ge 3 ]; }
  wait_for "add, label and delete in the watch:
$(cat "$WORK/watch.out")" 30 seen_three
  kill $watcher 2>/dev/null
  wait $watcher 2>/dev/null
  return 0
}

scenario_watch_selector() {
  start
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: moving}\n' | kubectl apply -f - >/dev/null ||
    fail "create"
  timeout 60 kubectl get cm -l team=a -w --output-watch-events >"$WORK/watch.out" 2>&1 &
  local watcher=$!
  sleep 1
  # Labelled in before the watch started, the object comes in its first list as ADDED too.
  kubectl label cm moving team=a >/dev/null || fail "label in"
  wait_for "ADDED when the label matched" 30 grep -Eq '^ADDED +moving' "$WORK/watch.out"
  kubectl label cm moving team=b --overwrite >/dev/null || fail "label out"
  wait_for "DELETED when it stopped matching:
$(cat "$WORK/watch.out")" 30 grep -Eq '^DELETED +moving' "$WORK/watch.out"
  kill $watcher 2>/dev/null
  wait $watcher 2>/dev/null
  return 0
}

scenario_create_generators() {
  start
  # kubectl's create generators send protobuf for these kinds.
  expect_output "create ns" "namespace/gen created" kubectl create namespace gen
  expect_output "create cm" "configmap/c created" \
    kubectl -n gen create configmap c --from-literal=k1=v1 --from-literal=k2=v2
  expect_output "create secret" "secret/s created" kubectl -n gen create secret generic s \
    --from-literal=p=q
  expect_output "cm data" '{"k1":"v1","k2":"v2"}' kubectl -n gen get cm c -o jsonpath='{.data}'
  expect_output "secret data" 'cQ== Opaque' kubectl -n gen get secret s \
    -o jsonpath='{.data.p} {.type}'
  expect_output "ns active" "Active" kubectl get ns gen
  # kubectl auth sends reviews; they are answered, not stored.
  expect_output "can-i" "yes" kubectl auth can-i create deployments
  expect_output "whoami" "plumb-admin" kubectl auth whoami
  expect_output "reviews not stored" "No resources found" kubectl get selfsubjectaccessreviews
}

scenario_edit() {
  start
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\ndata: {a: before}\n' |
    kubectl apply -f - >/dev/null || fail "create"
  printf '#!/bin/sh\nsed -i "s/a: before/a: after/" "$1"\n' >"$WORK/editor.sh"
  chmod +x "$WORK/editor.sh"
  EDITOR="$WORK/editor.sh" expect_output "edit" "configmap/e edited" kubectl edit cm e
  expect_output "edited value" "after" kubectl get cm e -o jsonpath='{.data.a}'
}

scenario_patch() {
  start
  write_app 1
  kubectl apply -f "$WORK/app.yaml" >/dev/null || fail "apply"
  kubectl patch deploy web --type=merge -p '{"metadata":{"labels":{"m":"1"}}}' >/dev/null ||
    fail "merge patch"
  kubectl patch deploy web --type=json -p '[{"op":"add","path":"/metadata/labels/j","value":"2"}]' \
    >/dev/null || fail "json patch"
  kubectl patch deploy web -p \
    '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"X","value":"y"}]}]}}}}' \
    >/dev/null || fail "strategic merge patch"
  expect_output "merge+json" '"j":"2"' kubectl get deploy web -o jsonpath='{.metadata.labels}'
  expect_output "merge" '"m":"1"' kubectl get deploy web -o jsonpath='{.metadata.labels}'
  # The strategic merge keeps the container and adds env to it.
  expect_output "smp" 'nginx:1.27 y' kubectl get deploy web \
    -o jsonpath='{.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[0].value}'
  expect_exit 1 kubectl patch deploy web --type=json -p '[{"op":"remove","path":"/spec/nothing"}]'
}

scenario_scale_label_annotate() {
  start
  write_app 1
  kubectl apply -f "$WORK/app.yaml" >/dev/null || fail "apply"
  expect_output "scale" "deployment.apps/web scaled" kubectl scale deploy web --replicas=3
  expect_output "replicas" "3" kubectl get deploy web -o jsonpath='{.spec.replicas}'
  expect_output "label" "deployment.apps/web labeled" kubectl label deploy web tier=back
  expect_output "annotate" "deployment.apps/web annotated" kubectl annotate deploy web note=hi
  expect_output "values" "back hi" kubectl get deploy web \
    -o jsonpath='{.metadata.labels.tier} {.metadata.annotations.note}'
  expect_output "selector" "web" kubectl get deploy -l tier=back -o name
  local none
  none=$(kubectl get deploy -l tier=front -o name 2>&1)
  [ -z "$none" ] || fail "label selector matched: $none"
}

scenario_delete() {
  start
  cat >"$WORK/ns.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: doomed}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c1, namespace: doomed}
YAML
  kubectl apply -f "$WORK/ns.yaml" >/dev/null || fail "apply"
  expect_output "delete cm" 'configmap "c1" deleted' kubectl -n doomed delete cm c1
  kubectl apply -f "$WORK/ns.yaml" >/dev/null || fail "re-apply"
  expect_output "delete ns" 'namespace "doomed" deleted' kubectl delete ns doomed
  expect_exit 1 kubectl get ns doomed
  expect_output "contents gone" "No resources found" kubectl get cm -n doomed
  expect_exit 1 kubectl delete cm nothing-here
}

scenario_diff() {
  start
  write_app 1
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null || fail "apply"
  expect_exit 0 kubectl diff --server-side -f "$WORK/app.yaml"
  write_app 5
  expect_exit 1 kubectl diff --server-side -f "$WORK/app.yaml"
  expect_output "diff shows change" "+  replicas: 5" kubectl diff --server-side -f "$WORK/app.yaml"
  # Dry run changed nothing.
  expect_output "unchanged" "1" kubectl get deploy web -o jsonpath='{.spec.replicas}'
}

scenario_wait_rollout() {
  start
  write_app 2
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null || fail "apply"
  expect_output "wait" "condition met" kubectl wait --for=condition=Available deploy/web --timeout=20s
  expect_output "rollout" 'deployment "web" successfully rolled out' \
    kubectl rollout status deploy/web --timeout=20s
  expect_output "pods ready" "2/2" kubectl get deploy web
  expect_output "logs" "is simulated by plumb cluster" kubectl logs deploy/web
  # A new image rolls out a second ReplicaSet; undo brings the first back as revision 3.
  kubectl set image deploy/web nginx=nginx:1.28 >/dev/null || fail "set image"
  expect_output "second rollout" "successfully rolled out" \
    kubectl rollout status deploy/web --timeout=20s
  kubectl rollout undo deploy/web >/dev/null || fail "undo"
  expect_output "undo rollout" "successfully rolled out" \
    kubectl rollout status deploy/web --timeout=20s
  expect_output "image back" "nginx:1.27" \
    kubectl get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}'
  local sets
  sets=$(kubectl get rs --no-headers | wc -l)
  [ "$sets" -eq 2 ] || fail "undo made a new ReplicaSet instead of reusing the old one: $sets"
  expect_output "history" "3         <none>" kubectl rollout history deploy/web
}

# kubectl v1.35 waits with watch-list requests (sendInitialEvents=true), which end the initial
# objects with a bookmark; forced on here, so an older kubectl asks the same way.
scenario_watch_list() {
  start
  export KUBE_FEATURE_WatchListClient=true
  write_app 2
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null || fail "apply"
  expect_output "wait" "condition met" kubectl wait --for=condition=Available deploy/web --timeout=10s
  expect_output "rollout" 'deployment "web" successfully rolled out' \
    kubectl rollout status deploy/web --timeout=10s
}

scenario_workloads() {
  start
  kubectl apply --server-side -f "$(dirname "$0")/workloads.yaml" >/dev/null || fail "apply"
  expect_output "statefulset" "partitioned roll out complete: 2 new pods" \
    kubectl rollout status sts/db --timeout=20s
  expect_output "daemonset" 'daemon set "agent" successfully rolled out' \
    kubectl rollout status ds/agent --timeout=20s
  expect_output "job" "condition met" kubectl wait --for=condition=complete job/once --timeout=20s
  expect_output "pvc" "condition met" \
    kubectl wait --for=jsonpath='{.status.phase}'=Bound pvc/data --timeout=20s
  expect_output "job table" "Complete   1/1" kubectl get job once
  expect_output "stateful pods" "db-1" kubectl get pods -o name
}

scenario_failing_image() {
  start
  write_app 1 nginx:fail
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null || fail "apply"
  expect_exit 1 kubectl wait --for=condition=Available deploy/web --timeout=3s
  expect_output "crash loop" "CrashLoopBackOff" kubectl get pods
  stop
  start --fail-images 'broken$'
  write_app 1 nginx:broken
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null || fail "apply"
  expect_exit 1 kubectl wait --for=condition=Available deploy/web --timeout=2s
}

scenario_data_dir() {
  local dir=$WORK/data
  start --data-dir "$dir"
  write_app 1
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null || fail "apply"
  local uid
  uid=$(kubectl get deploy web -o jsonpath='{.metadata.uid}')
  stop
  start --data-dir "$dir"
  expect_output "after restart" "$uid" kubectl get deploy web -o jsonpath='{.metadata.uid}'
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: acked}\n' | kubectl apply -f - >/dev/null ||
    fail "write before crash"
  crash
  start --data-dir "$dir"
  expect_output "after kill -9" "acked" kubectl get cm acked -o name
  expect_output "deployment too" "$uid" kubectl get deploy web -o jsonpath='{.metadata.uid}'
}

scenario_crd() {
  start
  write_crd
  kubectl apply -f "$WORK/crd.yaml" >/dev/null || fail "CRD apply"
  expect_exit 0 kubectl wait --for=condition=Established crd/widgets.example.com --timeout=5s
  printf 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n' \
    >"$WORK/w.yaml"
  expect_output "CR apply" "widget.example.com/w serverside-applied" \
    kubectl apply --server-side -f "$WORK/w.yaml"
  expect_output "short name" "w" kubectl get wg -o name
  cat >>"$WORK/crd.yaml" <<'YAML'
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
YAML
  kubectl apply -f "$WORK/crd.yaml" >/dev/null || fail "CRD update"
  local out
  out=$(kubectl get wg -o wide 2>&1)
  grep -Eq '^NAME +SIZE +COLOR$' <<<"$out" || fail "printer columns: $out"
  grep -Eq '^w +3 *$' <<<"$out" || fail "printer column row: $out"
  expect_output "delete CRD" "deleted" kubectl delete crd widgets.example.com
  expect_exit 1 kubectl get widgets.example.com
}

scenario_immutable_and_dry_run() {
  start
  write_app 1
  kubectl apply --server-side -f "$WORK/app.yaml" >/dev/null || fail "apply"
  sed 's/{app: web}/{app: other}/g' "$WORK/app.yaml" >"$WORK/changed.yaml"
  expect_output "immutable selector" "field is immutable" \
    kubectl apply --server-side -f "$WORK/changed.yaml"
  sed 's/^  replicas: 1$/  replicas: 1\n  replicaz: 2/' "$WORK/app.yaml" >"$WORK/typo.yaml"
  expect_output "strict create" 'strict decoding error: unknown field "spec.replicaz"' \
    kubectl create -f "$WORK/typo.yaml"
  expect_output "strict apply" ".spec.replicaz: field not declared in schema" \
    kubectl apply --server-side -f "$WORK/typo.yaml"
  write_app 7
  expect_output "dry run" "serverside-applied (server dry run)" \
    kubectl apply --server-side --dry-run=server -f "$WORK/app.yaml"
  expect_output "dry run stored nothing" "1" kubectl get deploy web -o jsonpath='{.spec.replicas}'
}

# kubectl prints what a real API server answers for objects it rejects: decoding (400),
# validation (422, one cause or several), server-side apply (typed patch errors), a server
# dry run and a patch; nothing of them is stored.
scenario_rejects() {
  start
  write_app 1
  sed 's/^  replicas: 1$/  replicas: two/' "$WORK/app.yaml" >"$WORK/two.yaml"
  expect_output "decoding" \
    'Error from server (BadRequest): error when creating "'"$WORK"'/two.yaml": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' \
    kubectl apply -f "$WORK/two.yaml"
  expect_output "server-side apply" \
    '.spec.replicas: expected numeric (int or float), got string' \
    kubectl apply --server-side -f "$WORK/two.yaml"
  sed 's/^        image: \(.*\)$/        image: \1\n        imagePullPolicy: Sometimes/' \
    "$WORK/app.yaml" >"$WORK/sometimes.yaml"
  expect_output "validation" \
    'The Deployment "web" is invalid: spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"' \
    kubectl apply -f "$WORK/sometimes.yaml"
  expect_output "server dry run" 'Unsupported value: "Sometimes"' \
    kubectl apply --server-side --dry-run=server -f "$WORK/sometimes.yaml"
  expect_exit 1 kubectl get deploy web
  cat >"$WORK/cfg.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: ports}
data: {port: 8080}
YAML
  expect_output "configmap number" \
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string' \
    kubectl create -f "$WORK/cfg.yaml"
  expect_output "configmap number, server-side" \
    'failed to create typed patch object (default/ports; /v1, Kind=ConfigMap): .data.port: expected string, got &value.valueUnstructured{Value:8080}' \
    kubectl apply --server-side -f "$WORK/cfg.yaml"
  cat >"$WORK/svc.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}, {port: 443}]
YAML
  local out
  out=$(kubectl apply -f "$WORK/svc.yaml" 2>&1) && fail "two unnamed ports accepted: $out"
  grep -qF 'The Service "web" is invalid: ' <<<"$out" || fail "service: $out"
  grep -qF '* spec.ports[0].name: Required value' <<<"$out" || fail "service cause 0: $out"
  grep -qF '* spec.ports[1].name: Required value' <<<"$out" || fail "service cause 1: $out"
  kubectl apply -f "$WORK/app.yaml" >/dev/null || fail "valid app"
  expect_output "patch" \
    'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' \
    kubectl patch deploy web --type=merge -p '{"spec":{"replicas":"two"}}'
  expect_output "strategic patch" 'unrecognized type: int32' \
    kubectl patch deploy web -p '{"spec":{"replicas":"two"}}'
  expect_output "stored replicas unchanged" "1" kubectl get deploy web -o jsonpath='{.spec.replicas}'
}

# A custom resource is judged by its CRD's openAPIV3Schema: types, enums, required fields
# (422, as kubectl prints them), unknown fields (400 under kubectl's strict validation),
# server-side apply type errors; defaults are filled in.
scenario_crd_schema() {
  start
  cat >"$WORK/crd.yaml" <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
              replicas: {type: integer}
              color: {type: string, enum: [red, blue]}
              mode: {type: string, default: fast}
YAML
  kubectl apply -f "$WORK/crd.yaml" >/dev/null || fail "CRD"
  wait_for "widgets served" 10 kubectl get widgets
  widget() { printf 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: %s\n' "$1" >"$WORK/w.yaml"; }
  widget '{size: 1, replicas: two}'
  expect_output "type" \
    'The Widget "w" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"' \
    kubectl apply -f "$WORK/w.yaml"
  expect_output "server-side type" \
    '.spec.replicas: expected numeric (int or float), got string' \
    kubectl apply --server-side -f "$WORK/w.yaml"
  widget '{size: 1, color: pink}'
  expect_output "enum" 'spec.color: Unsupported value: "pink": supported values: "red", "blue"' \
    kubectl apply --server-side -f "$WORK/w.yaml"
  widget '{color: red}'
  expect_output "required" 'spec.size: Required value' kubectl create -f "$WORK/w.yaml"
  widget '{size: 1, colour: red}'
  expect_output "unknown field" 'strict decoding error: unknown field "spec.colour"' \
    kubectl create -f "$WORK/w.yaml"
  expect_exit 1 kubectl get widget w
  widget '{size: 2}'
  kubectl apply -f "$WORK/w.yaml" >/dev/null || fail "valid widget"
  expect_output "default" "fast" kubectl get widget w -o jsonpath='{.spec.mode}'
}

run_scenario

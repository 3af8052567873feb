#!/usr/bin/env bash
# End-to-end tests of Argo CD Applications in Plumb's loop: Application and AppProject objects
# written as Argo CD users write them (the layouts of Argo CD's example applications), a real
# git repository made with the git CLI, `plumb controller` against a fresh `plumb cluster`;
# results checked through the API with kubectl.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool git
require_tool curl

use_git_repo
# On failure, the applications' state too.
fail() {
  echo "FAIL [$SCENARIO]: $*" >&2
  kubectl -n argocd get applications -o yaml 2>/dev/null | grep -v '^ *- *$' | tail -60 | sed 's/^/  app: /' >&2
  [ -f "$WORK/controller.log" ] && sed 's/^/  controller: /' "$WORK/controller.log" | tail -30 >&2
  exit 1
}

start_controller() {
  "$PLUMB" controller --cache-dir "$WORK/cache" --webhook-port 0 >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  wait_for "the controller installs the Argo CD CRDs" 10 kubectl get crd applications.argoproj.io
  wait_for "the webhook receiver" 10 grep -q "webhook receiver on" "$WORK/controller.log"
  HOOK=$(grep -o "http://127.0.0.1:[0-9]*" "$WORK/controller.log" | head -1)/hook
  kubectl create namespace argocd >/dev/null || fail "namespace argocd"
}

# push: what a git host's webhook tells the controller after a commit.
push() { curl -fsS -X POST --data "file://$REPO" "$HOOK/git" >/dev/null || fail "webhook"; }

app_field() { kubectl -n argocd get application "$1" -o jsonpath="$2"; }
app_is() {  # app_is NAME SYNC HEALTH
  [ "$(app_field "$1" '{.status.sync.status} {.status.health.status}')" = "$2 $3" ]
}
synced_at() {  # synced_at NAME COMMIT
  app_is "$1" Synced Healthy && [ "$(app_field "$1" '{.status.sync.revision}')" = "$2" ]
}

# application_yaml NAME PATH [SPEC_LINES] [SOURCE_LINES]: an Application of $REPO in argocd,
# its destination namespace $DEST (demo by default) in the cluster named $DEST_CLUSTER (by
# default the server https://kubernetes.default.svc), its project $PROJECT (default); more
# lines of its spec (indented by 2) and of its source (indented by 4).
application_yaml() {
  local name=$1 path=$2 extra=${3:-} source_extra=${4:-}
  cat <<YAML
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: $name
  namespace: argocd
spec:
  project: ${PROJECT:-default}
  source:
    repoURL: file://$REPO
    targetRevision: HEAD
    path: $path
$source_extra
  destination:
$(if [ -n "${DEST_CLUSTER:-}" ]; then echo "    name: $DEST_CLUSTER"; else echo "    server: https://kubernetes.default.svc"; fi)
    namespace: ${DEST:-demo}
$extra
YAML
}
application() {
  application_yaml "$@" | kubectl apply -f - >/dev/null || fail "kubectl apply application $1"
}

AUTOMATED='  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
    - CreateNamespace=true'

# The guestbook of Argo CD's example applications: a plain directory.
write_guestbook() {
  write guestbook/guestbook-ui-deployment.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook-ui
spec:
  replicas: 1
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      app: guestbook-ui
  template:
    metadata:
      labels:
        app: guestbook-ui
    spec:
      containers:
      - image: gcr.io/heptio-images/ks-guestbook-demo:0.2
        name: guestbook-ui
        ports:
        - containerPort: 80
YAML
  write guestbook/guestbook-ui-svc.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: guestbook-ui
spec:
  ports:
  - port: 80
    targetPort: 80
  selector:
    app: guestbook-ui
YAML
}

scenario_guestbook_directory_app() {
  start
  git init -q -b main "$REPO"
  write_guestbook
  local first second
  first=$(commit "guestbook")
  start_controller
  application guestbook guestbook "$AUTOMATED"
  wait_for "guestbook Synced and Healthy at the commit" 30 synced_at guestbook "$first"
  expect_output "kubectl shows Argo's columns" "SYNC STATUS" kubectl -n argocd get applications
  expect_output "kubectl shows the state" "Synced" kubectl -n argocd get app guestbook
  [ "$(kubectl -n demo get deploy guestbook-ui -o jsonpath='{.metadata.annotations.argocd\.argoproj\.io/tracking-id}')" = \
    "guestbook:apps/Deployment:demo/guestbook-ui" ] || fail "tracking id"
  [ "$(app_field guestbook '{.status.sourceType}')" = Directory ] || fail "sourceType"
  [ "$(app_field guestbook '{.status.history[0].revision}')" = "$first" ] || fail "history"
  [ "$(app_field guestbook '{.status.operationState.phase}')" = Succeeded ] || fail "operationState"
  [ "$(app_field guestbook '{.status.summary.images[0]}')" = gcr.io/heptio-images/ks-guestbook-demo:0.2 ] ||
    fail "summary images"
  local resources
  resources=$(app_field guestbook '{range .status.resources[*]}{.kind}/{.name}={.status},{.health.status};{end}')
  [ "$resources" = "Service/guestbook-ui=Synced,Healthy;Deployment/guestbook-ui=Synced,Healthy;" ] ||
    [ "$resources" = "Deployment/guestbook-ui=Synced,Healthy;Service/guestbook-ui=Synced,Healthy;" ] ||
    fail "resources: $resources"
  # A new commit: synced from the webhook; a file removed from Git is pruned.
  sed -i 's/replicas: 1/replicas: 2/' "$REPO/guestbook/guestbook-ui-deployment.yaml"
  rm "$REPO/guestbook/guestbook-ui-svc.yaml"
  second=$(commit "two replicas, no service")
  push
  wait_for "guestbook at the second commit" 20 synced_at guestbook "$second"
  [ "$(kubectl -n demo get deploy guestbook-ui -o jsonpath='{.spec.replicas}')" = 2 ] || fail "replicas"
  expect_exit 1 kubectl -n demo get svc guestbook-ui
  [ "$(app_field guestbook '{.status.history[1].revision}')" = "$second" ] || fail "second history entry"
}

scenario_kustomize_app_with_overrides() {
  start
  git init -q -b main "$REPO"
  write_guestbook
  write guestbook/kustomization.yaml <<'YAML'
resources:
- guestbook-ui-deployment.yaml
- guestbook-ui-svc.yaml
YAML
  local head
  head=$(commit "kustomize guestbook")
  start_controller
  application kust guestbook "$AUTOMATED" '    kustomize:
      namePrefix: kust-
      images:
      - gcr.io/heptio-images/ks-guestbook-demo:0.3'
  wait_for "kust Synced and Healthy" 30 synced_at kust "$head"
  [ "$(app_field kust '{.status.sourceType}')" = Kustomize ] || fail "sourceType"
  [ "$(kubectl -n demo get deploy kust-guestbook-ui -o jsonpath='{.spec.template.spec.containers[0].image}')" = \
    gcr.io/heptio-images/ks-guestbook-demo:0.3 ] || fail "the image override"
}

scenario_helm_app() {
  start
  git init -q -b main "$REPO"
  write helm-guestbook/Chart.yaml <<'YAML'
apiVersion: v2
name: helm-guestbook
version: 0.1.0
YAML
  write helm-guestbook/values.yaml <<'YAML'
replicaCount: 1
image: gcr.io/heptio-images/ks-guestbook-demo:0.1
YAML
  write helm-guestbook/values-production.yaml <<'YAML'
replicaCount: 3
YAML
  write helm-guestbook/templates/deployment.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-helm-guestbook
  labels:
    release: {{ .Release.Name }}
    namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: helm-guestbook
  template:
    metadata:
      labels:
        app: helm-guestbook
    spec:
      containers:
      - name: guestbook
        image: {{ .Values.image }}
YAML
  local head
  head=$(commit "helm guestbook")
  start_controller
  application helm-guestbook helm-guestbook "$AUTOMATED" '    helm:
      valueFiles:
      - values-production.yaml'
  wait_for "helm-guestbook Synced and Healthy" 30 synced_at helm-guestbook "$head"
  [ "$(app_field helm-guestbook '{.status.sourceType}')" = Helm ] || fail "sourceType"
  [ "$(kubectl -n demo get deploy helm-guestbook-helm-guestbook -o jsonpath='{.spec.replicas} {.metadata.labels.namespace}')" = "3 demo" ] ||
    fail "release name, namespace or value file not applied"
}

scenario_app_of_apps() {
  start
  git init -q -b main "$REPO"
  write_guestbook
  DEST=child application_yaml child-guestbook guestbook '  syncPolicy:
    automated: {}
    syncOptions:
    - CreateNamespace=true' | write apps/guestbook.yaml
  local head
  head=$(commit "app of apps")
  start_controller
  application root apps '  syncPolicy:
    automated: {}'
  wait_for "the child application synced its guestbook" 40 synced_at child-guestbook "$head"
  wait_for "the root app Synced and Healthy (its child is)" 20 synced_at root "$head"
  kubectl -n child get deploy guestbook-ui >/dev/null || fail "the child's Deployment"
  # plumb tree app: the child application nested under the root, its objects under it.
  local tree
  tree=$("$PLUMB" tree app root) || fail "plumb tree app exited $?"
  grep -q "^Application/argocd/root  " <<<"$tree" || fail "tree root: $tree"
  grep -q "^└── Application/argocd/child-guestbook  " <<<"$tree" || fail "tree child: $tree"
  grep -q "^    [├└]── Deployment/child/guestbook-ui  " <<<"$tree" || fail "tree grandchild: $tree"
}

# watch PATH: the API server's watch of a collection, recorded into $WORK/watch.N (the
# stream is read when the scenario asks, so no pipeline outlives the test).
WATCHES=0
watch() {
  WATCHES=$((WATCHES + 1))
  kubectl get --raw "$1?watch=1" >"$WORK/watch.$WATCHES" 2>/dev/null &
  EXTRA_PIDS+=($!)
}
# added_order: the objects the recorded watches saw created, "KIND/NAME" in the order of their
# resourceVersions (one counter across the API server).
added_order() {
  cat "$WORK"/watch.* | python3 -c '
import json, sys
added = []
for line in sys.stdin:
    e = json.loads(line)
    if e["type"] == "ADDED":
        o = e["object"]
        added.append((int(o["metadata"]["resourceVersion"]), o["kind"] + "/" + o["metadata"]["name"]))
print(" ".join(name for _, name in sorted(added)))
'
}
# rv_when KIND/NAME EXPR: the resourceVersion of the first recorded event of that object for
# which the Python expression EXPR (over `o`, the object, and `t`, the event type) holds.
rv_when() {
  cat "$WORK"/watch.* | python3 -c '
import json, sys
name, expr = sys.argv[1], sys.argv[2]
best = None
for line in sys.stdin:
    e = json.loads(line)
    o, t = e["object"], e["type"]
    if o["kind"] + "/" + o["metadata"]["name"] == name and eval(expr):
        rv = int(o["metadata"]["resourceVersion"])
        best = rv if best is None else min(best, rv)
print(best if best is not None else "")
' "$1" "$2"
}

write_waves() {  # write_waves IMAGE_OF_THE_SYNC_HOOK
  write waves/presync.yaml <<'YAML'
apiVersion: batch/v1
kind: Job
metadata:
  name: before
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: busybox
YAML
  write waves/wave1.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  annotations:
    argocd.argoproj.io/sync-wave: "1"
spec:
  replicas: 1
  selector:
    matchLabels: {app: backend}
  template:
    metadata:
      labels: {app: backend}
    spec:
      containers:
      - name: backend
        image: backend:1
YAML
  write waves/wave0.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
data:
  wave: "0"
YAML
  write waves/wave2.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: last
  annotations:
    argocd.argoproj.io/sync-wave: "2"
data:
  wave: "2"
YAML
  write waves/postsync.yaml <<'YAML'
apiVersion: batch/v1
kind: Job
metadata:
  generateName: after-
  annotations:
    argocd.argoproj.io/hook: PostSync
    argocd.argoproj.io/hook-delete-policy: HookSucceeded
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: smoke
        image: busybox
YAML
  write waves/syncfail.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: sync-failed
  annotations:
    argocd.argoproj.io/hook: SyncFail
data:
  failed: "yes"
YAML
}

scenario_waves_and_hooks() {
  start
  git init -q -b main "$REPO"
  write_waves
  local head
  head=$(commit "waves")
  start_controller
  kubectl create namespace demo >/dev/null || fail "namespace"
  watch /api/v1/namespaces/demo/configmaps
  watch /apis/apps/v1/namespaces/demo/deployments
  watch /apis/batch/v1/namespaces/demo/jobs
  sleep 0.5
  application waves waves '  syncPolicy:
    automated: {}'
  wait_for "waves Synced and Healthy" 40 synced_at waves "$head"
  sleep 0.5
  local order
  order=$(added_order)
  [ "$(sed 's| Job/after-[^ ]*||' <<<"$order")" = "Job/before ConfigMap/first Deployment/backend ConfigMap/last" ] ||
    fail "order of writes: $order"
  grep -q " Job/after-" <<<"$order" || fail "the PostSync hook did not run: $order"
  # Wave 2 was written only once wave 1's Deployment was Available, and wave 1 only once
  # the PreSync Job had completed.
  local last_rv available_rv complete_rv backend_rv
  last_rv=$(rv_when ConfigMap/last 't == "ADDED"')
  available_rv=$(rv_when Deployment/backend \
    'any(c["type"] == "Available" and c["status"] == "True" for c in o.get("status", {}).get("conditions", []))')
  [ -n "$last_rv" ] && [ -n "$available_rv" ] && [ "$last_rv" -gt "$available_rv" ] ||
    fail "wave 2 (rv $last_rv) written before wave 1 was Available (rv $available_rv)"
  complete_rv=$(rv_when Job/before \
    'any(c["type"] == "Complete" and c["status"] == "True" for c in o.get("status", {}).get("conditions", []))')
  backend_rv=$(rv_when Deployment/backend 't == "ADDED"')
  [ -n "$complete_rv" ] && [ "$backend_rv" -gt "$complete_rv" ] ||
    fail "wave 1 (rv $backend_rv) written before the PreSync Job completed (rv $complete_rv)"
  wait_for "the PostSync hook deleted after it succeeded" 10 \
    eval '[ -z "$(kubectl -n demo get jobs -o name | grep after-)" ]'
  kubectl -n demo get job before >/dev/null || fail "the PreSync hook (BeforeHookCreation) stays"
  expect_exit 1 kubectl -n demo get cm sync-failed
  local phases
  phases=$(app_field waves '{range .status.operationState.syncResult.resources[*]}{.kind}/{.name}:{.syncPhase}:{.hookPhase};{end}')
  grep -qF "Job/before:PreSync:Succeeded" <<<"$phases" || fail "hook result: $phases"
  grep -qF "ConfigMap/last:Sync:" <<<"$phases" || fail "wave 2 result: $phases"
}

scenario_failing_sync_runs_syncfail_and_stops() {
  start
  git init -q -b main "$REPO"
  write_waves
  # The wave-1 Deployment never becomes Available: its deadline makes it Degraded.
  sed -i 's/image: backend:1/image: backend:fail/; s/replicas: 1/replicas: 1\n  progressDeadlineSeconds: 1/' \
    "$REPO/waves/wave1.yaml"
  local head
  head=$(commit "failing wave 1")
  start_controller
  kubectl create namespace demo >/dev/null || fail "namespace"
  application waves waves '  syncPolicy:
    automated: {}'
  wait_for "the sync failed" 60 eval '[ "$(app_field waves "{.status.operationState.phase}")" = Failed ]'
  kubectl -n demo get cm sync-failed >/dev/null || fail "the SyncFail hook did not run"
  expect_exit 1 kubectl -n demo get cm last  # wave 2 never applied
  expect_output "the message names the Deployment" "Deployment/demo/backend" \
    kubectl -n argocd get application waves -o jsonpath='{.status.operationState.message}'
  [ "$(app_field waves '{.status.sync.status}')" = OutOfSync ] || fail "not OutOfSync"
  expect_output "a SyncError condition" "SyncError" \
    kubectl -n argocd get application waves -o jsonpath='{.status.conditions[*].type}'
}

# A PreSync Job that fails (the embedded cluster fails images named "fail"): nothing of the
# Sync phase is applied, the SyncFail hook runs.
scenario_failing_presync_hook_stops_the_sync() {
  start
  git init -q -b main "$REPO"
  write_waves
  sed -i 's/image: busybox/image: migrate-fail/' "$REPO/waves/presync.yaml"
  commit "failing PreSync hook" >/dev/null
  start_controller
  kubectl create namespace demo >/dev/null || fail "namespace"
  application waves waves '  syncPolicy:
    automated: {}'
  wait_for "the sync failed" 60 eval '[ "$(app_field waves "{.status.operationState.phase}")" = Failed ]'
  expect_output "the message names the hook" "Job/demo/before" \
    kubectl -n argocd get application waves -o jsonpath='{.status.operationState.message}'
  kubectl -n demo get cm sync-failed >/dev/null || fail "the SyncFail hook did not run"
  expect_exit 1 kubectl -n demo get cm first
  expect_exit 1 kubectl -n demo get deploy backend
  local phases
  phases=$(app_field waves '{range .status.operationState.syncResult.resources[*]}{.kind}/{.name}:{.hookPhase};{end}')
  grep -qF "Job/before:Failed" <<<"$phases" || fail "hook result: $phases"
}

scenario_self_heal_and_manual_apps() {
  start
  git init -q -b main "$REPO"
  write_guestbook
  local head
  head=$(commit "guestbook")
  start_controller
  application healed guestbook "$AUTOMATED"
  wait_for "healed synced" 30 synced_at healed "$head"
  kubectl -n demo delete deploy guestbook-ui >/dev/null || fail "kubectl delete"
  expect_within_ms "deleted Deployment restored" 1000 kubectl -n demo get deploy guestbook-ui
  kubectl -n demo scale deploy guestbook-ui --replicas=4 >/dev/null || fail "kubectl scale"
  expect_within_ms "scaled Deployment restored" 1000 \
    eval '[ "$(kubectl -n demo get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 1 ]'
  # A manual app (no automated policy) shows OutOfSync and changes nothing: the objects carry
  # the tracking id of the app that applied them.
  kubectl -n argocd delete application healed >/dev/null || fail "delete healed"
  kubectl -n demo scale deploy guestbook-ui --replicas=4 >/dev/null || fail "kubectl scale"
  application manual guestbook
  wait_for "manual compared" 30 eval '[ "$(app_field manual "{.status.sync.revision}")" = "$head" ]'
  [ "$(app_field manual '{.status.sync.status}')" = OutOfSync ] || fail "manual app not OutOfSync"
  sleep 1
  [ "$(kubectl -n demo get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 4 ] ||
    fail "a manual app changed the cluster"
  # A sync requested as argocd requests it (the operation field) applies it.
  request_sync manual
  app_is manual Synced Healthy || fail "manual after its sync: $(app_field manual '{.status.sync.status} {.status.health.status}')"
  [ "$(kubectl -n demo get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 1 ] ||
    fail "the manual sync did not restore the replicas"
  [ "$(app_field manual '{.status.history[0].initiatedBy.username}')" = tester ] || fail "initiatedBy"
  # Drift turns it OutOfSync at once, and is left alone until the next sync.
  kubectl -n demo scale deploy guestbook-ui --replicas=4 >/dev/null || fail "kubectl scale"
  expect_within_ms "manual OutOfSync after a drift" 2000 \
    eval '[ "$(app_field manual "{.status.sync.status}")" = OutOfSync ]'
  sleep 1
  [ "$(kubectl -n demo get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 4 ] ||
    fail "a manual app repaired drift"
  request_sync manual
  [ "$(kubectl -n demo get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 1 ] ||
    fail "the second manual sync did not restore the replicas"
  [ "$(app_field manual '{.status.history[1].id}')" = 1 ] || fail "second history entry"
}

# ignoreDifferences: a difference in an ignored field neither makes the application
# OutOfSync nor is undone by selfHeal; a field not ignored still is.
scenario_ignore_differences() {
  start
  git init -q -b main "$REPO"
  write_guestbook
  local head
  head=$(commit "guestbook")
  start_controller
  application ignoring guestbook "$AUTOMATED
  ignoreDifferences:
  - group: apps
    kind: Deployment
    jsonPointers:
    - /spec/replicas"
  wait_for "synced" 30 synced_at ignoring "$head"
  kubectl -n demo scale deploy guestbook-ui --replicas=3 >/dev/null || fail "kubectl scale"
  sleep 1.5
  [ "$(kubectl -n demo get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 3 ] ||
    fail "selfHeal undid an ignored field"
  [ "$(app_field ignoring '{.status.sync.status}')" = Synced ] || fail "an ignored field made it OutOfSync"
  kubectl -n demo patch svc guestbook-ui --type merge -p '{"spec":{"selector":{"app":"other"}}}' \
    >/dev/null || fail "kubectl patch"
  wait_for "a field not ignored is restored" 5 \
    eval '[ "$(kubectl -n demo get svc guestbook-ui -o jsonpath={.spec.selector.app})" = guestbook-ui ]'
}

# request_sync NAME: a sync requested as `argocd app sync` does, waited for.
request_sync() {
  local app=$1
  kubectl -n argocd patch application "$app" --type merge -p \
    '{"operation":{"sync":{"revision":"HEAD"},"initiatedBy":{"username":"tester"}}}' >/dev/null ||
    fail "request a sync"
  wait_for "the operation ran" 20 eval '[ -z "$(app_field "$app" "{.operation}")" ] &&
    [ "$(app_field "$app" "{.status.operationState.phase}")" = Succeeded ] &&
    [ "$(app_field "$app" "{.status.operationState.operation.initiatedBy.username}")" = tester ]'
}

scenario_cascade_delete_and_project_rules() {
  start
  git init -q -b main "$REPO"
  write_guestbook
  local head
  head=$(commit "guestbook")
  start_controller
  application cascade guestbook "$AUTOMATED"
  kubectl -n argocd patch application cascade --type merge -p \
    '{"metadata":{"finalizers":["resources-finalizer.argocd.argoproj.io"]}}' >/dev/null ||
    fail "finalizer"
  wait_for "cascade synced" 30 synced_at cascade "$head"
  kubectl -n argocd delete application cascade --timeout=20s >/dev/null || fail "delete app"
  expect_exit 1 kubectl -n demo get deploy guestbook-ui
  # An AppProject that does not permit the repository: refused with Argo's condition.
  kubectl apply -f - >/dev/null <<'YAML' || fail "appproject"
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: locked
  namespace: argocd
spec:
  sourceRepos:
  - https://github.com/example/*
  destinations:
  - server: https://kubernetes.default.svc
    namespace: '*'
YAML
  PROJECT=locked application refused guestbook "$AUTOMATED"
  wait_for "an InvalidSpecError condition" 20 eval \
    'app_field refused "{.status.conditions[*].message}" | grep -q "not permitted in project"'
  sleep 1
  expect_exit 1 kubectl -n demo get deploy guestbook-ui
}

# The argocd-like CLI against the real controller: create, diff, sync, get, list, history,
# rollback, delete.
scenario_app_cli_against_the_controller() {
  start
  git init -q -b main "$REPO"
  write_guestbook
  local first second out
  first=$(commit "guestbook")
  start_controller
  "$PLUMB" app create guestbook --repo "file://$REPO" --path guestbook \
    --dest-server https://kubernetes.default.svc --dest-namespace demo \
    --sync-option CreateNamespace=true >/dev/null 2>&1 || fail "plumb app create"
  wait_for "compared" 30 eval '[ "$(app_field guestbook "{.status.sync.status}")" = OutOfSync ]'
  out=$("$PLUMB" app diff guestbook 2>&1)
  [ $? -eq 1 ] || fail "app diff before the first sync did not exit 1: $out"
  grep -q "guestbook-ui" <<<"$out" || fail "app diff does not show the Deployment: $out"
  expect_output "app sync succeeds" "Synced" "$PLUMB" app sync guestbook --timeout 30
  app_is guestbook Synced Healthy || wait_for "healthy" 10 app_is guestbook Synced Healthy
  expect_exit 0 "$PLUMB" app diff guestbook
  expect_output "app get" "Sync Status:" "$PLUMB" app get guestbook
  expect_output "app list names it" "argocd/guestbook" "$PLUMB" app list
  sed -i 's/replicas: 1/replicas: 2/' "$REPO/guestbook/guestbook-ui-deployment.yaml"
  second=$(commit "two replicas")
  push
  wait_for "OutOfSync at the new commit" 20 eval '[ "$(app_field guestbook "{.status.sync.revision}")" = "$second" ] &&
    [ "$(app_field guestbook "{.status.sync.status}")" = OutOfSync ]'
  expect_output "app diff shows the replicas" "replicas: 2" "$PLUMB" app diff guestbook
  "$PLUMB" app sync guestbook --timeout 30 >/dev/null 2>&1 || fail "second app sync"
  [ "$(kubectl -n demo get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 2 ] || fail "replicas 2"
  "$PLUMB" app history guestbook >"$WORK/history" 2>&1 || fail "app history"
  grep -q "^0 .*${first:0:7}" "$WORK/history" || fail "app history lacks the first revision: $(cat "$WORK/history")"
  "$PLUMB" app rollback guestbook 0 --timeout 30 >/dev/null 2>&1 || fail "app rollback"
  [ "$(kubectl -n demo get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 1 ] ||
    fail "rollback did not bring one replica back"
  [ "$(app_field guestbook '{.status.operationState.syncResult.revision}')" = "$first" ] ||
    fail "rollback revision"
  "$PLUMB" app delete guestbook --yes >/dev/null 2>&1 || fail "app delete"
  wait_for "the cascade deleted the Deployment" 20 eval '! kubectl -n demo get deploy guestbook-ui'
  wait_for "the application gone" 10 eval '! kubectl -n argocd get application guestbook'
}

# `plumb up` on a user's repository holding an Argo CD app-of-apps layout: the bootstrap's
# Kustomization applies the Applications, the loop syncs them, a commit reaches them through
# the repository's post-commit hook.
scenario_up_runs_argo_applications() {
  git init -q -b main "$REPO"
  write_guestbook
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n---\n'
    DEST=guestbook application_yaml guestbook guestbook "$AUTOMATED"
  } | write clusters/local/argocd.yaml
  local head
  head=$(commit "argo layout")
  "$PLUMB" up --repo "$REPO" --path clusters/local --data-dir "$WORK/up" --port 0 --no-kubeconfig >"$WORK/controller.log" 2>&1 &
  PID=$!
  export KUBECONFIG=$WORK/up/kubeconfig
  wait_for "plumb up prints what to try" 20 grep -q "^Try:" "$WORK/controller.log"
  wait_for "the guestbook application synced" 40 synced_at guestbook "$head"
  kubectl -n guestbook get svc guestbook-ui >/dev/null || fail "the guestbook Service"
  expect_output "kubectl get applications shows Argo's columns" "HEALTH STATUS" \
    kubectl -n argocd get applications
  sed -i 's/replicas: 1/replicas: 2/' "$REPO/guestbook/guestbook-ui-deployment.yaml"
  head=$(commit "two replicas")  # the post-commit hook tells plumb up
  wait_for "the commit synced" 20 synced_at guestbook "$head"
  [ "$(kubectl -n guestbook get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 2 ] ||
    fail "replicas"
}

# start_second: another `plumb cluster`, started as lib.sh starts the first, with its own
# kubeconfig; SECOND runs kubectl against it; SECOND_SERVER, SECOND_CA (base64 PEM) and
# SECOND_TOKEN are read from that kubeconfig, SECOND_PID stops it.
start_second() {
  local kc=$WORK/second.kubeconfig
  "$PLUMB" cluster --port 0 --kubeconfig "$kc" >"$WORK/second.log" 2>&1 &
  SECOND_PID=$!
  EXTRA_PIDS+=("$SECOND_PID")
  SECOND=(kubectl --kubeconfig "$kc")
  wait_for "the second cluster" 10 eval '[ -s "$kc" ] && "${SECOND[@]}" get --raw /readyz'
  SECOND_SERVER=$("${SECOND[@]}" config view --raw -o jsonpath='{.clusters[0].cluster.server}')
  SECOND_CA=$("${SECOND[@]}" config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
  SECOND_TOKEN=$("${SECOND[@]}" config view --raw -o jsonpath='{.users[0].user.token}')
  [ -n "$SECOND_SERVER" ] && [ -n "$SECOND_CA" ] && [ -n "$SECOND_TOKEN" ] ||
    fail "the second cluster's kubeconfig"
}

# cluster_secret NAME SERVER: an Argo CD cluster Secret in argocd, as Argo's declarative setup
# writes one, with the second cluster's token and CA.
cluster_secret() {
  kubectl apply -f - >/dev/null <<YAML || fail "cluster Secret $1"
apiVersion: v1
kind: Secret
metadata:
  name: $1
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster
type: Opaque
stringData:
  name: $1
  server: $2
  config: |
    {"bearerToken": "$SECOND_TOKEN", "tlsClientConfig": {"insecure": false, "caData": "$SECOND_CA"}}
YAML
}

# An Application whose destination is another cluster, registered with a cluster Secret: synced
# there (nothing in the first cluster), a commit reaches it, pruning and selfHeal work there,
# the cascade of its deletion removes its objects there; a cluster that stops answering is
# said in the status, and other applications go on.
scenario_second_cluster() {
  start
  start_second
  git init -q -b main "$REPO"
  write_guestbook
  local head
  head=$(commit "guestbook")
  start_controller
  cluster_secret second "$SECOND_SERVER"
  DEST_CLUSTER=second application remote guestbook "$AUTOMATED"
  kubectl -n argocd patch application remote --type merge -p \
    '{"metadata":{"finalizers":["resources-finalizer.argocd.argoproj.io"]}}' >/dev/null ||
    fail "finalizer"
  wait_for "remote synced" 30 synced_at remote "$head"
  "${SECOND[@]}" -n demo get deploy guestbook-ui >/dev/null || fail "no Deployment in the second cluster"
  "${SECOND[@]}" -n demo get svc guestbook-ui >/dev/null || fail "no Service in the second cluster"
  expect_exit 1 kubectl get namespace demo
  [ "$(app_field remote '{.status.resources[0].health.status}')" = Healthy ] ||
    fail "the Deployment's health as the second cluster has it"
  expect_exit 0 "$PLUMB" app diff remote --cache-dir "$WORK/diff-cache"  # against the second
  # A commit: the Deployment changed and the Service pruned over there.
  sed -i 's/replicas: 1/replicas: 2/' "$REPO/guestbook/guestbook-ui-deployment.yaml"
  rm "$REPO/guestbook/guestbook-ui-svc.yaml"
  head=$(commit "two replicas, no service")
  push
  wait_for "remote synced at the new commit" 30 synced_at remote "$head"
  [ "$("${SECOND[@]}" -n demo get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 2 ] ||
    fail "replicas in the second cluster"
  wait_for "the Service pruned in the second cluster" 10 eval '! "${SECOND[@]}" -n demo get svc guestbook-ui'
  # Drift over there: its watch queues the application, selfHeal syncs it again.
  "${SECOND[@]}" -n demo scale deploy guestbook-ui --replicas=4 >/dev/null || fail "scale there"
  wait_for "the drift healed in the second cluster" 15 \
    eval '[ "$("${SECOND[@]}" -n demo get deploy guestbook-ui -o jsonpath={.spec.replicas})" = 2 ]'
  # Deleted with the resources finalizer: its objects go from the second cluster.
  kubectl -n argocd delete application remote --timeout=20s >/dev/null || fail "delete app"
  expect_exit 1 "${SECOND[@]}" -n demo get deploy guestbook-ui
  # The second cluster goes away: the application says so when it is compared again, and an
  # application of the first cluster is not held up.
  DEST_CLUSTER=second application later guestbook "$AUTOMATED"
  wait_for "later synced" 30 synced_at later "$head"
  kill "$SECOND_PID" && wait "$SECOND_PID" 2>/dev/null
  kubectl -n argocd annotate application later argocd.argoproj.io/refresh=normal >/dev/null ||
    fail "refresh"
  wait_for "a ComparisonError naming the cluster" 20 eval \
    'app_field later "{.status.conditions[*].message}" | grep -qF "Failed to load live state: failed to get cluster info for \"$SECOND_SERVER\": cannot connect"'
  [ "$(app_field later '{.status.sync.status}')" = Unknown ] || fail "sync status of an unreachable cluster"
  [ "$(app_field later '{.status.conditions[0].type}')" = ComparisonError ] || fail "condition type"
  application here guestbook "$AUTOMATED"
  wait_for "an application of the first cluster synced" 20 synced_at here "$head"
}

source "$(dirname "$0")/appset_scenarios.sh"
source "$(dirname "$0")/health_scenarios.sh"
run_scenario

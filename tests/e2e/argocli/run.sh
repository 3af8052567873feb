#!/usr/bin/env bash
# End-to-end tests of the argocd-like commands (plumb app list / get / sync / wait / history /
# rollback / create / set / unset / delete; plumb appset generate / list / get) against a fresh
# `plumb cluster` per scenario, checked through the API with kubectl.
#
# The controller's side of the contract is played by fake_controller.py, a loop over
# `kubectl get applications -A -o json` as Argo CD's application controller answers:
#  - an Application with `operation` set: it writes status.operationState (the operation, phase
#    Succeeded — Failed for apps named broken-* —, syncResult with the resources, startedAt,
#    finishedAt), a status.history entry (not for a dry run or a failure), sync and health
#    status, status.resources and reconciledAt, and removes `operation`, in one update; each
#    operation it saw is appended to $WORK/operations.jsonl;
#  - the argocd.argoproj.io/refresh annotation: removed, reconciledAt moved;
#  - an app being deleted with a resources finalizer: the finalizer removed (its resources
#    "deleted");
#  - apps named slow-* are never answered.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool python3

CONTROLLER=""
trap 'stop_fake_controller; cleanup' EXIT
REPO_URL=https://example.com/argocd-example-apps.git

app_field() { kubectl -n "${3:-argocd}" get application "$1" -o jsonpath="$2"; }

start_fake_controller() {
  cat >"$WORK/fake_controller.py" <<'PY'
import datetime, hashlib, json, re, subprocess, sys, time

OPERATIONS = sys.argv[1]
FINALIZERS = {"resources-finalizer.argocd.argoproj.io",
              "resources-finalizer.argocd.argoproj.io/foreground",
              "resources-finalizer.argocd.argoproj.io/background"}

def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

# The commit a revision resolves to: a commit is itself, a branch or tag a made-up one.
def commit_of(revision):
    if revision and re.fullmatch("[0-9a-f]{40}", revision):
        return revision
    return hashlib.sha1((revision or "HEAD").encode()).hexdigest()

def live_resources(app):
    ns = app["spec"].get("destination", {}).get("namespace", "default")
    return [{"group": "apps", "version": "v1", "kind": "Deployment", "namespace": ns,
             "name": "guestbook-ui"},
            {"group": "", "version": "v1", "kind": "Service", "namespace": ns,
             "name": "guestbook-ui"}]

def selected(resource, wanted):
    if not wanted:
        return True
    return any(w.get("group", "") == resource["group"] and w["kind"] == resource["kind"] and
               w["name"] == resource["name"] for w in wanted)

def run_operation(app):
    name = app["metadata"]["name"]
    op = app["operation"]
    sync = op.get("sync", {})
    status = app.get("status", {})
    source = sync.get("source", app["spec"].get("source", {}))
    revision = commit_of(sync.get("revision") or source.get("targetRevision"))
    failed = name.startswith("broken")
    started = now()
    results = []
    for r in live_resources(app):
        if not selected(r, sync.get("resources")):
            continue
        result = dict(r, status="SyncFailed" if failed else "Synced", syncPhase="Sync",
                      message="one or more objects failed to apply" if failed
                      else r["kind"].lower() + "/" + r["name"] + " configured")
        results.append(result)
    history = status.get("history", [])
    dry = sync.get("dryRun", False)
    if not failed and not dry:
        history.append({"id": (history[-1]["id"] + 1) if history else 0, "revision": revision,
                        "deployedAt": now(), "deployStartedAt": started, "source": source,
                        "initiatedBy": op.get("initiatedBy", {})})
    healthy = "Degraded" if failed else "Healthy"
    resources = [dict(r, status="Synced", health={"status": healthy}) for r in live_resources(app)]
    finished = now()
    new_status = {
        "operationState": {
            "operation": op, "phase": "Failed" if failed else "Succeeded",
            "message": "one or more objects failed to apply" if failed
                       else "successfully synced (all tasks run)",
            "syncResult": {"revision": revision, "source": source, "resources": results},
            "startedAt": started, "finishedAt": finished},
        "history": history,
        "sync": {"status": "OutOfSync" if failed or dry else "Synced", "revision": revision},
        "health": {"status": healthy},
        "resources": resources,
        "reconciledAt": finished,
        "sourceType": "Directory"}
    with open(OPERATIONS, "a") as f:
        f.write(json.dumps({"app": name, "operation": op}) + "\n")
    return {"operation": None, "status": new_status}

def handle(app):
    meta = app["metadata"]
    if meta["name"].startswith("slow"):
        return None
    patch = {}
    annotations = meta.get("annotations") or {}
    if "argocd.argoproj.io/refresh" in annotations:
        patch["metadata"] = {"annotations": {"argocd.argoproj.io/refresh": None,
                                             "argocd.argoproj.io/refresh-timestamp": None}}
        patch["status"] = {"reconciledAt": now(), "sync": {"status": "Synced"}}
    if app.get("operation"):
        patch.update(run_operation(app))
    finalizers = meta.get("finalizers") or []
    if meta.get("deletionTimestamp") and any(f in FINALIZERS for f in finalizers):
        patch.setdefault("metadata", {})["finalizers"] = [f for f in finalizers
                                                          if f not in FINALIZERS]
    return patch or None

while True:
    out = subprocess.run(["kubectl", "get", "applications.argoproj.io", "-A", "-o", "json"],
                         capture_output=True, text=True)
    if out.returncode == 0:
        for app in json.loads(out.stdout)["items"]:
            patch = handle(app)
            if patch:
                subprocess.run(["kubectl", "-n", app["metadata"]["namespace"], "patch",
                                "applications.argoproj.io", app["metadata"]["name"],
                                "--type=merge", "-p", json.dumps(patch)],
                               capture_output=True, text=True)
    time.sleep(0.1)
PY
  python3 "$WORK/fake_controller.py" "$WORK/operations.jsonl" 2>"$WORK/controller.log" &
  CONTROLLER=$!
}

stop_fake_controller() {
  [ -n "$CONTROLLER" ] && kill "$CONTROLLER" 2>/dev/null && wait "$CONTROLLER" 2>/dev/null
  CONTROLLER=""
}

# last_operation APP PYTHON_EXPR: the expression over `op`, the last operation the fake
# controller ran for APP.
last_operation() {
  python3 - "$WORK/operations.jsonl" "$1" "$2" <<'PY'
import json, sys
ops = [json.loads(l) for l in open(sys.argv[1])]
op = [o["operation"] for o in ops if o["app"] == sys.argv[2]][-1]
print(eval(sys.argv[3]))
PY
}

# create_app NAME [plumb app create flags...]: a directory app of the example repository,
# deployed to namespace web of this cluster. The first one installs the CRDs.
create_app() {
  local name=$1
  shift
  "$PLUMB" app create "$name" --repo "$REPO_URL" --path guestbook \
    --dest-server https://kubernetes.default.svc --dest-namespace web "$@" \
    >"$WORK/create.log" 2>&1 || fail "app create $name: $(cat "$WORK/create.log")"
}

setup() {
  start
  kubectl create namespace argocd >/dev/null || fail "create namespace argocd"
}

scenario_list_get() {
  setup
  create_app guestbook --revision main
  grep -qF "installing the Application and AppProject CRDs" "$WORK/create.log" ||
    fail "CRDs not installed: $(cat "$WORK/create.log")"
  create_app auto --sync-policy automated --auto-prune --project default
  # Status as Argo's controller writes it.
  kubectl -n argocd patch application guestbook --type=merge -p '{"status": {
    "sync": {"status": "Synced", "revision": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"},
    "health": {"status": "Healthy"},
    "conditions": [{"type": "SyncError", "message": "boom"}, {"type": "Warning", "message": "w1"},
                   {"type": "Warning", "message": "w2"}],
    "resources": [
      {"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "web", "name": "guestbook-ui", "status": "Synced", "health": {"status": "Healthy"}},
      {"version": "v1", "kind": "Service", "namespace": "web", "name": "guestbook-ui", "status": "OutOfSync", "health": {"status": "Progressing", "message": "waiting"}}]}}' \
    >/dev/null || fail "patch status"
  local out expected
  out=$("$PLUMB" app list) || fail "app list"
  expected="NAME              CLUSTER                         NAMESPACE  PROJECT  STATUS  HEALTH   SYNCPOLICY  CONDITIONS            REPO                                         PATH       TARGET
argocd/auto       https://kubernetes.default.svc  web        default                   Auto-Prune  <none>                $REPO_URL  guestbook  
argocd/guestbook  https://kubernetes.default.svc  web        default  Synced  Healthy  Manual      SyncError,Warning(2)  $REPO_URL  guestbook  main"
  [ "$out" = "$expected" ] || fail "app list:
$(cat -A <<<"$out")
expected:
$(cat -A <<<"$expected")"
  [ "$("$PLUMB" app list -o name)" = "argocd/auto
argocd/guestbook" ] || fail "app list -o name: $("$PLUMB" app list -o name)"
  [ "$("$PLUMB" app list -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] ||
    fail "app list -o json"
  [ "$("$PLUMB" app list -p other)" = \
    "NAME  CLUSTER  NAMESPACE  PROJECT  STATUS  HEALTH  SYNCPOLICY  CONDITIONS  REPO  PATH  TARGET" ] ||
    fail "app list -p other: $("$PLUMB" app list -p other)"
  kubectl -n argocd label application auto tier=fe >/dev/null
  "$PLUMB" app list -l tier=fe -o name | grep -qx argocd/auto || fail "app list -l"
  [ "$("$PLUMB" app list -l tier=fe -o name | wc -l)" = 1 ] || fail "app list -l picked others"

  out=$("$PLUMB" app get guestbook) || fail "app get"
  expected="Name:               argocd/guestbook
Project:            default
Server:             https://kubernetes.default.svc
Namespace:          web
Source:
- Repo:             $REPO_URL
  Target:           main
  Path:             guestbook
SyncWindow:         Sync Allowed
Sync Policy:        Manual
Sync Status:        Synced to main (a1b2c3d)
Health Status:      Healthy

CONDITION  MESSAGE  LAST TRANSITION
SyncError  boom     <nil>
Warning    w1       <nil>
Warning    w2       <nil>


GROUP  KIND        NAMESPACE  NAME          STATUS     HEALTH       HOOK  MESSAGE
       Service     web        guestbook-ui  OutOfSync  Progressing        
apps   Deployment  web        guestbook-ui  Synced     Healthy            "
  [ "$out" = "$expected" ] || fail "app get:
$(cat -A <<<"$out")
expected:
$(cat -A <<<"$expected")"
  # NAMESPACE/NAME and -N name the same app.
  [ "$("$PLUMB" app get argocd/guestbook)" = "$out" ] || fail "app get argocd/guestbook"
  [ "$("$PLUMB" app get -N argocd guestbook)" = "$out" ] || fail "app get -N"
  "$PLUMB" app get guestbook -o yaml | grep -q "^    revision: a1b2c3d4e5f60718293a4b5c6d7e8f9012345678" ||
    fail "app get -o yaml: $("$PLUMB" app get guestbook -o yaml)"
  "$PLUMB" app get guestbook -o json | python3 -c \
    'import json,sys; a=json.load(sys.stdin); assert a["status"]["health"]["status"]=="Healthy"' ||
    fail "app get -o json"
  # Errors name the app; argocd's exit codes; usage errors exit 2.
  expect_output "not found" "application 'nope' not found" "$PLUMB" app get nope
  expect_exit 20 "$PLUMB" app get nope
  expect_exit 20 "$PLUMB" app get guestbook -N elsewhere
  expect_exit 2 "$PLUMB" app get
  expect_exit 2 "$PLUMB" app get guestbook --no-such-flag
  expect_exit 2 "$PLUMB" app frobnicate
  expect_output "help" "Usage: plumb app get NAME" "$PLUMB" app get --help
  expect_output "verbs" "rollback" "$PLUMB" app --help
}

scenario_sync() {
  setup
  create_app guestbook --sync-option CreateNamespace=true
  # Compared before, out of sync: the rows printed while waiting start from there.
  kubectl -n argocd patch application guestbook --type=merge -p '{"status": {
    "sync": {"status": "OutOfSync"}, "resources": [
      {"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "web", "name": "guestbook-ui", "status": "OutOfSync", "health": {"status": "Missing"}}]}}' \
    >/dev/null || fail "patch status"
  start_fake_controller
  local out
  out=$("$PLUMB" app sync guestbook 2>&1) || fail "app sync: $out"
  grep -qP '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d   apps  Deployment         web          guestbook-ui  OutOfSync  Missing' <<<"$out" ||
    fail "app sync: no row for the deployment in:
$out"
  for line in "TIMESTAMP                  GROUP        KIND   NAMESPACE" \
    "Name:               argocd/guestbook" "Operation:          Sync" \
    "Sync Revision:      $(python3 -c 'import hashlib; print(hashlib.sha1(b"HEAD").hexdigest())')" \
    "Phase:              Succeeded" "Message:            successfully synced (all tasks run)" \
    "GROUP  KIND        NAMESPACE  NAME          STATUS  HEALTH   HOOK  MESSAGE" \
    "apps   Deployment  web        guestbook-ui  Synced  Healthy        deployment/guestbook-ui configured"; do
    grep -qF -- "$line" <<<"$out" || fail "app sync: no '$line' in:
$out"
  done
  # The operation as Argo's API server writes it, removed by the controller when done.
  [ "$(last_operation guestbook 'op["initiatedBy"]["username"]')" = "$(id -un)" ] ||
    fail "initiatedBy: $(cat "$WORK/operations.jsonl")"
  [ "$(last_operation guestbook 'op["sync"]["source"]["path"], op["sync"]["syncStrategy"], op["sync"]["syncOptions"], "revision" in op["sync"]')" = \
    "('guestbook', {'hook': {}}, ['CreateNamespace=true'], False)" ] ||
    fail "operation: $(tail -1 "$WORK/operations.jsonl")"
  [ -z "$(app_field guestbook '{.operation}')" ] || fail "operation left set"
  [ "$(app_field guestbook '{.status.history[*].id}')" = 0 ] || fail "history"

  # The flags of the operation.
  expect_exit 0 "$PLUMB" app sync guestbook --revision v2 --prune --server-side \
    --info reason=test --resource apps:Deployment:guestbook-ui
  [ "$(last_operation guestbook 'op["sync"]["revision"], op["sync"]["prune"], op["sync"]["resources"], op["sync"]["syncOptions"], op["info"]')" = \
    "('v2', True, [{'group': 'apps', 'kind': 'Deployment', 'name': 'guestbook-ui', 'namespace': 'web'}], ['ServerSideApply=true'], [{'name': 'reason', 'value': 'test'}])" ] ||
    fail "operation flags: $(tail -1 "$WORK/operations.jsonl")"
  expect_exit 0 "$PLUMB" app sync guestbook --dry-run
  [ "$(last_operation guestbook 'op["sync"]["dryRun"]')" = True ] || fail "dry run"
  [ "$(app_field guestbook '{.status.history[*].id}')" = "0 1" ] || fail "a dry run made history"
  expect_output "no such resource" "No matching app resources found for resource filter: :ConfigMap:x" \
    "$PLUMB" app sync guestbook --resource :ConfigMap:x
  expect_exit 1 "$PLUMB" app sync guestbook --resource :ConfigMap:x

  # A failed operation: exit 1, as argocd.
  create_app broken-app
  out=$("$PLUMB" app sync broken-app 2>&1)
  [ $? = 1 ] || fail "failed sync exit: $out"
  grep -qF "Operation has completed with phase: Failed" <<<"$out" || fail "failed sync: $out"
  grep -qF "Phase:              Failed" <<<"$out" || fail "failed sync summary: $out"

  # --async returns with the operation set; another sync is refused while it runs.
  create_app slow-app
  expect_exit 0 "$PLUMB" app sync slow-app --async
  [ -n "$(app_field slow-app '{.operation.sync}')" ] || fail "--async: no operation set"
  expect_output "in progress" "another operation is already in progress" "$PLUMB" app sync slow-app
  expect_exit 20 "$PLUMB" app sync slow-app
  # Waiting times out (argocd: exit 20), showing the state then.
  kubectl -n argocd patch application slow-app --type=json -p '[{"op":"remove","path":"/operation"}]' \
    >/dev/null || fail "clear operation"
  local begin=$SECONDS
  out=$("$PLUMB" app sync slow-app --timeout 2 2>&1)
  [ $? = 20 ] || fail "timeout exit: $out"
  grep -qF 'timed out (2s) waiting for app "argocd/slow-app" match desired state' <<<"$out" ||
    fail "timeout: $out"
  grep -qF "This is the state of the app after wait timed out:" <<<"$out" || fail "timeout: $out"
  [ $((SECONDS - begin)) -le 6 ] || fail "the timeout took $((SECONDS - begin)) s"
  expect_output "missing" "application 'nope' not found" "$PLUMB" app sync nope
  expect_exit 2 "$PLUMB" app sync
  expect_exit 1 "$PLUMB" app sync guestbook --strategy sideways
}

scenario_wait() {
  setup
  create_app guestbook
  create_app other
  local out pid
  # Not synced yet: --sync waits until the status says so (a watch, not a poll).
  "$PLUMB" app wait guestbook --sync --timeout 20 >"$WORK/wait.out" 2>&1 &
  pid=$!
  sleep 1
  kill -0 "$pid" 2>/dev/null || fail "app wait returned early: $(cat "$WORK/wait.out")"
  kubectl -n argocd patch application guestbook --type=merge \
    -p '{"status":{"sync":{"status":"Synced"},"health":{"status":"Progressing"}}}' >/dev/null
  wait "$pid" || fail "app wait --sync: $(cat "$WORK/wait.out")"
  grep -qF "Sync Status:        Synced to " "$WORK/wait.out" || fail "wait output: $(cat "$WORK/wait.out")"
  # Without flags: sync, health and no operation; already true: at once.
  kubectl -n argocd patch application guestbook --type=merge \
    -p '{"status":{"health":{"status":"Healthy"}}}' >/dev/null
  expect_exit 0 timeout 5 "$PLUMB" app wait guestbook
  # --health fails when a resource turns Degraded while waiting.
  kubectl -n argocd patch application other --type=merge -p '{"status":{"sync":{"status":"OutOfSync"},
    "resources":[{"group":"apps","version":"v1","kind":"Deployment","namespace":"web","name":"web","status":"Synced","health":{"status":"Progressing"}}]}}' \
    >/dev/null
  "$PLUMB" app wait other --health --timeout 20 >"$WORK/wait.out" 2>&1 &
  pid=$!
  wait_for "the first row" 10 grep -q "Deployment" "$WORK/wait.out"
  kubectl -n argocd patch application other --type=merge -p '{"status":{
    "resources":[{"group":"apps","version":"v1","kind":"Deployment","namespace":"web","name":"web","status":"Synced","health":{"status":"Degraded"}}]}}' \
    >/dev/null
  wait "$pid"
  [ $? = 20 ] || fail "degraded exit: $(cat "$WORK/wait.out")"
  grep -qF "application 'argocd/other' health state has transitioned from Progressing to Degraded" \
    "$WORK/wait.out" || fail "degraded: $(cat "$WORK/wait.out")"
  # Timeout.
  out=$("$PLUMB" app wait other --sync --timeout 1 2>&1)
  [ $? = 20 ] || fail "wait timeout exit: $out"
  grep -qF 'timed out (1s) waiting for app "argocd/other"' <<<"$out" || fail "wait timeout: $out"
  # --resource judges those resources only.
  expect_exit 0 timeout 5 "$PLUMB" app wait other --sync --resource apps:Deployment:web
  expect_exit 2 "$PLUMB" app wait
}

scenario_history_rollback() {
  setup
  create_app guestbook --revision v1
  start_fake_controller
  expect_exit 0 "$PLUMB" app sync guestbook
  kubectl -n argocd patch application guestbook --type=merge \
    -p '{"spec":{"source":{"targetRevision":"v2"}}}' >/dev/null
  expect_exit 0 "$PLUMB" app sync guestbook
  local v1 v2 out
  v1=$(python3 -c 'import hashlib; print(hashlib.sha1(b"v1").hexdigest())')
  v2=$(python3 -c 'import hashlib; print(hashlib.sha1(b"v2").hexdigest())')
  out=$("$PLUMB" app history guestbook) || fail "app history"
  grep -qxF "SOURCE  $REPO_URL" <<<"$out" || fail "history: $out"
  grep -qP '^ID      DATE                           REVISION$' <<<"$out" || fail "history: $out"
  grep -qP "^0       \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} \S+  v1 \(${v1:0:7}\)$" <<<"$out" ||
    fail "history entry 0: $out"
  grep -qP "^1       .*  v2 \(${v2:0:7}\)$" <<<"$out" || fail "history entry 1: $out"
  [ "$("$PLUMB" app history guestbook -o id)" = "0
1" ] || fail "history -o id"

  # Rollback (no ID: the previous deployment) syncs to its revision and source.
  out=$("$PLUMB" app rollback guestbook 2>&1) || fail "rollback: $out"
  grep -qF "Phase:              Succeeded" <<<"$out" || fail "rollback output: $out"
  [ "$(last_operation guestbook 'op["sync"]["revision"], op["sync"]["source"]["targetRevision"], op["sync"]["syncStrategy"]')" = \
    "('$v1', 'v1', {'apply': {}})" ] || fail "rollback operation: $(tail -1 "$WORK/operations.jsonl")"
  # With automated sync on, Argo refuses; plumb turns it off for the app and says so.
  expect_exit 0 "$PLUMB" app set guestbook --sync-policy automated --self-heal
  [ -n "$(app_field guestbook '{.spec.syncPolicy.automated}')" ] || fail "automated not set"
  out=$("$PLUMB" app rollback guestbook 1 2>&1) || fail "rollback 1: $out"
  grep -qF "automated sync of application 'argocd/guestbook' turned off for the rollback" <<<"$out" ||
    fail "rollback note: $out"
  [ -z "$(app_field guestbook '{.spec.syncPolicy.automated}')" ] || fail "automated still on"
  [ "$(last_operation guestbook 'op["sync"]["revision"]')" = "$v2" ] || fail "rollback to 1"
  expect_output "bad id" "application 'guestbook' does not have deployment id '9' in history" \
    "$PLUMB" app rollback guestbook 9
  expect_exit 20 "$PLUMB" app rollback guestbook 9
  create_app lonely
  expect_output "one deployment" "application 'lonely' should have at least two successful deployments" \
    "$PLUMB" app rollback lonely
}

scenario_delete() {
  require_tool script
  local out
  setup
  kubectl create namespace team >/dev/null
  create_app keep
  create_app cascade
  create_app background
  create_app team/other
  # Cascading (the default; no terminal: no question): the resources finalizer first, so the
  # controller deletes the resources before the app goes. Without the controller it stays.
  expect_output "deleted" "application 'cascade' deleted" "$PLUMB" app delete cascade
  [ "$(app_field cascade '{.metadata.finalizers}')" = '["resources-finalizer.argocd.argoproj.io"]' ] ||
    fail "finalizer: $(app_field cascade '{.metadata}')"
  [ -n "$(app_field cascade '{.metadata.deletionTimestamp}')" ] || fail "not deleted"
  expect_exit 0 "$PLUMB" app delete background -p background
  [ "$(app_field background '{.metadata.finalizers}')" = '["resources-finalizer.argocd.argoproj.io/background"]' ] ||
    fail "background finalizer: $(app_field background '{.metadata}')"
  start_fake_controller
  wait_for "cascade gone" 10 bash -c '! kubectl -n argocd get application cascade'
  # --cascade=false removes the finalizer first: gone at once, resources left alone.
  kubectl -n argocd patch application keep --type=merge \
    -p '{"metadata":{"finalizers":["resources-finalizer.argocd.argoproj.io"]}}' >/dev/null
  stop_fake_controller
  expect_output "no cascade" "application 'keep' deleted" "$PLUMB" app delete keep --cascade=false
  expect_exit 1 kubectl -n argocd get application keep
  expect_output "policy without cascade" "cannot set propagation policy when cascading is disabled" \
    "$PLUMB" app delete team/other --cascade=false -p foreground
  expect_output "bad policy" "invalid propagation policy: sideways" \
    "$PLUMB" app delete team/other -p sideways
  # --wait: until the controller has finished.
  start_fake_controller
  expect_output "other namespace" "application 'team/other' deleted" \
    "$PLUMB" app delete team/other --wait
  expect_exit 1 kubectl -n team get application other
  expect_output "missing" "application 'nope' not found" "$PLUMB" app delete nope
  expect_exit 20 "$PLUMB" app delete nope
  expect_exit 2 "$PLUMB" app delete
  # On a terminal (script gives it one) a cascading delete asks first; --yes does not.
  stop_fake_controller
  create_app asked
  out=$(echo n | script -qec "$PLUMB app delete asked" /dev/null) || fail "delete asked: $out"
  grep -qF "Are you sure you want to delete 'asked' and all its resources? [y/n]" <<<"$out" ||
    fail "no question: $out"
  grep -qF "The command to delete 'asked' was cancelled." <<<"$out" || fail "not cancelled: $out"
  [ -z "$(app_field asked '{.metadata.deletionTimestamp}')" ] || fail "deleted after 'n'"
  out=$(echo y | script -qec "$PLUMB app delete asked" /dev/null) || fail "delete asked: $out"
  grep -qF "application 'asked' deleted" <<<"$out" || fail "not deleted after 'y': $out"
  create_app unasked
  out=$(script -qec "$PLUMB app delete unasked --yes" /dev/null </dev/null) || fail "--yes: $out"
  grep -qF "Are you sure" <<<"$out" && fail "--yes asked: $out"
  [ -n "$(app_field unasked '{.metadata.deletionTimestamp}')" ] || fail "--yes: not deleted"
}

scenario_create_set() {
  setup
  create_app guestbook --revision main --sync-policy automated --auto-prune --self-heal \
    --sync-option CreateNamespace=true --directory-recurse --label team=a --set-finalizer
  grep -qxF "application 'guestbook' created" "$WORK/create.log" || fail "$(cat "$WORK/create.log")"
  [ "$(app_field guestbook '{.spec.project} {.spec.source.targetRevision} {.spec.source.directory.recurse} {.spec.syncPolicy.automated.prune} {.spec.syncPolicy.automated.selfHeal} {.spec.syncPolicy.syncOptions[0]} {.metadata.labels.team} {.metadata.finalizers[0]}')" = \
    "default main true true true CreateNamespace=true a resources-finalizer.argocd.argoproj.io" ] ||
    fail "created spec: $(app_field guestbook '{.metadata} {.spec}')"
  # The same again: unchanged; different: refused as Argo refuses it, unless --upsert.
  create_app guestbook --revision main --sync-policy automated --auto-prune --self-heal \
    --sync-option CreateNamespace=true --directory-recurse --label team=a --set-finalizer
  grep -qxF "application 'guestbook' unchanged" "$WORK/create.log" || fail "$(cat "$WORK/create.log")"
  local out
  out=$("$PLUMB" app create guestbook --repo "$REPO_URL" --path other \
    --dest-server https://kubernetes.default.svc --dest-namespace web 2>&1)
  [ $? = 20 ] || fail "differing create: $out"
  grep -qF "existing application spec is different, use upsert flag to force update" <<<"$out" ||
    fail "differing create: $out"
  create_app guestbook --upsert --label tier=fe
  grep -qxF "application 'guestbook' updated" "$WORK/create.log" || fail "$(cat "$WORK/create.log")"
  [ "$(app_field guestbook '{.spec.source.targetRevision}|{.metadata.labels.team}{.metadata.labels.tier}|{.spec.syncPolicy}')" = \
    "|afe|" ] || fail "upserted: $(app_field guestbook '{.metadata} {.spec}')"
  # Refused specs, as Argo words them.
  expect_output "no destination" "application destination spec for nodest is invalid: Destination server missing from app spec" \
    "$PLUMB" app create nodest --repo "$REPO_URL" --path p
  expect_output "no path" "spec.source.repoURL and either spec.source.path or spec.source.chart are required" \
    "$PLUMB" app create nopath --repo "$REPO_URL" --dest-server https://kubernetes.default.svc
  expect_exit 1 "$PLUMB" app create x --sync-policy sometimes --repo r --path p --dest-name in-cluster
  expect_exit 2 "$PLUMB" app create

  # set: each flag given replaces its field.
  expect_exit 0 "$PLUMB" app set guestbook --revision v3 --helm-set image.tag=1.2 --values prod.yaml \
    --sync-policy automated --auto-prune --dest-namespace prod
  [ "$(app_field guestbook '{.spec.source.targetRevision} {.spec.source.helm.parameters[0].name}={.spec.source.helm.parameters[0].value} {.spec.source.helm.valueFiles[0]} {.spec.syncPolicy.automated.prune} {.spec.destination.namespace}')" = \
    "v3 image.tag=1.2 prod.yaml true prod" ] || fail "set: $(app_field guestbook '{.spec}')"
  expect_output "nothing to set" "Please set at least one option to update" "$PLUMB" app set guestbook
  expect_exit 2 "$PLUMB" app set guestbook
  expect_output "set missing" "application 'nope' not found" "$PLUMB" app set nope --revision x
  # unset.
  expect_exit 0 "$PLUMB" app unset guestbook -p image.tag --values prod.yaml
  [ -z "$(app_field guestbook '{.spec.source.helm}')" ] || fail "unset: $(app_field guestbook '{.spec.source}')"

  # -f: the applications of a file, the flags overriding their spec.
  cat >"$WORK/apps.yaml" <<YAML
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: from-file
spec:
  source: {repoURL: $REPO_URL, path: guestbook}
  destination: {name: in-cluster, namespace: web}
operation:
  sync: {revision: sneaky}
YAML
  expect_output "from file" "application 'from-file' created" \
    "$PLUMB" app create -f "$WORK/apps.yaml" --revision v9
  [ "$(app_field from-file '{.spec.source.targetRevision} {.spec.project} {.operation}')" = "v9 default " ] ||
    fail "from file: $(app_field from-file '{.spec} {.operation}')"
  expect_output "name differs" "app name 'other' does not match app spec metadata.name 'from-file'" \
    "$PLUMB" app create other -f "$WORK/apps.yaml"
}

scenario_refresh() {
  setup
  create_app guestbook
  kubectl -n argocd patch application guestbook --type=merge \
    -p '{"status":{"reconciledAt":"2020-01-01T00:00:00Z","sync":{"status":"OutOfSync"}}}' >/dev/null
  # Nobody answers: --timeout gives up on the refresh and shows the app as it is.
  local out
  out=$("$PLUMB" app get guestbook --refresh --timeout 1 2>&1) || fail "refresh timeout: $out"
  grep -qF "Sync Status:        OutOfSync from" <<<"$out" || fail "refresh timeout: $out"
  [ "$(app_field guestbook '{.metadata.annotations.argocd\.argoproj\.io/refresh}')" = normal ] ||
    fail "refresh annotation: $(app_field guestbook '{.metadata.annotations}')"
  start_fake_controller
  out=$("$PLUMB" app get guestbook --hard-refresh 2>&1) || fail "hard refresh: $out"
  grep -qF "Sync Status:        Synced to" <<<"$out" || fail "hard refresh: $out"
  [ "$(app_field guestbook '{.status.reconciledAt}')" != "2020-01-01T00:00:00Z" ] ||
    fail "not refreshed"
}

# plumb appset generate FILE: offline, a git repository read through the cache, the clusters
# generator's Secrets from a file or from the cluster (--kubeconfig).
scenario_appset_generate() {
  require_tool git
  use_git_repo
  git init -q -b main "$REPO"
  for app in web api; do write "apps/$app/kustomization.yaml" <<<"resources: []"; done
  write apps/.hidden/kustomization.yaml <<<"resources: []"
  write config/dev.yaml <<<"env: dev"
  commit "two apps" >/dev/null
  cat >"$WORK/set.yaml" <<YAML
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - matrix:
      generators:
      - git:
          repoURL: file://$REPO
          revision: HEAD
          directories: [{path: apps/*}]
      - clusters: {}
  template:
    metadata:
      name: '{{.path.basename}}-{{.name}}'
    spec:
      project: default
      source: {repoURL: 'file://$REPO', targetRevision: HEAD, path: '{{.path.path}}'}
      destination: {server: '{{.server}}', namespace: '{{.path.basename}}'}
YAML
  local gen=("$PLUMB" appset generate --cache-dir "$WORK/cache")
  # The metadata.name of each object of a JSON list on stdin, space-separated.
  names_of_json() {
    python3 -c 'import json,sys; print(" ".join(a["metadata"]["name"] for a in json.load(sys.stdin)))'
  }
  local out expected
  out=$("${gen[@]}" "$WORK/set.yaml") || fail "appset generate: $out"
  expected="- apiVersion: argoproj.io/v1alpha1
  kind: Application
  metadata:
    finalizers:
    - resources-finalizer.argocd.argoproj.io
    name: api-in-cluster
  spec:
    destination:
      namespace: api
      server: https://kubernetes.default.svc
    project: default
    source:
      path: apps/api
      repoURL: file://$REPO
      targetRevision: HEAD
- apiVersion: argoproj.io/v1alpha1
  kind: Application
  metadata:
    finalizers:
    - resources-finalizer.argocd.argoproj.io
    name: web-in-cluster
  spec:
    destination:
      namespace: web
      server: https://kubernetes.default.svc
    project: default
    source:
      path: apps/web
      repoURL: file://$REPO
      targetRevision: HEAD"
  [ "$out" = "$expected" ] || fail "appset generate:
$out
expected:
$expected"
  # A new directory in a new commit is a new application.
  write apps/queue/kustomization.yaml <<<"resources: []"
  commit "a third" >/dev/null
  [ "$("${gen[@]}" "$WORK/set.yaml" -o json | names_of_json)" = \
    "api-in-cluster queue-in-cluster web-in-cluster" ] || fail "appset generate after a commit"
  "${gen[@]}" "$WORK/set.yaml" -o wide | grep -q "^argocd/queue-in-cluster  https://kubernetes.default.svc  queue " ||
    fail "appset generate -o wide: $("${gen[@]}" "$WORK/set.yaml" -o wide)"

  # Cluster Secrets: from a file, then from the cluster.
  cat >"$WORK/clusters.yaml" <<'YAML'
apiVersion: v1
kind: Secret
metadata:
  name: prod
  labels: {argocd.argoproj.io/secret-type: cluster, env: prod}
stringData: {name: prod, server: "https://prod.example.com"}
YAML
  out=$("${gen[@]}" "$WORK/set.yaml" --cluster-secrets "$WORK/clusters.yaml" -o json | names_of_json)
  [ "$out" = "api-prod api-in-cluster queue-prod queue-in-cluster web-prod web-in-cluster" ] ||
    fail "appset generate --cluster-secrets: $out"
  start
  kubectl create namespace argocd >/dev/null || fail "create namespace argocd"
  kubectl -n argocd create secret generic staging --from-literal=name=staging \
    --from-literal=server=https://staging.example.com >/dev/null || fail "create secret"
  kubectl -n argocd label secret staging argocd.argoproj.io/secret-type=cluster >/dev/null
  out=$("${gen[@]}" "$WORK/set.yaml" --kubeconfig "$KUBECONFIG" -o json | names_of_json)
  [ "$out" = "api-staging api-in-cluster queue-staging queue-in-cluster web-staging web-in-cluster" ] ||
    fail "appset generate --kubeconfig: $out"

  # Errors: the generator and field named, argocd's exit codes.
  sed 's/revision: HEAD/revision: nope/' "$WORK/set.yaml" >"$WORK/bad.yaml"
  expect_output "missing branch" "FATA[0000] unable to generate Applications of ApplicationSet: ApplicationSet argocd/apps: spec.generators[0].matrix.generators[0].git: file://$REPO at nope: no such ref" \
    "${gen[@]}" "$WORK/bad.yaml"
  expect_exit 20 "${gen[@]}" "$WORK/bad.yaml"
  sed 's/- clusters: {}/- scmProvider: {github: {organization: x}}/' "$WORK/set.yaml" >"$WORK/scm.yaml"
  expect_output "unsupported generator" "spec.generators[0].matrix.generators[1].scmProvider: the scmProvider generator is not supported by Plumb" \
    "${gen[@]}" "$WORK/scm.yaml"
  { cat "$WORK/set.yaml"; echo ---; cat "$WORK/set.yaml"; } >"$WORK/two.yaml"
  expect_output "two sets" "Input file must contain one ApplicationSet" "${gen[@]}" "$WORK/two.yaml"
  expect_exit 1 "${gen[@]}" "$WORK/two.yaml"
  expect_exit 2 "$PLUMB" appset generate
}

# plumb appset list / get against the cluster: the CRD installed with the Argo CD ones, an
# ApplicationSet with the status Argo's controller writes.
scenario_appset_list_get() {
  setup
  create_app guestbook  # installs the Argo CD CRDs, ApplicationSet's among them
  kubectl get crd applicationsets.argoproj.io >/dev/null || fail "no ApplicationSet CRD"
  [ "$("$PLUMB" appset list)" = "NAME  PROJECT  SYNCPOLICY  HEALTH  CONDITIONS  REPO  PATH  TARGET" ] ||
    fail "appset list (none): $("$PLUMB" appset list)"
  kubectl apply -f - >/dev/null <<YAML || fail "apply appsets"
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: guestbook, namespace: argocd}
spec:
  generators: [{list: {elements: [{cluster: a}]}}]
  syncPolicy: {applicationsSync: create-only}
  template:
    metadata: {name: '{{cluster}}-guestbook'}
    spec:
      project: default
      source: {repoURL: $REPO_URL, targetRevision: HEAD, path: guestbook}
      destination: {server: https://kubernetes.default.svc, namespace: guestbook}
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: addons, namespace: argocd, labels: {tier: infra}}
spec:
  generators: [{list: {elements: []}}]
  template: {metadata: {name: x}, spec: {project: infra}}
YAML
  kubectl -n argocd patch applicationset guestbook --subresource=status --type=merge -p \
    '{"status": {"conditions": [{"type": "ResourcesUpToDate", "status": "True", "reason": "ApplicationSetUpToDate", "message": "All applications have been generated successfully"}]}}' \
    >/dev/null || fail "patch status"
  local out expected
  out=$("$PLUMB" appset list) || fail "appset list"
  # The rows as argocd prints them, aligned as text/tabwriter does (cells padded to their
  # column plus two spaces, the last one not).
  expected=$(python3 - "$REPO_URL" <<'PY'
import sys
repo = sys.argv[1]
rows = [["NAME", "PROJECT", "SYNCPOLICY", "HEALTH", "CONDITIONS", "REPO", "PATH", "TARGET"],
        ["argocd/addons", "infra", "nil", "", "[]", "", "", ""],
        ["argocd/guestbook", "default",
         "&ApplicationSetSyncPolicy{PreserveResourcesOnDeletion:false,ApplicationsSync:*create-only,}",
         "", "[{ResourcesUpToDate All applications have been generated successfully <nil> True "
         "ApplicationSetUpToDate}]", repo, "guestbook", "HEAD"]]
widths = [max(len(r[i]) for r in rows) + 2 for i in range(7)]
for r in rows:
    print("".join(c.ljust(w) for c, w in zip(r, widths)) + r[7])
PY
)
  [ "$out" = "$expected" ] || fail "appset list:
$(cat -A <<<"$out")
expected:
$(cat -A <<<"$expected")"
  [ "$("$PLUMB" appset list -o name -l tier=infra)" = "argocd/addons" ] || fail "appset list -l"
  [ "$("$PLUMB" appset list -o name -p default)" = "argocd/guestbook" ] || fail "appset list -p"
  out=$("$PLUMB" appset get guestbook) || fail "appset get"
  expected="Name:               argocd/guestbook
Project:            default
Server:             https://kubernetes.default.svc
Namespace:          guestbook
Health Status:      
Source:
- Repo:             $REPO_URL
  Target:           HEAD
  Path:             guestbook
SyncPolicy:         <none>

CONDITION          STATUS  MESSAGE                                            LAST TRANSITION
ResourcesUpToDate  True    All applications have been generated successfully  <nil>"
  [ "$out" = "$expected" ] || fail "appset get:
$(cat -A <<<"$out")
expected:
$(cat -A <<<"$expected")"
  [ "$("$PLUMB" appset get argocd/guestbook -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["syncPolicy"]["applicationsSync"])')" = create-only ] ||
    fail "appset get -o json"
  expect_output "missing" 'applicationsets.argoproj.io "nope" not found' "$PLUMB" appset get nope
  expect_exit 20 "$PLUMB" appset get nope
}

# plumb app actions: Argo CD's resource actions on an app's resources, with the scripts of
# ../shared/argo-health (Argo CD's resource_customizations) and of argocd-cm.
scenario_actions() {
  local custom="${PLUMB_SHARED_DIR:-}/argo-health/resource_customizations"
  [ -d "$custom" ] || unavailable "no $custom (PLUMB_SHARED_DIR)"
  setup
  kubectl create namespace web >/dev/null || fail "create namespace web"
  kubectl -n web apply -f - >/dev/null <<'YAML' || fail "apply workloads"
apiVersion: apps/v1
kind: Deployment
metadata: {name: guestbook-ui}
spec:
  replicas: 1
  selector: {matchLabels: {app: guestbook-ui}}
  template:
    metadata: {labels: {app: guestbook-ui}}
    spec: {containers: [{name: ui, image: gcr.io/heptio-images/ks-guestbook-demo:0.2}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: busybox}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: job, image: busybox, command: [date]}]
YAML
  create_app guestbook
  # The resources as Argo's controller lists them (a Service that is gone is left out).
  kubectl -n argocd patch application guestbook --type=merge -p '{"status": {"resources": [
    {"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "web", "name": "guestbook-ui"},
    {"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "web", "name": "api"},
    {"group": "batch", "version": "v1", "kind": "CronJob", "namespace": "web", "name": "nightly"},
    {"version": "v1", "kind": "Service", "namespace": "web", "name": "gone"}]}}' >/dev/null ||
    fail "patch status"
  local out
  out=$("$PLUMB" app actions list guestbook --customizations "$custom" 2>&1) || fail "actions list: $out"
  for row in "GROUP        KIND         NAME          ACTION            DISABLED" \
    "apps         Deployment   guestbook-ui  pause             false" \
    "apps         Deployment   guestbook-ui  restart           false" \
    "apps         Deployment   guestbook-ui  resume            true" \
    "apps         Deployment   guestbook-ui  scale             false" \
    "batch        CronJob      nightly       create-job        false" \
    "argoproj.io  Application  guestbook     toggle-auto-sync  false"; do
    grep -qxF -- "$row" <<<"$out" || fail "actions list: no '$row' in:
$out"
  done
  [ "$("$PLUMB" app actions list guestbook --kind CronJob --customizations "$custom" -o json |
    python3 -c 'import json,sys; print(json.load(sys.stdin))')" = \
    "[{'Group': 'batch', 'Kind': 'CronJob', 'Name': 'nightly', 'Action': 'create-job', 'Disabled': False}, {'Group': 'batch', 'Kind': 'CronJob', 'Name': 'nightly', 'Action': 'suspend', 'Disabled': False}]" ] ||
    fail "actions list -o json: $("$PLUMB" app actions list guestbook --kind CronJob --customizations "$custom" -o json)"

  # restart: the pod template gets kubectl's restartedAt, and the Deployment rolls out again;
  # two Deployments match: --all for both.
  local generation
  generation=$(kubectl -n web get deployment guestbook-ui -o jsonpath='{.metadata.generation}')
  expect_output "several" "multiple resources match inputs, use the --all flag to patch multiple resources" \
    "$PLUMB" app actions run guestbook restart --kind Deployment --customizations "$custom"
  expect_exit 0 "$PLUMB" app actions run guestbook restart --kind Deployment --all \
    --customizations "$custom"
  for d in guestbook-ui api; do
    kubectl -n web get deployment "$d" \
      -o jsonpath='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}' |
      grep -qP '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$' ||
      fail "restart: no restartedAt: $(kubectl -n web get deployment "$d" -o yaml)"
  done
  [ "$(kubectl -n web get deployment guestbook-ui -o jsonpath='{.metadata.generation}')" -gt "$generation" ] ||
    fail "restart: the spec did not change"
  # scale takes its parameter; a bad one is the script's error, as Argo's API server says it.
  expect_exit 0 "$PLUMB" app actions run guestbook scale --kind Deployment --resource-name guestbook-ui \
    --param replicas=3 --customizations "$custom"
  [ "$(kubectl -n web get deployment guestbook-ui -o jsonpath='{.spec.replicas}')" = 3 ] ||
    fail "scale: replicas $(kubectl -n web get deployment guestbook-ui -o jsonpath='{.spec.replicas}')"
  expect_output "bad param" "FATA[0000] error executing Lua resource action: invalid number: many" \
    "$PLUMB" app actions run guestbook scale --kind Deployment --resource-name api \
    --param replicas=many --customizations "$custom"
  expect_exit 20 "$PLUMB" app actions run guestbook scale --kind Deployment --resource-name api \
    --param replicas=many --customizations "$custom"
  # create-job: a new-style action creating a Job owned by the CronJob.
  expect_exit 0 "$PLUMB" app actions run guestbook create-job --kind CronJob --customizations "$custom"
  [ "$(kubectl -n web get jobs -o jsonpath='{.items[*].metadata.ownerReferences[0].name}')" = nightly ] ||
    fail "create-job: $(kubectl -n web get jobs -o yaml)"
  kubectl -n web get jobs -o jsonpath='{.items[0].metadata.name}' | grep -qP '^nightly-\d{10}$' ||
    fail "create-job name: $(kubectl -n web get jobs -o jsonpath='{.items[0].metadata.name}')"
  # A change to status goes through the status subresource where the kind has one (a normal
  # patch would drop it), in one patch where it has none, as Argo patches it.
  crd() {  # crd KIND PLURAL [SUBRESOURCES]
    cat <<YAML
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: $2.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: $2, kind: $1}
  versions:
  - name: v1
    served: true
    storage: true
    ${3:-}
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
YAML
  }
  { crd Gadget gadgets 'subresources: {status: {}}'; crd Gizmo gizmos; } |
    kubectl apply -f - >/dev/null || fail "CRDs"
  kubectl wait --for condition=established crd/gadgets.example.com crd/gizmos.example.com \
    >/dev/null || fail "CRDs not established"
  kubectl -n web apply -f - >/dev/null <<'YAML' || fail "apply gadget, gizmo"
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
spec: {on: false}
---
apiVersion: example.com/v1
kind: Gizmo
metadata: {name: z}
spec: {on: false}
YAML
  kubectl -n argocd patch application guestbook --type=json -p '[
    {"op": "add", "path": "/status/resources/-", "value": {"group": "example.com", "version": "v1", "kind": "Gadget", "namespace": "web", "name": "g"}},
    {"op": "add", "path": "/status/resources/-", "value": {"group": "example.com", "version": "v1", "kind": "Gizmo", "namespace": "web", "name": "z"}}]' \
    >/dev/null || fail "list gadget, gizmo"
  mkdir -p "$WORK/custom/example.com/Gadget/actions/switch-on" \
    "$WORK/custom/example.com/Gizmo/actions/switch-on"
  for kind in Gadget Gizmo; do
    echo 'return {["switch-on"] = {}}' >"$WORK/custom/example.com/$kind/actions/discovery.lua"
    printf 'obj.spec.on = true\nobj.status = {phase = "On"}\nreturn obj\n' \
      >"$WORK/custom/example.com/$kind/actions/switch-on/action.lua"
  done
  expect_exit 0 "$PLUMB" app actions run guestbook switch-on --kind Gadget --customizations "$WORK/custom"
  expect_exit 0 "$PLUMB" app actions run guestbook switch-on --kind Gizmo --customizations "$WORK/custom"
  for object in gadget/g gizmo/z; do
    [ "$(kubectl -n web get "$object" -o jsonpath='{.spec.on} {.status.phase}')" = "true On" ] ||
      fail "switch-on $object: $(kubectl -n web get "$object" -o yaml)"
  done
  # The application itself is a resource: toggle-auto-sync.
  expect_exit 0 "$PLUMB" app actions run guestbook toggle-auto-sync --kind Application \
    --customizations "$custom"
  [ -n "$(app_field guestbook '{.spec.syncPolicy.automated}')" ] ||
    fail "toggle-auto-sync: $(app_field guestbook '{.spec}')"

  # argocd-cm: an action of its own, merged with the directory's.
  kubectl -n argocd apply -f - >/dev/null <<'YAML' || fail "argocd-cm"
apiVersion: v1
kind: ConfigMap
metadata: {name: argocd-cm}
data:
  resource.customizations.actions.apps_Deployment: |
    mergeBuiltinActions: true
    discovery.lua: |
      return {["set-tier"] = {params = {{name = "tier"}}}}
    definitions:
    - name: set-tier
      action.lua: |
        obj.metadata.labels = obj.metadata.labels or {}
        obj.metadata.labels.tier = actionParams.tier
        return obj
YAML
  out=$("$PLUMB" app actions list guestbook --kind Deployment --customizations "$custom" 2>&1)
  grep -qF "set-tier" <<<"$out" && grep -qF "restart" <<<"$out" ||
    fail "argocd-cm actions not merged: $out"
  expect_exit 0 "$PLUMB" app actions run guestbook set-tier --kind Deployment \
    --resource-name guestbook-ui --param tier=front
  [ "$(kubectl -n web get deployment guestbook-ui -o jsonpath='{.metadata.labels.tier}')" = front ] ||
    fail "set-tier: $(kubectl -n web get deployment guestbook-ui -o jsonpath='{.metadata.labels}')"

  # What is refused, as argocd refuses it.
  expect_output "unknown action" "action 'nope' is not defined for apps/Deployment" \
    "$PLUMB" app actions run guestbook nope --kind Deployment --resource-name api \
    --customizations "$custom"
  expect_output "not the app's" "no matching resource found" \
    "$PLUMB" app actions run guestbook restart --kind Deployment --resource-name other
  expect_exit 20 "$PLUMB" app actions run guestbook restart --kind Deployment --resource-name other
  expect_output "bad param" "--param tier: expected NAME=VALUE" \
    "$PLUMB" app actions run guestbook set-tier --kind Deployment --param tier
  expect_exit 2 "$PLUMB" app actions run guestbook restart
  expect_exit 2 "$PLUMB" app actions run guestbook --kind Deployment
  expect_output "missing app" "application 'nope' not found" \
    "$PLUMB" app actions list nope
}

run_scenario

#!/usr/bin/env bash
# End-to-end tests of the sync journal: `plumb controller --journal` (and `plumb up`) on a
# fresh `plumb cluster` and a real git repository; what they did is read back with
# `plumb history`, and the journal's files are searched for what must not be there.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool git
require_tool curl
require_tool python3

use_git_repo
JOURNAL=$WORK/journal.db
SECRET_VALUE=s3cr3t-value-XYZ
SECRET_B64=$(printf %s "$SECRET_VALUE" | base64)

make_repo() {
  git init -q -b main "$REPO"
  demo_files namespace settings
  commit "apps: namespace and settings"
}

flux_objects() { git_kustomization repo 1m; }

ks_field() { kubectl -n flux-system get kustomization "$1" -o jsonpath="$2"; }
applied_is() { [ "$(ks_field apps '{.status.lastAppliedRevision}')" = "main@sha1:$1" ]; }
ready_reason_is() { [ "$(ks_field apps '{.status.conditions[?(@.type=="Ready")].reason}')" = "$1" ]; }
history() { "$PLUMB" history ks apps --journal "$JOURNAL" "$@"; }
S='[[:space:]]+'  # between the table's columns (padded with spaces, then a tab, as flux's)
# history_has PATTERN: a row of the table matches the extended regular expression.
history_has() { history 2>&1 | grep -Eq -- "$1"; }
# The id of the newest row matching PATTERN.
row_id() { history | grep -E -- "$1" | head -1 | awk '{print $1}'; }
# The id of the newest drift repair of the ConfigMap.
cm_drift_id() {
  local id
  for id in $(history | grep -E -- "${S}drift${S}" | awk '{print $1}'); do
    history --show "$id" | grep -q "^Trigger: *drift (ConfigMap/demo/settings" && echo "$id" && return
  done
}

start_controller() {
  "$PLUMB" controller --cache-dir "$WORK/cache" --webhook-port 0 --journal "$JOURNAL" \
    >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  CONTROLLER_PID=$!
  wait_for "the controller installs the Flux CRDs" 10 kubectl get crd kustomizations.kustomize.toolkit.fluxcd.io
  wait_for "the webhook receiver" 10 grep -q "webhook receiver on" "$WORK/controller.log"
  HOOK=$(grep -o "http://127.0.0.1:[0-9]*" "$WORK/controller.log" | head -1)/hook
}
fetch_now() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$HOOK/flux-system/repo")" = 202 ] ||
    fail "webhook"
}

# The secret's value, plain or base64, in none of the files under $1 (the journal's
# database, WAL and shared memory) and in none of the outputs given as files.
expect_no_secret() {
  local f
  for f in "$@"; do
    grep -aqF -- "$SECRET_VALUE" "$f" && fail "the Secret's value is in $f"
    grep -aqF -- "$SECRET_B64" "$f" && fail "the Secret's base64 value is in $f"
  done
  return 0
}

scenario_history_of_commits_a_failure_and_a_drift_repair() {
  start
  make_repo >/dev/null
  start_controller
  flux_objects | kubectl apply -f - >/dev/null || fail "kubectl apply of the Flux objects"
  local first second third broken
  first=$(git -C "$REPO" rev-parse HEAD)
  wait_for "the first commit is applied" 30 applied_is "$first"

  # Commit 2: one object configured.
  sed -i 's/blue/green/' "$REPO/apps/config.yaml"
  second=$(commit "settings: green")
  fetch_now
  wait_for "the second commit is applied" 30 applied_is "$second"

  # Commit 3: a Secret.
  write apps/secret.yaml <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: demo
stringData:
  password: $SECRET_VALUE
YAML
  third=$(commit "creds")
  fetch_now
  wait_for "the third commit is applied" 30 applied_is "$third"
  [ "$(kubectl -n demo get secret creds -o jsonpath='{.data.password}')" = "$SECRET_B64" ] ||
    fail "the Secret was not applied"

  # Commit 4: an object the API server refuses (a ConfigMap key with a space).
  write apps/bad.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: bad
  namespace: demo
data:
  "not a key": x
YAML
  broken=$(commit "bad key")
  fetch_now
  wait_for "the broken commit fails" 30 ready_reason_is ReconciliationFailed

  # A drift repair: the ConfigMap edited outside Git is restored.
  kubectl -n demo patch cm settings --type merge -p '{"data":{"color":"red"}}' >/dev/null ||
    fail "kubectl patch"
  wait_for "the drift is repaired" 10 eval \
    '[ "$(kubectl -n demo get cm settings -o jsonpath={.data.color})" = green ]'
  local deadline=$((SECONDS + 10))
  until history_has "${S}drift${S}ReconciliationSucceeded${S}1 configured"; do
    [ $SECONDS -lt $deadline ] || fail "the drift repair is not in the journal: $(history 2>&1)"
    sleep 0.1
  done

  local table
  table=$(history) || fail "plumb history: $table"
  echo "$table"
  head -1 <<<"$table" | grep -Eq "^ID${S}TIME${S}REVISION${S}TRIGGER${S}RESULT${S}CHANGES" ||
    fail "table header: $table"
  # The first sync: "created" (the controller met the Kustomization) or "source" (when the
  # reconcile that met it waited for the first fetch).
  grep -Eq "main@sha1:$first${S}[a-z]+${S}ReconciliationSucceeded${S}2 created" <<<"$table" ||
    fail "no row for the first commit (created, 2 created)"
  grep -Eq "main@sha1:$second${S}source${S}ReconciliationSucceeded${S}1 configured" <<<"$table" ||
    fail "no row for the second commit (source, 1 configured)"
  grep -Eq "main@sha1:$third${S}source${S}ReconciliationSucceeded${S}1 created" <<<"$table" ||
    fail "no row for the Secret's commit"
  grep -Eq "main@sha1:$broken${S}source${S}ReconciliationFailed${S}.*1 failed" <<<"$table" ||
    fail "no row for the refused commit"
  # Newest first: the drift repair is above the second commit's row.
  [ "$(cm_drift_id)" -gt "$(row_id "main@sha1:$second${S}source")" ] || fail "not newest first"

  # --show: the header and the diff of the configured ConfigMap.
  local shown
  shown=$(history --show "$(row_id "main@sha1:$second${S}source")") || fail "plumb history --show: $shown"
  grep -q "^Commit: *settings: green" <<<"$shown" || fail "--show has no commit message: $shown"
  grep -q "^Author: *t <t@example.com>" <<<"$shown" || fail "--show has no author: $shown"
  grep -q "^ConfigMap/demo/settings configured" <<<"$shown" || fail "--show: $shown"
  grep -q "^-  color: blue" <<<"$shown" || fail "--show has no '-' line: $shown"
  grep -q "^+  color: green" <<<"$shown" || fail "--show has no '+' line: $shown"
  # The drift repair's diff: from what was found to what was restored.
  shown=$(history --show "$(cm_drift_id)")
  grep -q "^Trigger: *drift (ConfigMap/demo/settings changed outside Git)" <<<"$shown" ||
    fail "drift --show: $shown"
  grep -q "^-  color: red" <<<"$shown" || fail "the drift diff: $shown"
  # The refused commit: its error.
  shown=$(history --show "$(row_id "main@sha1:$broken${S}source")")
  grep -q "^Error: .*not a key" <<<"$shown" || fail "refused --show: $shown"
  # The Secret's entry: created, values masked.
  local secret_out
  secret_out=$(history --show "$(row_id "main@sha1:$third${S}source")")
  grep -q "^Secret/demo/creds created" <<<"$secret_out" || fail "secret --show: $secret_out"
  grep -q "password: '\*\*\*'" <<<"$secret_out" || fail "the Secret's value is not masked: $secret_out"

  # -o json parses, and holds the entries.
  history -o json >"$WORK/history.json" || fail "plumb history -o json"
  python3 - "$WORK/history.json" "$second" <<'PY' || fail "JSON: $(cat "$WORK/history.json")"
import json, sys
entries = json.load(open(sys.argv[1]))
assert any(e["revision"] == "main@sha1:" + sys.argv[2] and e["trigger"] == "source"
           and e["objects"][0]["ref"] == "ConfigMap/demo/settings" for e in entries), entries
assert all(e["kind"] == "Kustomization" and e["name"] == "apps" for e in entries)
PY
  history --show "$(row_id "main@sha1:$third${S}source")" -o json >"$WORK/show.json" || fail "--show -o json"
  python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); assert e["objects"][0]["diff"]' \
    "$WORK/show.json" || fail "--show -o json: $(cat "$WORK/show.json")"

  # Nothing shows the Secret's value: not the outputs, not the journal's files.
  echo "$table" >"$WORK/table.txt"
  echo "$secret_out" >"$WORK/secret_show.txt"
  for id in $(history | awk 'NR > 1 {print $1}'); do history --show "$id"; done >"$WORK/all_shown.txt"
  expect_no_secret "$WORK/table.txt" "$WORK/secret_show.txt" "$WORK/all_shown.txt" \
    "$WORK/history.json" "$WORK/show.json" "$JOURNAL"*
  ls "$JOURNAL"* >/dev/null || fail "no journal files"

  # Suspend and resume are entries too.
  kubectl -n flux-system patch kustomization apps --type merge -p '{"spec":{"suspend":true}}' \
    >/dev/null || fail "suspend"
  wait_for "the suspend is in the journal" 10 history_has "${S}suspend${S}Suspended"
  kubectl -n flux-system patch kustomization apps --type merge -p '{"spec":{"suspend":false}}' \
    >/dev/null || fail "resume"
  wait_for "the resume is in the journal" 10 history_has "${S}resume${S}"

  # A rollback to the second commit's entry (by its ID): the Secret's commit is undone (the
  # Secret pruned), the Kustomization pinned, and the journal says who rolled back.
  local second_id fixed
  second_id=$(row_id "main@sha1:$second${S}source")
  USER=carol expect_output "plumb rollback --to ID" "pinned to main@sha1:$second" \
    "$PLUMB" rollback ks apps --to "$second_id" --journal "$JOURNAL"
  applied_is "$second" || fail "lastAppliedRevision is not the second commit after the rollback"
  expect_exit 1 kubectl -n demo get secret creds
  [ "$(kubectl -n demo get cm settings -o jsonpath='{.data.color}')" = green ] || fail "settings"
  [ "$(ks_field apps '{.status.conditions[?(@.type=="Pinned")].reason}')" = RolledBack ] ||
    fail "no Pinned condition after the rollback"
  wait_for "the rollback is in the journal" 10 \
    history_has "main@sha1:$second${S}rollback${S}ReconciliationSucceeded${S}1 deleted"
  shown=$(history --show "$(row_id "${S}rollback${S}")")
  grep -q "^Actor: *carol" <<<"$shown" || fail "the rollback's actor: $shown"
  grep -q "^Secret/demo/creds deleted" <<<"$shown" || fail "the rollback's changes: $shown"
  # A new commit (the refused object removed) moves on: the pin is cleared.
  git -C "$REPO" rm -q apps/bad.yaml
  fixed=$(commit "drop the bad key")
  fetch_now
  wait_for "the new commit applies past the pin" 30 applied_is "$fixed"
  kubectl -n demo get secret creds >/dev/null || fail "the Secret is not back"
  [ -z "$(ks_field apps '{.status.conditions[?(@.type=="Pinned")].status}')" ] ||
    fail "still pinned after a new commit"
  # The Secret, applied with stringData, never drifted (its data holds those values).
  for id in $(history | grep -E -- "${S}drift${S}" | awk '{print $1}'); do
    ! history --show "$id" | grep -q "^Trigger: *drift (Secret/demo/creds" ||
      fail "the Secret applied with stringData was repaired as drift: $(history --show "$id")"
  done
  history >"$WORK/table_after.txt"
  expect_no_secret "$WORK/table_after.txt" "$JOURNAL"*

  # An unknown id, and another object's id, are refused.
  expect_exit 1 history --show 99999
  expect_output "another object's entry" "has no entry" "$PLUMB" history ks other \
    --journal "$JOURNAL" --show "$(cm_drift_id)"
}

scenario_history_without_a_journal_names_the_path() {
  expect_output "a missing journal" "no journal at $WORK/none.db" \
    "$PLUMB" history ks apps --journal "$WORK/none.db"
  expect_exit 1 "$PLUMB" history ks apps --journal "$WORK/none.db"
  expect_output "the default path" "no journal at $WORK/data/journal.db" \
    "$PLUMB" history ks apps --data-dir "$WORK/data"
  expect_exit 2 "$PLUMB" history nothing apps
  echo "not a database, only text long enough to be read as one" >"$WORK/text.db"
  expect_output "not a journal" "journal" "$PLUMB" history ks apps --journal "$WORK/text.db"
  expect_exit 1 "$PLUMB" history ks apps --journal "$WORK/text.db"
}

# plumb up keeps its journal in DATA_DIR/journal.db, and plumb history finds it there.
scenario_up_keeps_a_journal_in_its_data_dir() {
  make_repo >/dev/null
  "$PLUMB" up --repo "$REPO" --path ./apps --data-dir "$WORK/data" --port 0 --no-kubeconfig \
    >"$WORK/controller.log" 2>&1 &
  PID=$!
  wait_for "plumb up writes its kubeconfig" 30 test -s "$WORK/data/kubeconfig"
  export KUBECONFIG=$WORK/data/kubeconfig
  wait_for "the repository is applied" 60 eval \
    '[ "$(kubectl -n demo get cm settings -o jsonpath={.data.color})" = blue ]'
  wait_for "the journal has the first sync" 20 eval \
    '"$PLUMB" history ks flux-system --data-dir "$WORK/data" | grep -q "created"'
  sed -i 's/blue/green/' "$REPO/apps/config.yaml"
  commit "green" >/dev/null  # the post-commit hook calls the webhook
  wait_for "the commit is in the journal" 30 eval \
    '"$PLUMB" history ks flux-system --data-dir "$WORK/data" | grep -q "1 configured"'
}

# kill -9 of `plumb up` in the middle of quick commits loses no reconcile it reported: every
# ConfigMap an event says was created (each commit adds one) is in the journal after a restart,
# also when the journal could not write for a while before the kill.
scenario_kill9_loses_no_reported_reconcile() {
  make_repo >/dev/null
  local data=$WORK/data
  start_up() {
    "$PLUMB" up --repo "$REPO" --path ./apps --data-dir "$data" --port 0 --no-kubeconfig \
      >>"$WORK/controller.log" 2>&1 &
    PID=$!
    wait_for "plumb up's webhook" 60 test -s "$data/webhook-port"
  }
  start_up
  export KUBECONFIG=$data/kubeconfig
  wait_for "the repository is applied" 60 eval \
    '[ "$(kubectl -n demo get cm settings -o jsonpath={.data.color})" = blue ]'
  local i
  for i in $(seq 1 100); do
    if [ "$i" = 41 ]; then
      # Another process holds the journal's write lock for 4 s: the commits 41-50 are
      # reconciled meanwhile, their entries wait in plumb up's memory — and are lost with it.
      # Their events must wait too.
      python3 - "$data/journal.db" "$WORK/held" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").write("held")
time.sleep(4)
db.execute("ROLLBACK")
PY
      EXTRA_PIDS+=($!)
      wait_for "the journal's lock is held" 30 test -s "$WORK/held"
    fi
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-%s\n  namespace: demo\n' "$i" \
      >"$REPO/apps/c-$i.yaml"
    commit "c-$i" >/dev/null  # the post-commit hook calls the webhook
    if [ "$i" = 50 ]; then
      wait_for "commit 50 is applied" 20 kubectl -n demo get cm c-50
      kill -9 "$PID"
      wait "$PID" 2>/dev/null
      rm -f "$data/webhook-port"
      PID=""
      wait "${EXTRA_PIDS[-1]}"
    fi
  done
  start_up
  wait_for "the last commit is applied" 90 kubectl -n demo get cm c-100
  # Every object an event reports created is in a journal entry.
  kubectl -n flux-system get events -o jsonpath='{range .items[*]}{.reason}{" "}{.message}{"\n"}{end}' \
    >"$WORK/events.txt" || fail "kubectl get events"
  grep -o 'ConfigMap/demo/c-[0-9]* created' "$WORK/events.txt" | sort -u >"$WORK/reported.txt"
  "$PLUMB" history ks flux-system --data-dir "$data" -o json --limit 100000 >"$WORK/history.json" ||
    fail "plumb history"
  python3 - "$WORK/history.json" "$WORK/reported.txt" <<'PY' || fail "events without journal entries"
import json, sys
journal = {o["ref"] for e in json.load(open(sys.argv[1])) for o in e["objects"]
           if o["action"] == "created"}
reported = [l.split()[0] for l in open(sys.argv[2]) if l.strip()]
missing = [r for r in reported if r not in journal]
print(f"{len(reported)} reported created, {len(journal)} created in the journal")
# Before the kill each commit is its own reconcile and event; after the restart one reconcile
# catches up (its event's message is capped at 1 KiB, so not every name is in it).
assert len(reported) >= 40, "expected an event for most commits' ConfigMaps"
assert not missing, f"reported but not in the journal: {missing}"
PY
}

run_scenario

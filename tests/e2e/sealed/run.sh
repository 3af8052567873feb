#!/usr/bin/env bash
# End-to-end tests of SealedSecrets in the cluster (issue 21): the real `plumb controller`
# against a fresh `plumb cluster`, Secrets sealed with `plumb seal` (the cluster's certificate,
# `--fetch-cert`) and committed to a real git repository or applied with kubectl; results read
# back with kubectl (the Secret's data, the SealedSecret's status, events).
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool git
require_tool openssl

use_git_repo
PLAINTEXT="pl41ntext-$RANDOM-$RANDOM"  # the value every scenario seals; must never leak

# start_controller [flags...]: `plumb controller` in the background, log in controller.log;
# returns once it has a sealing key.
start_controller() {
  "$PLUMB" controller --cache-dir "$WORK/cache" --journal "$WORK/journal.db" "$@" \
    >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  wait_for "the SealedSecret CRD" 20 kubectl get crd sealedsecrets.bitnami.com
  wait_for "a sealing key" 20 grep -q "sealing key plumb-system/.* \(generated\|registered\)" "$WORK/controller.log"
}

key_secrets() {
  kubectl -n plumb-system get secrets -l sealedsecrets.bitnami.com/sealed-secrets-key=active \
    -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}'
}
key_count() { key_secrets | grep -c .; }

# secret_yaml NAME NAMESPACE [VALUE]: a Secret as `kubectl create secret` writes it.
secret_yaml() {
  kubectl create secret generic "$1" -n "$2" --from-literal=password="${3:-$PLAINTEXT}" \
    --dry-run=client -o yaml
}

# seal NAME NAMESPACE [plumb seal flags...]: the SealedSecret of secret_yaml NAME NAMESPACE.
seal() {
  local name=$1 ns=$2
  shift 2
  secret_yaml "$name" "$ns" | "$PLUMB" seal -o yaml "$@" || fail "plumb seal $name"
}

secret_value() {
  kubectl -n "$2" get secret "$1" -o jsonpath='{.data.password}' 2>/dev/null | base64 -d
}
secret_is() { [ "$(secret_value "$1" "$2")" = "${3:-$PLAINTEXT}" ]; }
ss_field() { kubectl -n "$2" get sealedsecret "$1" -o jsonpath="$3"; }
ss_synced() { [ "$(ss_field "$1" "$2" '{.status.conditions[?(@.type=="Synced")].status}')" = "$3" ]; }
# event_exists NAMESPACE OBJECT REASON [MESSAGE-PART]: an Event about OBJECT says so.
event_exists() {
  kubectl -n "$1" get events \
    -o jsonpath='{range .items[*]}{.involvedObject.kind}/{.involvedObject.name} {.reason} {.message}{"\n"}{end}' |
    grep -F -- "SealedSecret/$2 $3 ${4:-}" >/dev/null
}

# no_leak: the plaintext is in no log line, event, SealedSecret status or journal file.
no_leak() {
  ! grep -qF "$PLAINTEXT" "$WORK/controller.log" || fail "the plaintext is in the controller log"
  ! kubectl get events -A -o yaml | grep -qF "$PLAINTEXT" || fail "the plaintext is in an event"
  ! kubectl get sealedsecrets -A -o yaml | grep -qF "$PLAINTEXT" || fail "the plaintext is in a SealedSecret"
  local f
  for f in "$WORK"/journal.db* "$WORK"/up/journal.db*; do
    [ -f "$f" ] || continue
    ! grep -aqF "$PLAINTEXT" "$f" || fail "the plaintext is in the journal file $f"
    ! grep -aqF "$(printf %s "$PLAINTEXT" | base64)" "$f" || fail "the base64 plaintext is in $f"
  done
}

namespaces() {
  local ns
  for ns in "$@"; do kubectl create namespace "$ns" >/dev/null || fail "namespace $ns"; done
}

# start_with_db: a cluster and a controller (2048-bit keys), namespace demo, and the
# SealedSecret demo/db sealed with the cluster's certificate in $WORK/db.yaml, applied.
start_with_db() {
  start
  start_controller --sealed-key-size 2048
  namespaces demo
  seal db demo >"$WORK/db.yaml"
  kubectl apply -f "$WORK/db.yaml" >/dev/null || fail "kubectl apply"
}

# A Secret sealed with the cluster's certificate (plumb seal --fetch-cert), committed, reaches
# the cluster through a Kustomization as the Secret it was.
scenario_git_sealed_secret_reaches_the_cluster() {
  start
  start_controller
  [ "$(key_count)" = 1 ] || fail "one key expected on first start: $(key_secrets)"
  "$PLUMB" seal --fetch-cert >"$WORK/cert.pem" || fail "plumb seal --fetch-cert"
  grep -q "BEGIN CERTIFICATE" "$WORK/cert.pem" || fail "not a certificate: $(cat "$WORK/cert.pem")"
  git init -q -b main "$REPO"
  printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n' | write apps/namespace.yaml
  secret_yaml db demo >"$WORK/secret.yaml"
  "$PLUMB" seal --cert "$WORK/cert.pem" -f "$WORK/secret.yaml" -w "$REPO/apps/db-sealed.yaml" ||
    fail "plumb seal -f -w"
  ! grep -qF "$PLAINTEXT" "$REPO/apps/db-sealed.yaml" || fail "the plaintext is in the sealed file"
  commit "sealed db" >/dev/null
  git_kustomization podinfo 1m | kubectl apply -f - >/dev/null || fail "kubectl apply of the Flux objects"
  wait_for "the Secret unsealed from git" 30 secret_is db demo
  [ "$(kubectl -n demo get secret db -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}')" = SealedSecret/db ] ||
    fail "the Secret is not owned by its SealedSecret"
  wait_for "Synced True" 5 ss_synced db demo True
  [ "$(ss_field db demo '{.status.observedGeneration}')" = "$(ss_field db demo '{.metadata.generation}')" ] ||
    fail "observedGeneration"
  wait_for "an Unsealed event" 5 event_exists demo db Unsealed "SealedSecret unsealed successfully"
  grep -q "SealedSecret/demo/db: unsealed (Secret created)" "$WORK/controller.log" || fail "no log line"
  # A second commit changing the value updates the Secret.
  secret_yaml db demo "$PLAINTEXT-2" | "$PLUMB" seal --cert "$WORK/cert.pem" -o yaml \
    >"$REPO/apps/db-sealed.yaml" || fail "plumb seal again"
  commit "new value" >/dev/null
  kubectl -n flux-system annotate gitrepository podinfo --overwrite \
    "reconcile.fluxcd.io/requestedAt=$(date +%s%N)" >/dev/null || fail "annotate"
  wait_for "the new value" 30 secret_is db demo "$PLAINTEXT-2"
  # A deleted Secret is unsealed again.
  kubectl -n demo delete secret db >/dev/null || fail "kubectl delete secret"
  wait_for "the deleted Secret made again" 10 secret_is db demo "$PLAINTEXT-2"
  no_leak
}

# kubectl apply: unsealed within a second; an unowned Secret is not overwritten, a managed
# one is adopted.
scenario_kubectl_apply_and_adoption() {
  start
  start_controller --sealed-key-size 2048
  namespaces demo
  seal db demo >"$WORK/db.yaml"
  # Timed by watches of the namespace's SealedSecrets and Secrets (lines stamped as they
  # arrive): from the SealedSecret's creation to its Secret's, kubectl's own time left out.
  kubectl -n demo create secret generic marker >/dev/null || fail "marker"
  local kind
  for kind in secrets sealedsecrets; do
    KIND=$kind bash -c 'kubectl -n demo get "$KIND" -w -o name | while read -r l; do echo "$(date +%s%3N) $l"; done' \
      >"$WORK/watch-$kind.log" 2>&1 &
    EXTRA_PIDS+=($!)
  done
  wait_for "the Secrets watch" 10 grep -q "secret/marker" "$WORK/watch-secrets.log"
  sleep 1  # the SealedSecrets watch lists nothing: give it the time to start
  kubectl apply -f "$WORK/db.yaml" >/dev/null || fail "kubectl apply"
  local created unsealed
  wait_for "the unsealed Secret" 10 grep -q "secret/db" "$WORK/watch-secrets.log"
  wait_for "the SealedSecret seen" 10 grep -q "sealedsecret.*/db" "$WORK/watch-sealedsecrets.log"
  created=$(grep -m1 "/db" "$WORK/watch-sealedsecrets.log" | cut -d' ' -f1)
  unsealed=$(grep -m1 "secret/db" "$WORK/watch-secrets.log" | cut -d' ' -f1)
  echo "a kubectl-applied SealedSecret unsealed: $((unsealed - created)) ms"
  [ $((unsealed - created)) -le 1000 ] || fail "unsealed $((unsealed - created)) ms after it was created"
  secret_is db demo || fail "the unsealed value"
  # Someone else's Secret of that name.
  kubectl -n demo create secret generic other --from-literal=password=theirs >/dev/null || fail "create"
  seal other demo >"$WORK/other.yaml"
  kubectl apply -f "$WORK/other.yaml" >/dev/null || fail "apply other"
  wait_for "Synced False for an unowned Secret" 10 ss_synced other demo False
  [ "$(ss_field other demo '{.status.conditions[0].message}')" = \
    'failed update: Resource "other" already exists and is not managed by SealedSecret' ] ||
    fail "status message: $(ss_field other demo '{.status.conditions[0].message}')"
  wait_for "an ErrUpdateFailed event" 5 event_exists demo other ErrUpdateFailed \
    'Resource "other" already exists and is not managed by SealedSecret'
  secret_is other demo theirs || fail "the unowned Secret was overwritten"
  # Annotated managed: adopted at the next change of the SealedSecret.
  kubectl -n demo annotate secret other sealedsecrets.bitnami.com/managed=true >/dev/null || fail "annotate"
  kubectl delete -f "$WORK/other.yaml" >/dev/null && kubectl apply -f "$WORK/other.yaml" >/dev/null ||
    fail "apply other again"
  wait_for "the managed Secret adopted" 10 secret_is other demo
  wait_for "Synced True" 5 ss_synced other demo True
  no_leak
}

# Each scope bound as it says: strict to name and namespace, namespace-wide to the namespace,
# cluster-wide to nothing. A SealedSecret out of its scope: Synced False, no Secret.
scenario_scopes_are_enforced() {
  start
  start_controller --sealed-key-size 2048
  namespaces demo elsewhere
  seal db demo >"$WORK/strict.yaml"
  # Renamed (metadata and template).
  sed 's/name: db$/name: renamed/' "$WORK/strict.yaml" | kubectl apply -f - >/dev/null || fail "apply renamed"
  wait_for "a renamed strict SealedSecret fails" 10 ss_synced renamed demo False
  wait_for "an ErrUnsealFailed event" 5 event_exists demo renamed ErrUnsealFailed "Failed to unseal"
  expect_exit 1 kubectl -n demo get secret renamed
  # Moved to another namespace.
  sed 's/namespace: demo$/namespace: elsewhere/' "$WORK/strict.yaml" | kubectl apply -f - >/dev/null ||
    fail "apply moved"
  wait_for "a moved strict SealedSecret fails" 10 ss_synced db elsewhere False
  expect_exit 1 kubectl -n elsewhere get secret db
  # namespace-wide: renamed works, moved does not.
  seal db demo --scope namespace-wide >"$WORK/nswide.yaml"
  sed 's/name: db$/name: nswide/' "$WORK/nswide.yaml" | kubectl apply -f - >/dev/null || fail "apply nswide"
  wait_for "a renamed namespace-wide SealedSecret unseals" 10 secret_is nswide demo
  sed 's/name: db$/name: nsmoved/; s/namespace: demo$/namespace: elsewhere/' "$WORK/nswide.yaml" |
    kubectl apply -f - >/dev/null || fail "apply nsmoved"
  wait_for "a moved namespace-wide SealedSecret fails" 10 ss_synced nsmoved elsewhere False
  expect_exit 1 kubectl -n elsewhere get secret nsmoved
  # cluster-wide: moved works.
  seal db demo --scope cluster-wide >"$WORK/cwide.yaml"
  sed 's/name: db$/name: cwide/; s/namespace: demo$/namespace: elsewhere/' "$WORK/cwide.yaml" |
    kubectl apply -f - >/dev/null || fail "apply cwide"
  wait_for "a moved cluster-wide SealedSecret unseals" 10 secret_is cwide elsewhere
  # The original strict one, where it was sealed for, unseals.
  kubectl apply -f "$WORK/strict.yaml" >/dev/null || fail "apply strict"
  wait_for "the strict SealedSecret in place unseals" 10 secret_is db demo
  no_leak
}

# Renewal (period 2s here): new keys join, old SealedSecrets keep unsealing, new seals use the
# newest key.
scenario_key_renewal() {
  start
  start_controller --sealed-key-renew-period 2s --sealed-key-size 2048
  namespaces demo
  "$PLUMB" seal --fetch-cert >"$WORK/first.pem" || fail "fetch first cert"
  seal old demo --cert "$WORK/first.pem" >"$WORK/old.yaml"
  kubectl apply -f "$WORK/old.yaml" >/dev/null || fail "apply old"
  wait_for "the old SealedSecret unseals" 10 secret_is old demo
  wait_for "a renewed key" 20 eval '[ "$(key_count)" -ge 3 ]'
  grep -q "generated (renewal)" "$WORK/controller.log" || fail "no renewal in the log"
  "$PLUMB" seal --fetch-cert >"$WORK/newest.pem" || fail "fetch newest cert"
  cmp -s "$WORK/first.pem" "$WORK/newest.pem" && fail "the certificate did not change"
  seal new demo >"$WORK/new.yaml"  # the cluster's (newest) certificate
  kubectl apply -f "$WORK/new.yaml" >/dev/null || fail "apply new"
  wait_for "the new SealedSecret unseals" 10 secret_is new demo
  # The new one opens with the newest keys only: not with the first.
  [ "$(openssl x509 -in "$WORK/first.pem" -noout -fingerprint)" != \
    "$(openssl x509 -in "$WORK/newest.pem" -noout -fingerprint)" ] || fail "same key"
  # The old one still unseals after the renewals (its Secret made again).
  kubectl -n demo delete secret old >/dev/null || fail "delete old"
  wait_for "the old SealedSecret unsealed again" 10 secret_is old demo
  no_leak
}

# A key Secret as the sealed-secrets controller writes it (PKCS#1 key, self-signed
# certificate, type kubernetes.io/tls, labelled active), there before the start: used as it
# is, no key generated.
scenario_sealed_secrets_key_is_used_as_is() {
  start
  openssl genrsa -traditional -out "$WORK/tls.key" 2048 2>/dev/null || fail "openssl genrsa"
  openssl req -x509 -new -key "$WORK/tls.key" -out "$WORK/tls.crt" -days 3650 \
    -subj "/O=sealed-secret" 2>/dev/null || fail "openssl req"
  namespaces plumb-system demo
  kubectl -n plumb-system create secret tls sealed-secrets-keyq7x2p --cert "$WORK/tls.crt" \
    --key "$WORK/tls.key" >/dev/null || fail "create key secret"
  kubectl -n plumb-system label secret sealed-secrets-keyq7x2p \
    sealedsecrets.bitnami.com/sealed-secrets-key=active >/dev/null || fail "label"
  start_controller
  grep -q "sealing key plumb-system/sealed-secrets-keyq7x2p registered" "$WORK/controller.log" ||
    fail "the key was not registered"
  grep -q "generated" "$WORK/controller.log" && fail "a key was generated although there was one"
  [ "$(key_count)" = 1 ] || fail "keys: $(key_secrets)"
  seal db demo --cert "$WORK/tls.crt" >"$WORK/db.yaml"
  kubectl apply -f "$WORK/db.yaml" >/dev/null || fail "apply"
  wait_for "sealed with the sealed-secrets key, unsealed" 10 secret_is db demo
  no_leak
}

# Tampered data and a wrong key: Synced False saying why, a Warning event naming the object,
# the Secret unsealed before left as it was.
scenario_tampered_and_wrong_key() {
  start_with_db
  wait_for "unsealed" 10 secret_is db demo
  # Tampered: one character of the sealed value changed.
  local value tampered
  value=$(ss_field db demo '{.spec.encryptedData.password}')
  tampered=$(python3 -c 'import sys; v=sys.argv[1]; i=len(v)//2; print(v[:i]+("A" if v[i]!="A" else "B")+v[i+1:])' "$value")
  kubectl -n demo patch sealedsecret db --type merge \
    -p "{\"spec\":{\"encryptedData\":{\"password\":\"$tampered\"}}}" >/dev/null || fail "patch"
  wait_for "tampered: Synced False" 10 ss_synced db demo False
  wait_for "tampered: a Warning event" 5 event_exists demo db ErrUnsealFailed "Failed to unseal"
  [ -n "$(ss_field db demo '{.status.conditions[0].message}')" ] || fail "no status message"
  grep -q "SealedSecret/demo/db: ErrUnsealFailed" "$WORK/controller.log" || fail "no log line"
  secret_is db demo || fail "the Secret changed after a tampered value"
  [ "$(ss_field db demo '{.status.observedGeneration}')" = "$(ss_field db demo '{.metadata.generation}')" ] ||
    fail "observedGeneration"
  # Back to the good value, then sealed under a key the cluster does not hold.
  kubectl apply -f "$WORK/db.yaml" >/dev/null || fail "apply good"
  wait_for "Synced True again" 10 ss_synced db demo True
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/foreign.key" -out "$WORK/foreign.crt" \
    -days 30 -subj "/O=sealed-secret" 2>/dev/null || fail "openssl"
  secret_yaml db demo "$PLAINTEXT-foreign" | "$PLUMB" seal -o yaml --cert "$WORK/foreign.crt" \
    >"$WORK/foreign.yaml" || fail "seal foreign"
  kubectl apply -f "$WORK/foreign.yaml" >/dev/null || fail "apply foreign"
  wait_for "wrong key: Synced False" 10 ss_synced db demo False
  secret_is db demo || fail "the Secret changed after a wrong key"
  # An unknown scope annotation value (on the object and its template).
  kubectl apply -f "$WORK/db.yaml" >/dev/null || fail "apply good again"
  wait_for "Synced True once more" 10 ss_synced db demo True
  kubectl -n demo patch sealedsecret db --type merge -p '{"metadata":{"annotations":{"sealedsecrets.bitnami.com/cluster-wide":"maybe"}},"spec":{"template":{"metadata":{"annotations":{"sealedsecrets.bitnami.com/cluster-wide":"maybe"}}}}}' \
    >/dev/null || fail "patch scope"
  wait_for "unknown scope: Synced False" 10 ss_synced db demo False
  ss_field db demo '{.status.conditions[0].message}' | grep -q "sealedsecrets.bitnami.com/cluster-wide" ||
    fail "the message does not name the annotation: $(ss_field db demo '{.status.conditions[0].message}')"
  secret_is db demo || fail "the Secret changed after an unknown scope"
  no_leak
  ! grep -qF "$PLAINTEXT-foreign" "$WORK/controller.log" || fail "the foreign plaintext leaked"
}

# `plumb up` runs the SealedSecret controller too: a Secret sealed with the cluster's
# certificate and committed to the repository it made is applied (post-commit webhook) and
# unsealed.
scenario_up_unseals_a_committed_sealed_secret() {
  "$PLUMB" up --data-dir "$WORK/up" --port 0 >"$WORK/controller.log" 2>&1 &
  PID=$!
  export KUBECONFIG=$WORK/up/kubeconfig
  wait_for "plumb up prints what to try" 30 grep -q "^Try:" "$WORK/controller.log"
  wait_for "a sealing key" 30 grep -q "sealing key plumb-system/.* generated" "$WORK/controller.log"
  wait_for "the staging namespace" 30 kubectl get namespace staging
  seal db staging >"$WORK/up/repo/clusters/local/db-sealed.yaml"
  git -C "$WORK/up/repo" add -A && git -C "$WORK/up/repo" -c user.name=t -c user.email=t@example.com \
    commit -qm "sealed db" || fail "commit"
  wait_for "the committed SealedSecret unsealed" 30 secret_is db staging
  no_leak
}

run_scenario

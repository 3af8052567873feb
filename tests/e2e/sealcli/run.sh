#!/usr/bin/env bash
# `plumb seal` against a fresh `plumb cluster` holding a key Secret in the sealed-secrets
# controller's format (made by openssl and kubectl, not by Plumb): --fetch-cert prints its
# certificate, sealing without --cert uses it, --validate tells what the cluster's keys open
# from what they do not, --re-encrypt seals again with the cluster's key (label e2e).
#   run.sh PLUMB
PLUMB=$(realpath "$1")
SCENARIO=sealcli
source "$(dirname "$0")/../lib.sh"
require_tool openssl python3
start
cd "$WORK" || exit 1
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=cluster -days 2 -keyout tls.key \
  -out tls.crt 2>/dev/null || fail "openssl"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=other -days 2 -keyout other.key \
  -out other.crt 2>/dev/null || fail "openssl"
kubectl create namespace plumb-system >/dev/null || fail "create namespace"
kubectl -n plumb-system create secret tls sealed-secrets-keyabcde --cert=tls.crt --key=tls.key \
  >/dev/null || fail "create key Secret"
kubectl -n plumb-system label secret sealed-secrets-keyabcde \
  sealedsecrets.bitnami.com/sealed-secrets-key=active >/dev/null || fail "label key Secret"

"$PLUMB" seal --fetch-cert > fetched.crt || fail "--fetch-cert"
cmp -s fetched.crt tls.crt || fail "--fetch-cert printed another certificate"

printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: apps}\nstringData: {password: pw-777}\n' \
  > secret.yaml
"$PLUMB" seal -f secret.yaml > sealed.json || fail "seal with the cluster's certificate"
"$PLUMB" seal --recovery-unseal --recovery-private-key tls.key -f sealed.json > unsealed.json ||
  fail "the cluster's key does not open what plumb seal sealed with the fetched certificate"
grep -q "$(printf pw-777 | base64)" unsealed.json || fail "unsealed value differs"

"$PLUMB" seal --validate -f sealed.json || fail "--validate refused a valid SealedSecret"
"$PLUMB" seal --cert other.crt -f secret.yaml > foreign.json || fail "seal with --cert"
out=$("$PLUMB" seal --validate -f foreign.json 2>&1) && fail "--validate accepted a foreign SealedSecret"
[[ "$out" == *"unable to decrypt sealed secret: db"* ]] || fail "--validate said: $out"

"$PLUMB" seal --re-encrypt -f sealed.json -w resealed.json || fail "--re-encrypt"
cmp -s sealed.json resealed.json && fail "--re-encrypt wrote the same bytes"
"$PLUMB" seal --recovery-unseal --recovery-private-key tls.key -f resealed.json > reunsealed.json ||
  fail "the re-encrypted SealedSecret does not open"
grep -q "$(printf pw-777 | base64)" reunsealed.json || fail "re-encrypted value differs"

kubectl -n plumb-system get secret sealed-secrets-keyabcde -o yaml > key-secret.yaml
"$PLUMB" seal --recovery-unseal --recovery-private-key key-secret.yaml -f sealed.json > /dev/null ||
  fail "--recovery-private-key with a key Secret backup"
echo "ok [$SCENARIO]"

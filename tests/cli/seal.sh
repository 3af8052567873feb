#!/usr/bin/env bash
# `plumb seal` offline with --cert (a certificate made by openssl, not by Plumb): kubeseal's
# output shape (JSON by default, `---` + YAML with -o yaml or a .yaml -w file), --raw,
# --scope, --merge-into, and that what it writes unseals to the Secret it read
# (--recovery-unseal with the private key). Errors exit 1 with `error: ...` and never print a
# value.
# Usage: seal.sh PLUMB
set -uo pipefail
plumb=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../support/require.sh
. "$here/../support/require.sh"
require_tool openssl python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export KUBECONFIG=$work/no-kubeconfig  # offline: nothing may reach a cluster
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=sealed -days 2 \
  -keyout key.pem -out cert.pem 2>/dev/null || exit 1
failures=0
passed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
bad() { echo "FAIL: $1"; failures=$((failures + 1)); }
check() {  # check NAME COMMAND...: passes when the command succeeds
  local name=$1
  shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}

cat > secret.yaml <<'X'
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: prod
  labels: {app: db}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"stringData":{"password":"hunter2-XYZ"}}'
type: Opaque
data:
  username: YWRtaW4=
stringData:
  password: hunter2-XYZ
X

# JSON by default, in kubeseal's field order, values replaced for the comparison.
"$plumb" seal --cert cert.pem -f secret.yaml > sealed.json || bad "seal exits 0"
shape=$(python3 - sealed.json <<'X'
import json, sys
text = open(sys.argv[1]).read()
doc = json.loads(text)
for k in doc["spec"]["encryptedData"]:
    doc["spec"]["encryptedData"][k] = "V"
print(json.dumps(doc, indent=2))
print("ENDS-WITH-NEWLINE" if text.endswith("}\n") else "NO-NEWLINE")
X
)
want=$(cat <<'X'
{
  "kind": "SealedSecret",
  "apiVersion": "bitnami.com/v1alpha1",
  "metadata": {
    "name": "db",
    "namespace": "prod",
    "creationTimestamp": null
  },
  "spec": {
    "template": {
      "metadata": {
        "name": "db",
        "namespace": "prod",
        "creationTimestamp": null,
        "labels": {
          "app": "db"
        }
      },
      "type": "Opaque"
    },
    "encryptedData": {
      "password": "V",
      "username": "V"
    }
  }
}
ENDS-WITH-NEWLINE
X
)
if [[ "$shape" == "$want" ]]; then ok "JSON shape"; else bad "JSON shape: $shape"; fi
check "JSON is indented by two spaces" grep -q '^  "kind": "SealedSecret",$' sealed.json
check "no plaintext in the output" bash -c '! grep -q -e hunter2 -e last-applied sealed.json'

# It unseals to the Secret it read (the private key as PEM and as a key Secret).
"$plumb" seal --recovery-unseal --recovery-private-key key.pem -f sealed.json -o json > unsealed.json ||
  bad "recovery-unseal exits 0"
check "unseals to the values" python3 - unsealed.json <<'X'
import base64, json, sys
s = json.load(open(sys.argv[1]))
d = {k: base64.b64decode(v).decode() for k, v in s["data"].items()}
assert d == {"username": "admin", "password": "hunter2-XYZ"}, d
assert s["metadata"]["name"] == "db" and s["metadata"]["namespace"] == "prod"
assert s["metadata"]["labels"] == {"app": "db"}
assert s["type"] == "Opaque"
assert s["metadata"]["ownerReferences"][0]["kind"] == "SealedSecret"
X

# YAML: -o yaml, and a -w file named .yaml.
"$plumb" seal --cert cert.pem -o yaml < secret.yaml > sealed.out || bad "seal -o yaml exits 0"
check "-o yaml starts with ---" bash -c '[ "$(head -2 sealed.out)" = "$(printf -- "---\napiVersion: bitnami.com/v1alpha1")" ]'
check "-o yaml has creationTimestamp: null" grep -q '^  creationTimestamp: null$' sealed.out
"$plumb" seal --cert cert.pem -f secret.yaml -w out.yaml || bad "seal -w exits 0"
check "-w out.yaml writes YAML" bash -c 'head -1 out.yaml | grep -q -- "^---$" && grep -q "^kind: SealedSecret$" out.yaml'
"$plumb" seal --recovery-unseal --recovery-private-key key.pem -f out.yaml -o yaml > unsealed.yaml
check "YAML unseals" grep -q "password: $(printf hunter2-XYZ | base64)" unsealed.yaml

# Scopes.
"$plumb" seal --cert cert.pem -f secret.yaml --scope namespace-wide > ns.json
check "namespace-wide annotation" python3 -c '
import json,sys; d=json.load(open("ns.json"))
assert d["metadata"]["annotations"] == {"sealedsecrets.bitnami.com/namespace-wide": "true"}
assert d["spec"]["template"]["metadata"]["annotations"]["sealedsecrets.bitnami.com/namespace-wide"] == "true"'
python3 -c '
import json; d=json.load(open("ns.json")); d["metadata"]["name"]="renamed"; json.dump(d, open("renamed.json","w"))'
check "namespace-wide unseals under another name" \
  bash -c "'$plumb' seal --recovery-unseal --recovery-private-key key.pem -f renamed.json > /dev/null"
python3 -c '
import json; d=json.load(open("sealed.json")); d["metadata"]["name"]="renamed"; json.dump(d, open("strict-renamed.json","w"))'
"$plumb" seal --recovery-unseal --recovery-private-key key.pem -f strict-renamed.json > /dev/null 2> strict.err
check "strict refuses another name" grep -q "SealedSecret prod/renamed: spec.encryptedData.password: no key could decrypt" strict.err
grep -v namespace: secret.yaml > no-ns.yaml
"$plumb" seal --cert cert.pem -f no-ns.yaml --scope cluster-wide > cw.json
check "cluster-wide: no namespace, annotation" python3 -c '
import json; d=json.load(open("cw.json"))
assert "namespace" not in d["metadata"], d["metadata"]
assert d["metadata"]["annotations"] == {"sealedsecrets.bitnami.com/cluster-wide": "true"}'
"$plumb" seal --cert cert.pem -f no-ns.yaml -n staging > defaulted.json
check "-n gives a namespace" python3 -c '
import json; d=json.load(open("defaulted.json")); assert d["metadata"]["namespace"] == "staging"'
"$plumb" seal --cert cert.pem -f no-ns.yaml > default-ns.json
check "no kubeconfig: namespace default" python3 -c '
import json; d=json.load(open("default-ns.json")); assert d["metadata"]["namespace"] == "default"'

# --raw: one value, base64, no newline, for the label of the scope.
printf 'raw-value-42' > value.txt
"$plumb" seal --cert cert.pem --raw --name db --namespace prod --from-file value.txt > raw.txt
check "--raw prints base64 without a newline" python3 -c '
import base64; t=open("raw.txt","rb").read(); assert not t.endswith(b"\n"); base64.b64decode(t, validate=True)'
python3 - <<'X'
raw = open("raw.txt").read()
open("raw-ss.yaml", "w").write(f"""apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {{name: db, namespace: prod}}
spec:
  encryptedData: {{token: {raw}}}
""")
X
"$plumb" seal --recovery-unseal --recovery-private-key key.pem -f raw-ss.yaml -o json > raw-unsealed.json
check "--raw value unseals" python3 -c '
import base64,json; d=json.load(open("raw-unsealed.json"))
assert base64.b64decode(d["data"]["token"]) == b"raw-value-42"'
printf 'stdin-value' | "$plumb" seal --cert cert.pem --raw --scope cluster-wide > raw-cw.txt
check "--raw from stdin, cluster-wide" test -s raw-cw.txt

# --merge-into: a new key into an existing file, in place; the old value stays as it was.
cp sealed.json merged.json
old=$(python3 -c 'import json; print(json.load(open("merged.json"))["spec"]["encryptedData"]["password"])')
printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: ignored}\nstringData: {api-key: k-123}\n' > more.yaml
"$plumb" seal --cert cert.pem -f more.yaml --merge-into merged.json > merge.out || bad "--merge-into exits 0"
check "--merge-into prints nothing" test ! -s merge.out
check "--merge-into keeps the old value and adds the new" python3 -c "
import json; d=json.load(open('merged.json'))
assert sorted(d['spec']['encryptedData']) == ['api-key', 'password', 'username']
assert d['spec']['encryptedData']['password'] == '$old'
assert d['metadata']['name'] == 'db'"
"$plumb" seal --recovery-unseal --recovery-private-key key.pem -f merged.json -o json > merged-unsealed.json
check "--merge-into result unseals" python3 -c '
import base64,json; d=json.load(open("merged-unsealed.json"))
assert base64.b64decode(d["data"]["api-key"]) == b"k-123"
assert base64.b64decode(d["data"]["password"]) == b"hunter2-XYZ"'

# Errors: exit 1, `error: ...`, no value in the message.
expect_error() {  # expect_error NAME WORDS COMMAND...
  local name=$1 words=$2
  shift 2
  "$@" > err.out 2> err.txt
  local code=$?
  if [ "$code" -eq 1 ] && grep -q -- "$words" err.txt && ! grep -q -e hunter2 -e k-123 err.txt; then
    ok "$name"
  else
    bad "$name (exit $code): $(cat err.txt)"
  fi
}
expect_error "no certificate and no cluster" "error: " "$plumb" seal -f secret.yaml
expect_error "missing --cert file" "--cert: cannot read" "$plumb" seal --cert nope.pem -f secret.yaml
expect_error "not a certificate" "no PEM certificate" "$plumb" seal --cert secret.yaml -f secret.yaml
expect_error "bad input" "no secrets found" bash -c "printf '' | '$plumb' seal --cert cert.pem"
expect_error "unparsable input" "error: " bash -c "printf 'a: [\n' | '$plumb' seal --cert cert.pem"
expect_error "empty data" "secret.data is empty" bash -c "printf 'kind: Secret\nmetadata: {name: a, namespace: b}\n' | '$plumb' seal --cert cert.pem"
expect_error "bad scope" "must be one of: strict, namespace-wide, cluster-wide" "$plumb" seal --cert cert.pem -f secret.yaml --scope global
expect_error "bad format" "unsupported output format: xml" "$plumb" seal --cert cert.pem -f secret.yaml -o xml
expect_error "--raw without --name" "must provide the --name flag" "$plumb" seal --cert cert.pem --raw --from-file value.txt
expect_error "--from-file without --raw" "--from-file requires --raw" "$plumb" seal --cert cert.pem --from-file value.txt
expect_error "namespace mismatch" "namespace mismatch" "$plumb" seal --cert cert.pem -f secret.yaml -n other
expect_error "bad base64 data" "data.username: not base64" bash -c "printf 'kind: Secret\nmetadata: {name: a, namespace: b}\ndata: {username: \"hunter2!!\"}\n' | '$plumb' seal --cert cert.pem"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=other -days 1 -keyout other.key -out other.pem 2>/dev/null
expect_error "wrong recovery key" "no key could decrypt" "$plumb" seal --recovery-unseal --recovery-private-key other.key -f sealed.json

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]

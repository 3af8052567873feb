#!/usr/bin/env bash
# An independent check of what `plumb sops encrypt` writes: npm's sops-age (installed by
# scripts/install-deps into .deps/sops-age, pinned in tools/sops-age) decrypts Plumb's YAML,
# JSON, dotenv and binary files (age), and what it gets equals the plaintext. Missing node or
# sops-age skips the test locally and fails it in CI (tests/support/require.sh).
#   sops_age_check.sh PLUMB SOURCE_DIR SHARED_DIR
set -u
plumb=$1
src=$2
shared=$3
. "$src/tests/support/require.sh"
require_tool node python3
index=$src/.deps/sops-age/node_modules/sops-age/dist/index.js
[ -f "$index" ] || unavailable "sops-age is not installed in .deps/sops-age (scripts/install-deps)"

key_file=$shared/sops-cases/keys/age/flux-kc-test.agekey
secret=$(grep AGE-SECRET "$key_file")
recipient=age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > plain.yaml <<'X'
apiVersion: v1
kind: Secret
metadata:
    name: db
stringData:
    password: "p@ss: w0rd <&>"
    port: 5432
    ratio: 0.25
    enabled: true
    list:
        - one
        - 2
    unicode: "häßlich ✓"
X
cat > plain.json <<'X'
{"user": "admin", "nested": {"token": "t0k3n", "n": -7, "f": 1.5, "ok": false}, "items": ["a", "b"]}
X
printf 'DB_HOST=db.local\nDB_PASSWORD=s3cr3t=x\nEMPTY=\nMULTI=line1\\nline2\n' > plain.env
printf 'raw bytes\nsecond line\n' > plain.bin

failures=0
passed=0
compare() {  # compare NAME PLAINTEXT_AS_JSON SOPS_AGE_JSON
  if python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1]) == json.loads(sys.argv[2]) else 1)' "$2" "$3"; then
    echo "ok: $1"; passed=$((passed + 1))
  else
    echo "FAIL: $1: sops-age gave $3"; failures=$((failures + 1))
  fi
}
run() {  # run NAME FILE TYPE: sops-age's JSON of FILE, or empty on failure
  node "$src/tests/sops/sops_age_check.mjs" "$index" "$2" "$3" "$secret" 2> "$1.err" || {
    echo "FAIL: $1: sops-age: $(cat "$1.err")"; failures=$((failures + 1)); return 1; }
}

"$plumb" sops encrypt --age "$recipient" plain.yaml > enc.yaml || exit 1
# The plaintext read by the YAML package sops-age itself depends on (not by Plumb).
want=$(node --input-type=module -e "
  const { parse } = await import('$src/.deps/sops-age/node_modules/yaml/dist/index.js');
  const { readFileSync } = await import('node:fs');
  process.stdout.write(JSON.stringify(parse(readFileSync('plain.yaml', 'utf8'))));")
got=$(run yaml enc.yaml yaml) && compare "YAML" "$want" "$got"

"$plumb" sops encrypt --age "$recipient" --encrypted-regex '^(token|user)$' plain.json > enc.json || exit 1
got=$(run json enc.json json) && compare "JSON with encrypted_regex" "$(cat plain.json)" "$got"

"$plumb" sops encrypt --age "$recipient" plain.env > enc.env || exit 1
want=$(python3 -c '
import json
d = {}
for line in open("plain.env").read().splitlines():
    k, v = line.split("=", 1)
    d[k] = v.replace("\\n", "\n")
print(json.dumps(d))')
got=$(run dotenv enc.env env) && compare "dotenv" "$want" "$got"

"$plumb" sops encrypt --age "$recipient" plain.bin > enc.bin || exit 1
want=$(python3 -c 'import json; print(json.dumps({"data": open("plain.bin").read()}))')
got=$(run binary enc.bin json) && compare "binary" "$want" "$got"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ] && [ "$passed" -eq 4 ]

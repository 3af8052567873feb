#!/usr/bin/env bash
# `plumb create secret ... --export` against `kubectl create secret ... --dry-run=client -o yaml`
# (the reference): the same Secret for literals, files, directories, env files, tls and
# docker-registry; kubectl's refusals as errors (exit 1) that never print a value.
# Usage: create_secret.sh PLUMB
set -uo pipefail
plumb=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../support/require.sh
. "$here/../support/require.sh"
require_tool kubectl openssl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
printf 'A=1\n# a comment\n  B=two words\nC="quoted"\n' > app.env
printf 'bin\000\377' > blob
mkdir dir && echo one > dir/one && echo two > dir/two && mkdir dir/sub
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=web -days 1 \
  -keyout tls.key -out tls.crt 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=other -days 1 \
  -keyout other.key -out other.crt 2>/dev/null
failures=0

while IFS= read -r args; do
  # shellcheck disable=SC2086
  want=$(kubectl create secret $args -n apps --dry-run=client -o yaml | grep -v creationTimestamp)
  # shellcheck disable=SC2086
  got=$("$plumb" create secret $args -n apps --export | grep -v '^---$')
  if [[ "$want" != "$got" ]]; then
    printf 'FAIL create secret %s\n--- kubectl\n%s\n--- plumb\n%s\n' "$args" "$want" "$got"
    failures=$((failures + 1))
  fi
done <<'ROWS'
generic db --from-literal=user=admin --from-literal=pass="s3cr=t" --from-file=blob --from-file=cfg=app.env
generic db --from-file=dir
generic db --from-env-file=app.env
generic db --from-literal=a=b --type=example.com/custom
tls web --cert=tls.crt --key=tls.key
docker-registry regcred --docker-server=ghcr.io --docker-username=bot --docker-password=hunter2 --docker-email=bot@example.com
ROWS

# Refusals: exit 1 as kubectl, and the value named in none of them.
while IFS='|' read -r args want; do
  # shellcheck disable=SC2086
  got=$("$plumb" create secret $args --export 2>&1 >/dev/null)
  status=$?
  if [[ $status != 1 || "$got" != "✗ $want" || "$got" == *topsecret* ]]; then
    printf 'FAIL create secret %s (exit %s)\n--- want\n✗ %s\n--- got\n%s\n' "$args" "$status" "$want" "$got"
    failures=$((failures + 1))
  fi
done <<'ROWS'
generic db --from-literal=A=topsecret --from-literal=A=topsecret2|cannot add key A, another key by that name already exists
generic db --from-env-file=app.env --from-literal=x=topsecret|from-env-file cannot be combined with from-file or from-literal
generic db --from-literal=bad/key=topsecret|"bad/key" is not a valid key name for a Secret: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')
generic db --from-literal=..x=topsecret|"..x" is not a valid key name for a Secret: must not start with '..'
generic db --from-literal==topsecret|--from-literal: expected KEY=VALUE, got a value without a key
generic db --from-file=k=dir|cannot give a key name for a directory path: dir
tls web --cert=tls.crt|tls needs --cert and --key
tls web --cert=app.env --key=tls.key|--cert app.env: not a PEM certificate
tls web --cert=tls.crt --key=other.key|--key other.key: not the private key of --cert tls.crt
ROWS
# Flags of another kind of secret are usage errors (exit 2).
"$plumb" create secret generic db --cert=tls.crt --export >/dev/null 2>&1
[[ $? == 2 ]] || { echo "FAIL --cert with generic is not a usage error"; failures=$((failures + 1)); }
[[ $failures == 0 ]] && echo "create secret: as kubectl"
exit $((failures > 0))

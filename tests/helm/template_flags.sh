#!/usr/bin/env bash
# `plumb template` flags against helm v4.1.4's behaviour: --output-dir/--release-name write the
# tree helm writes (testdata/output-dir, gen_output_dir.sh), -g names the release, and the flags
# plumb cannot honour fail with an error naming them; helm's own flag errors word for word.
# Usage: template_flags.sh PLUMB
set -uo pipefail
plumb=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # NAME WANT GOT
  if [[ "$2" != "$3" ]]; then
    printf 'FAIL %s\n--- want\n%s\n--- got\n%s\n' "$1" "$2" "$3"
    failures=$((failures + 1))
  fi
}

cp -r "$here/testdata/output-dir/chart" "$work/chart"
cd "$work"
got=$(for _ in 1 2; do
  "$plumb" template r chart --output-dir expected --include-crds --release-name --skip-tests
done)
check "--output-dir stdout" "$(cat "$here/testdata/output-dir/expected_stdout.txt")" "$got"
diff -r "$here/testdata/output-dir/expected" expected || { echo "FAIL --output-dir tree"; failures=$((failures + 1)); }


got=$("$plumb" template -g chart 2>&1 >/dev/null; "$plumb" template -g chart --show-only templates/a.yaml | head -2 | tail -1)
check "-g output" "# Source: od/templates/a.yaml" "$got"
check "-g with a name" "Error: cannot set --generate-name and also specify a name" \
  "$("$plumb" template -g r chart 2>&1)"

while IFS='|' read -r args want; do
  # shellcheck disable=SC2086
  got=$("$plumb" template $args r chart 2>&1 >/dev/null)
  check "$args" "$want" "$got"
done <<'ROWS'
--repo http://127.0.0.1:1|Error: --repo is not supported by plumb template: it renders local charts only (a directory or a .tgz)
--post-renderer x|Error: --post-renderer is not supported by plumb template: it runs no plugins
--verify|Error: unpacked charts cannot be verified
--enable-dns|Error: --enable-dns is not supported by plumb template: getHostByName never looks names up (it returns "")
--validate|Error: --validate is not supported by plumb template: it validates against a cluster
--dry-run=server|Error: --dry-run=server is not supported by plumb template: it validates against a cluster
--dry-run=bogus|Error: invalid dry-run value ("bogus"). Must be "none", "server", or "client"
--wait=bogus|Error: invalid argument "bogus" for "--wait" flag: invalid wait input "bogus". Valid inputs are watcher, hookOnly, and legacy
--labels bad|Error: invalid argument "bad" for "-l, --labels" flag: bad must be formatted as key=value
--no-such-flag|Error: unknown flag: --no-such-flag
--atomic|Flag --atomic has been deprecated, use --rollback-on-failure instead
--create-namespace --timeout 5m --wait --labels a=b --version 9.9.9 --kube-context x|
ROWS
[[ $failures == 0 ]] && echo "template flags: all as helm"
exit $((failures > 0))

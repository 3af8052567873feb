#!/bin/sh
# The committed schema table (src/merge/schema_table.cpp) must be what
# scripts/gen-schema-table.py makes from ../shared/k8s-schema/builtin-types.json: fails when
# the schema file changed and the table was not regenerated. Without python3 or ../shared
# skipped (77), under CI failed (tests/support/require.sh).
#   schema_table_current.sh SOURCE_DIR SHARED_DIR
src=$1
input=$2/k8s-schema/builtin-types.json
. "$src/tests/support/require.sh"
require_tool python3
[ -f "$input" ] || unavailable "$input not found (../shared beside the checkout)"
out=$(mktemp) || exit 1
python3 "$src/scripts/gen-schema-table.py" "$input" "$out" >/dev/null &&
  cmp "$out" "$src/src/merge/schema_table.cpp"
status=$?
rm -f "$out"
exit $status

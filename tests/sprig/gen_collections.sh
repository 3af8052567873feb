#!/usr/bin/env bash
# Regenerates testdata/collections_expected.txt from testdata/collections_cases.txt by
# running the real helm (v4.1.4) over a throwaway chart whose values are
# testdata/collections_values.yaml. Needs only the helm binary: HELM=/path/to/helm tests/sprig/gen_collections.sh
#
# A case is one line of template text. A case that does not start with "{{" is an
# expression, rendered as `# {{ printf "%q" (print (EXPR)) }}`; other cases are rendered as
# `# CASE`. Each case is its own template file; a case that fails is recorded with helm's
# error and taken out, and helm runs again over the rest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
helm=${HELM:-helm}
export TZ=UTC  # the date cases print Local times
cases=$here/testdata/collections_cases.txt
out=$here/testdata/collections_expected.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chart=$work/x
mkdir -p "$chart/templates"
printf 'apiVersion: v2\nname: x\nversion: 0.1.0\n' > "$chart/Chart.yaml"
cp "$here/testdata/collections_values.yaml" "$chart/values.yaml"

declare -a lines
mapfile -t lines < "$cases"
n=${#lines[@]}
for ((i = 0; i < n; i++)); do
  c=${lines[$i]}
  f=$(printf '%s/templates/t%04d.yaml' "$chart" "$i")
  if [[ $c == "{{"* ]]; then
    printf '# %s\n' "$c" > "$f"
  else
    printf '# {{ printf "%%q" (print (%s)) }}\n' "$c" > "$f"
  fi
done

declare -A errors
while true; do
  if "$helm" template x "$chart" > "$work/out" 2> "$work/err"; then break; fi
  msg=$(sed -e 's/^Error: //' "$work/err" | sed -n '1p')
  file=$(grep -o 'x/templates/t[0-9]*\.yaml' "$work/err" | head -1 || true)
  if [[ -z $file ]]; then echo "helm failed without naming a case: $msg" >&2; exit 1; fi
  idx=$((10#$(basename "$file" .yaml | tr -d t)))
  errors[$idx]=$msg
  rm "$chart/$file" 2>/dev/null || rm "$chart/templates/$(basename "$file")"
done

{
  for ((i = 0; i < n; i++)); do
    printf 'case: %s\n' "${lines[$i]}"
    if [[ -n ${errors[$i]+x} ]]; then
      printf 'fail: %s\n' "${errors[$i]}"
    else
      name=$(printf 'x/templates/t%04d.yaml' "$i")
      got=$(awk -v src="# Source: $name" '
        $0 == src { on = 1; next }
        on && /^---$/ { exit }
        on && /^# Source: / { exit }
        on { print }' "$work/out")
      printf 'want: %s\n' "$got"
    fi
  done
} > "$out"
echo "wrote $out ($n cases, ${#errors[@]} errors)"

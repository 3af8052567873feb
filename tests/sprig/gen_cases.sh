#!/usr/bin/env bash
# Regenerates testdata/NAME_expected.tsv from testdata/NAME_cases.txt with the real helm:
#   HELM=/path/to/helm tests/sprig/gen_cases.sh strings
# Each case line is a template text (lines starting with # are comments). The chart's
# values.yaml is testdata/values.yaml. A case's output is taken through
# `include | b64enc` (so any text survives helm's YAML parsing); a case that fails is
# rendered again on its own so the error is helm's own. Output lines:
#   TEMPLATE<TAB>ok<TAB>BASE64(output)
#   TEMPLATE<TAB>err<TAB>BASE64(helm's message without "Error: " and the --debug hint)
set -euo pipefail
name=${1:?usage: gen_cases.sh NAME}
HELM=${HELM:-helm}
here=$(cd "$(dirname "$0")" && pwd)
chart=$(mktemp -d)
trap 'rm -rf "$chart"' EXIT
mkdir -p "$chart/templates"
printf 'apiVersion: v2\nname: x\nversion: 0.1.0\n' >"$chart/Chart.yaml"
cp "$here/testdata/values.yaml" "$chart/values.yaml"
out="$here/testdata/${name}_expected.tsv"
: >"$out.tmp"
while IFS= read -r line; do
  [[ -z "$line" || "$line" == '#'* ]] && continue
  {
    printf '{{- define "case" -}}%s{{- end -}}\n' "$line"
    printf 'v: {{ include "case" . | b64enc | quote }}\n'
  } >"$chart/templates/t.yaml"
  if res=$("$HELM" template x "$chart" 2>&1); then
    b64=$(printf '%s\n' "$res" | sed -n 's/^v: "\(.*\)"$/\1/p')
    printf '%s\tok\t%s\n' "$line" "$b64" >>"$out.tmp"
  else
    printf '%s' "$line" >"$chart/templates/t.yaml"
    res=$("$HELM" template x "$chart" 2>&1 || true)
    msg=$(printf '%s\n' "$res" | sed '/^Use --debug flag/,$d' | sed -e '1s/^Error: //')
    msg=${msg%$'\n'}
    printf '%s\terr\t%s\n' "$line" "$(printf '%s' "$msg" | base64 -w0)" >>"$out.tmp"
  fi
done <"$here/testdata/${name}_cases.txt"
mv "$out.tmp" "$out"
echo "$(wc -l <"$out") cases in $out"

#!/usr/bin/env bash
# Regenerates values/CASE.json: for each case of ../shared/helm-cases named values-*, helm-*
# or helmtest-*, the .Values that the real helm (v4.1.4) computes for the case's arguments,
# printed by a template `{{ toJson .Values }}` added to a copy of the case's chart. Cases whose
# helm run fails (error cases) get no file. values_test.cpp computes the same with
# helm/values.hpp and compares.
# Usage: tests/helm/testdata/gen_values.sh [helm]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
helm=${1:-$here/../../../.deps/bin/helm}
corpus=$(cd "$here/../../../../shared/helm-cases" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KUBECONFIG=/nonexistent
rm -rf "$here/values" && mkdir -p "$here/values"
cd "$corpus"
for dir in cases/values-* cases/helm-* cases/helmtest-*; do
  name=$(basename "$dir")
  [ -f "$dir/expected.yaml" ] || continue
  args=$(cat "$dir/ARGS")
  chart=$(awk -F'\t' -v n="$name" '$1 == n {print $4}' MANIFEST.tsv)
  case "$chart" in *.tgz) continue ;; esac
  rm -rf "$work/chart" && cp -r "$chart" "$work/chart" && chmod -R u+w "$work/chart"
  mkdir -p "$work/chart/templates"
  printf '{{ toJson .Values }}\n' > "$work/chart/templates/zz-plumb-values.yaml"
  # The case's arguments with its chart replaced by the copy; --show-only our template.
  eval "set -- $args"
  out=()
  for a in "$@"; do [ "$a" = "$chart" ] && out+=("$work/chart") || out+=("$a"); done
  # --show-only of the case itself would hide our template.
  filtered=(); skip=0
  for a in "${out[@]}"; do
    if [ $skip = 1 ]; then skip=0; continue; fi
    case "$a" in --show-only|-s) skip=1; continue ;; --show-only=*) continue ;; esac
    filtered+=("$a")
  done
  if result=$("$helm" template "${filtered[@]}" --show-only templates/zz-plumb-values.yaml 2>/dev/null); then
    printf '%s\n' "$result" | grep -v -e '^---$' -e '^# Source:' > "$here/values/$name.json"
  fi
done
ls "$here/values" | wc -l

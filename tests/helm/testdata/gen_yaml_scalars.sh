#!/usr/bin/env bash
# Regenerates yaml_scalars.tsv: each line of yaml_scalars.in is a values.yaml, and the real
# helm (v4.1.4) prints `{{ toJson .Values }}` of it — the facts sigs_yaml_test checks.
# Usage: tests/helm/testdata/gen_yaml_scalars.sh [helm]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
helm=${1:-$here/../../../.deps/bin/helm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/v/templates"
printf 'apiVersion: v2\nname: v\nversion: 0.1.0\n' > "$work/v/Chart.yaml"
printf '{{ toJson .Values }}\n' > "$work/v/templates/out.yaml"
export KUBECONFIG=/nonexistent
while IFS= read -r line; do
  printf '%s\n' "$line" > "$work/v/values.yaml"
  printf '%s\t%s\n' "$line" "$("$helm" template r "$work/v" --kube-version 1.35.0 2>&1 | tail -1)"
done < "$here/yaml_scalars.in" > "$here/yaml_scalars.tsv"

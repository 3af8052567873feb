#!/usr/bin/env bash
# Regenerates what the real helm (v4.1.4) prints for each chart under charts/: `helm template r
# CHART` — stdout into expected.txt, or, when helm fails, its stderr into expected_error.txt.
# charts_test.cpp checks plumb against them.
# Usage: tests/helm/testdata/gen_charts.sh [helm]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
helm=${1:-$here/../../../.deps/bin/helm}
export KUBECONFIG=/nonexistent
cd "$here/charts"
for chart in */; do
  chart=${chart%/}
  rm -f "$chart/expected.txt" "$chart/expected_error.txt"
  if "$helm" template r "$chart" >"$chart/expected.txt" 2>"$chart/.stderr"; then
    rm "$chart/.stderr"
  else
    rm "$chart/expected.txt"
    mv "$chart/.stderr" "$chart/expected_error.txt"
  fi
done

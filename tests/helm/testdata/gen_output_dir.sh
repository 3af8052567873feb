#!/usr/bin/env bash
# Regenerates what the real helm (v4.1.4) writes for `helm template r chart --output-dir expected
# --include-crds --release-name` run twice (hooks are appended to files that exist) into
# output-dir/expected/ and its stdout into output-dir/expected_stdout.txt (template_flags.sh).
# Usage: tests/helm/testdata/gen_output_dir.sh [helm]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
helm=${1:-$here/../../../.deps/bin/helm}
export KUBECONFIG=/nonexistent
cd "$here/output-dir"
rm -rf expected
for _ in 1 2; do
  "$helm" template r chart --output-dir expected --include-crds --release-name --skip-tests
done > expected_stdout.txt

#!/bin/sh
# JSON and merge benchmark (see bench/README.md): JSON parse/write speed on the 1000-app
# `kubectl kustomize` output as one JSON list, and per-object patch costs.
#   bench/merge/run.sh [BUILD_DIR] [ROUNDS]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
rounds=${2:-7}
shared=${PLUMB_SHARED_DIR:-$root/../shared}
[ -d "$shared/bench" ] || shared=/work/shared
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --build "$build" --target merge_bench -j2 >/dev/null
gunzip -c "$shared/bench/kubectl-kustomize-apps-1000.yaml.gz" > "$work/stream.yaml"
"$build/bench/merge_bench" "$work/stream.yaml" "$rounds"

#!/bin/sh
# YAML benchmark (see bench/README.md): generates the 1000-app kustomize tree, then measures
# Plumb's YAML parse and emit speed, tree size and libyaml's event parser on the 7.7 MB
# `kubectl kustomize` output of that tree, and parse speed over the tree's own files.
#   bench/yaml/run.sh [BUILD_DIR] [ROUNDS]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
rounds=${2:-7}
shared=${PLUMB_SHARED_DIR:-$root/../shared}
[ -d "$shared/bench" ] || shared=/work/shared
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --build "$build" --target yaml_bench -j2 >/dev/null
python3 "$shared/bench/gen_kustomize_tree.py" --apps 1000 --out "$work/tree" >/dev/null
gunzip -c "$shared/bench/kubectl-kustomize-apps-1000.yaml.gz" > "$work/stream.yaml"
find "$work/tree" -name '*.yaml' | sort > "$work/files"
# shellcheck disable=SC2046
"$build/bench/yaml_bench" "$work/stream.yaml" "$rounds" $(cat "$work/files")

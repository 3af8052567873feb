#!/usr/bin/env bash
# Runs bench/cluster in memory and with a data directory. Usage: bench/cluster/run.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
"$build/bench/cluster_bench" --objects 10000 --clients 8 --watchers 20
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$build/bench/cluster_bench" --objects 10000 --clients 8 --watchers 20 --data-dir "$dir"

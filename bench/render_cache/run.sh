#!/usr/bin/env bash
# Commits a gen_kustomize_tree.py tree to git, then a change no app reads and a change to one
# app, and runs render_cache_bench on the three commits (see bench/README.md).
#
#   bench/render_cache/run.sh [BUILD_DIR] [APPS] [ROUNDS]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
apps="${2:-1000}"
rounds="${3:-3}"
bench="$build/bench/render_cache_bench"
gen="${PLUMB_SHARED_DIR:-$root/../shared}/bench/gen_kustomize_tree.py"
[ -x "$bench" ] || { echo "no $bench; build the render_cache_bench target" >&2; exit 2; }
[ -f "$gen" ] || { echo "no $gen" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
repo="$work/repo"
python3 "$gen" --apps "$apps" --out "$repo" > /dev/null
git -C "$repo" init -q -b main
git -C "$repo" -c user.email=b@example.com -c user.name=b add -A
commit() {
  git -C "$repo" -c user.email=b@example.com -c user.name=b commit -q -am "$1"
  git -C "$repo" rev-parse HEAD
}
git -C "$repo" -c user.email=b@example.com -c user.name=b commit -q -m base
base=$(git -C "$repo" rev-parse HEAD)
echo "# changed" >> "$repo/overlay/config/shared.properties"
unrelated=$(commit unrelated)
sed -i 's/replicas: .*/replicas: 7/' "$repo/base/apps/app-0000/deployment.yaml"
one_app=$(commit one-app)
"$bench" "$repo" "$base" "$unrelated" "$one_app" "$rounds"

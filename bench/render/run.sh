#!/usr/bin/env bash
# Renders gen_kustomize_tree.py trees with `plumb build` and `kubectl kustomize`.
#
#   bench/render/run.sh [BUILD_DIR] [SIZES...]
#
# N = 10 and 100: plumb and kubectl in the same run, outputs must be identical.
# N = 1000: plumb's output must equal ../shared/bench/kubectl-kustomize-apps-1000.yaml.gz
#           (kubectl needs ~15 minutes there; its time is the issue's figure, not re-measured).
# N = 5000, 10000: plumb alone.
# Times are wall-clock and CPU (user + sys) seconds, best of 3 for plumb; the ratio compares
# CPU seconds. Memory is peak RSS (/usr/bin/time -v). Exit status 1 when an output differs.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 100 1000 5000 10000)
plumb="$build/plumb"
shared="${PLUMB_SHARED_DIR:-$root/../shared}"
gen="$shared/bench/gen_kustomize_tree.py"
reference_1000="$shared/bench/kubectl-kustomize-apps-1000.yaml.gz"
[ -x "$plumb" ] || { echo "no $plumb; build first" >&2; exit 2; }
[ -f "$gen" ] || { echo "no $gen" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# measure OUT_FILE CMD... -> prints "wall_seconds max_rss_kb cpu_seconds" (cpu = user + sys,
# which a shared machine's load does not inflate the way it inflates wall time)
measure() {
  local out="$1"
  shift
  /usr/bin/time -v -o "$work/time.txt" "$@" > "$out" 2> "$work/stderr.txt" || {
    cat "$work/stderr.txt" >&2
    return 1
  }
  local wall rss user sys
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  user=$(awk -F': ' '/User time/ {print $2}' "$work/time.txt")
  sys=$(awk -F': ' '/System time/ {print $2}' "$work/time.txt")
  # wall is m:ss.cc or h:mm:ss
  python3 -c "
import sys
parts = [float(p) for p in sys.argv[1].split(':')]
s = 0.0
for p in parts: s = s * 60 + p
print(f'{s:.2f} {int(sys.argv[2])} {float(sys.argv[3]) + float(sys.argv[4]):.2f}')" \
    "$wall" "$rss" "$user" "$sys"
}

status=0
printf '%-7s %-8s %-8s %-10s %-9s %-10s %-11s %-11s %-8s %s\n' \
  N objects plumb_s plumb_cpu plumb_MB kubectl_s kubectl_cpu kubectl_MB ratio output
for n in "${sizes[@]}"; do
  tree="$work/tree-$n"
  python3 "$gen" --apps "$n" --out "$tree" > /dev/null 2>&1
  best=""
  best_rss=0
  best_cpu=""
  for _ in 1 2 3; do
    read -r s rss cpu < <(measure "$work/plumb.yaml" "$plumb" build "$tree/overlay")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $s < $best else 1)"; then
      best="$s"
      best_rss="$rss"
    fi
    if [ -z "$best_cpu" ] || python3 -c "import sys; sys.exit(0 if $cpu < $best_cpu else 1)"; then
      best_cpu="$cpu"
    fi
  done
  objects=$(grep -c '^kind: ' "$work/plumb.yaml" || true)
  k_s="-"
  k_cpu="-"
  k_mb="-"
  ratio="-"
  verdict="-"
  if [ "$n" -le 100 ]; then
    read -r k_s k_rss k_cpu < <(measure "$work/kubectl.yaml" kubectl kustomize "$tree/overlay")
    k_mb=$((k_rss / 1024))
    ratio=$(python3 -c "print(f'{$k_cpu / max($best_cpu, 0.01):.0f}x')")
    if cmp -s "$work/plumb.yaml" "$work/kubectl.yaml"; then verdict=identical; else verdict=DIFFERENT; status=1; fi
  elif [ "$n" -eq 1000 ] && [ -f "$reference_1000" ]; then
    if gunzip -c "$reference_1000" | cmp -s - "$work/plumb.yaml"; then
      verdict="identical to kubectl's"
    else
      verdict=DIFFERENT
      status=1
    fi
  fi
  printf '%-7s %-8s %-8s %-10s %-9s %-10s %-11s %-11s %-8s %s\n' \
    "$n" "$objects" "$best" "$best_cpu" "$((best_rss / 1024))" "$k_s" "$k_cpu" "$k_mb" "$ratio" \
    "$verdict"
  rm -rf "$tree"
done
exit $status

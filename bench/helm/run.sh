#!/bin/sh
# helm template benchmark (see bench/README.md, "helm"): the corpus' real-chart cases that
# helm renders (../shared/helm-cases, kind chart, expect output), each run as a process by the
# real helm and by `plumb template`, CPU time (user+sys of the children) and wall time of
# the best of ROUNDS rounds, the ratio helm/plumb; then `plumb template` in process
# (helm_bench: the same command function, no process start) against helm's figures.
#   bench/helm/run.sh [BUILD_DIR] [ROUNDS]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
rounds=${2:-3}
shared=${PLUMB_SHARED_DIR:-$root/../shared}
[ -d "$shared/helm-cases" ] || shared=/work/shared
corpus="$shared/helm-cases"
helm=$(command -v helm || true)
[ -n "$helm" ] || helm="$root/.deps/bin/helm"
[ -x "$helm" ] || { echo "helm not found (scripts/install-deps puts it in .deps/bin)"; exit 1; }
cmake --build "$build" --target plumb helm_bench -j2 >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$corpus" "$work/cases" <<'PY'
import shlex, sys
corpus, out = sys.argv[1], sys.argv[2]
with open(out, "w") as f:
    for line in open(f"{corpus}/MANIFEST.tsv").read().splitlines()[1:]:
        name, group, kind, chart, expect, size = line.split("\t")
        if kind == "chart" and expect == "output":
            args = shlex.split(open(f"{corpus}/cases/{name}/ARGS").read().strip())
            f.write("\t".join(args) + "\n")
PY
python3 - "$corpus" "$work/cases" "$rounds" "$helm" "$build/plumb" <<'PY' > "$work/process"
import os, resource, subprocess, sys, time
corpus, case_file, rounds, helm, plumb = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
cases = [l.split("\t") for l in open(case_file).read().splitlines()]
env = {k: v for k, v in os.environ.items() if not k.startswith("HELM_")}
env["KUBECONFIG"] = "/nonexistent"
def run(cmd):
    best = None
    for _ in range(rounds):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN); w0 = time.monotonic()
        for args in cases:
            subprocess.run(cmd + args, cwd=corpus, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        wall = time.monotonic() - w0
        best = (cpu, wall) if best is None or cpu < best[0] else best
    return best
h = run([helm, "template"]); p = run([plumb, "template"])
print(len(cases), h[0], h[1], p[0], p[1])
PY
read -r n hcpu hwall pcpu pwall < "$work/process"
read -r icpu iwall ifail <<EOF2
$("$build/bench/helm_bench" "$corpus" "$work/cases" "$rounds" 2>/dev/null)
EOF2
python3 - "$n" "$hcpu" "$hwall" "$pcpu" "$pwall" "$icpu" "$iwall" "$ifail" <<'PY'
import sys
n = int(sys.argv[1]); hc, hw, pc, pw, ic, iw = map(float, sys.argv[2:8]); fails = sys.argv[8]
print(f"{n} real-chart cases, best round (CPU time = user+sys; wall time depends on the machine's load)")
print(f"{'':34}{'CPU s':>9}{'wall s':>9}{'ms/case CPU':>13}{'helm/plumb CPU':>16}")
print(f"{'helm template (process per case)':34}{hc:9.2f}{hw:9.2f}{hc/n*1000:13.1f}{'':>16}")
print(f"{'plumb template (process per case)':34}{pc:9.2f}{pw:9.2f}{pc/n*1000:13.1f}{hc/pc:15.1f}x")
print(f"{'plumb template (in process)':34}{ic:9.2f}{iw:9.2f}{ic/n*1000:13.1f}{hc/ic:15.1f}x")
print(f"in-process failures (chart cases plumb cannot render yet): {fails}")
PY

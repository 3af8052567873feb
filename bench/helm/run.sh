#!/bin/sh
# helm template benchmark (see bench/README.md, "helm"): the corpus' real-chart cases that
# helm renders (../shared/helm-cases, kind chart, expect output), grouped by chart directory.
# Per chart, best of ROUNDS rounds: the real helm and `plumb template` each run as a process
# per case (CPU time = user+sys of the child, max RSS = the largest child's ru_maxrss), and
# `plumb template` in process (helm_bench over the chart's cases: thread CPU time, the
# process' max RSS); one line per chart, then the total. With BASELINE=DIR (a directory holding
# an earlier build's plumb and bench/helm_bench), that build is measured too, in the same loop,
# so that before and after see the same machine load.
#   [BASELINE=DIR] bench/helm/run.sh [BUILD_DIR] [ROUNDS]
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
helm=$(cd "$(dirname "$helm")" && pwd)/$(basename "$helm")  # the cases run from the corpus root
cmake --build "$build" --target plumb helm_bench -j2 >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
base=${BASELINE:+$(cd "$BASELINE" && pwd)}
python3 - "$corpus" "$work" "$rounds" "$helm" "$build/plumb" "$build/bench/helm_bench" "$base" <<'PY'
import os, shlex, subprocess, sys
corpus, work, rounds, helm, plumb, bench, base = sys.argv[1:8]
rounds = int(rounds)
charts = {}  # chart directory -> the argument lists of its cases, in MANIFEST order
for line in open(f"{corpus}/MANIFEST.tsv").read().splitlines()[1:]:
    name, group, kind, chart, expect, size = line.split("\t")
    if kind == "chart" and expect == "output":
        args = shlex.split(open(f"{corpus}/cases/{name}/ARGS").read().strip())
        charts.setdefault(os.path.basename(chart), []).append(args)
env = {k: v for k, v in os.environ.items() if not k.startswith("HELM_")}
env["KUBECONFIG"] = "/nonexistent"

def child(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd from the corpus root; (CPU seconds, max RSS KiB) of that child alone."""
    p = subprocess.Popen(cmd, cwd=corpus, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss

def per_process(prefix, cases):
    """Best round's CPU seconds over the cases, and the largest max RSS seen."""
    best, rss = None, 0
    for _ in range(rounds):
        cpu = 0.0
        for args in cases:
            c, r = child(prefix + args)
            cpu += c
            rss = max(rss, r)
        best = cpu if best is None else min(best, cpu)
    return best, rss

def in_process(chart, cases, bench=bench):
    """helm_bench over the cases: its best round's thread CPU seconds, failures, max RSS."""
    case_file = f"{work}/{chart}.cases"
    with open(case_file, "w") as f:
        for args in cases:
            f.write("\t".join(args) + "\n")
    out = f"{work}/{chart}.out"
    with open(out, "w") as f:
        _, rss = child([bench, corpus, case_file, str(rounds)], stdout=f)
    cpu, wall, fails = open(out).read().split()
    return float(cpu), int(fails), rss

mb = lambda kib: kib / 1024
print(f"{sum(map(len, charts.values()))} real-chart cases in {len(charts)} charts, best of {rounds} "
      "rounds; CPU = user+sys (ms per case), RSS = max resident (MB)")
print(f"{'chart':44}{'cases':>6}{'helm':>8}{'plumb':>8}{'in-proc':>9}{'helm/plumb':>11}"
      f"{'helm/in-proc':>13}{'RSS helm':>10}{'plumb':>7}{'in-proc':>8}")
total = [0, 0.0, 0.0, 0.0, 0, 0, 0, 0]
base_total = [0.0, 0.0]
for chart, cases in charts.items():
    n = len(cases)
    hc, hr = per_process([helm, "template"], cases)
    pc, pr = per_process([plumb, "template"], cases)
    ic, fails, ir = in_process(chart, cases)
    if base:
        bc, _ = per_process([f"{base}/plumb", "template"], cases)
        bi, _, _ = in_process(chart, cases, f"{base}/bench/helm_bench")
        base_total[0] += bc; base_total[1] += bi
    flag = f"  ({fails} failed in process)" if fails else ""
    if base:
        flag += f"  baseline {bc / n * 1000:.1f} / {bi / n * 1000:.2f} ({hc / bc:.1f}x)"
    print(f"{chart:44}{n:6}{hc / n * 1000:8.1f}{pc / n * 1000:8.1f}{ic / n * 1000:9.2f}"
          f"{hc / pc:10.1f}x{hc / ic:12.1f}x{mb(hr):10.0f}{mb(pr):7.0f}{mb(ir):8.0f}{flag}")
    sys.stdout.flush()
    t = total
    t[0] += n; t[1] += hc; t[2] += pc; t[3] += ic; t[4] += fails
    t[5], t[6], t[7] = max(t[5], hr), max(t[6], pr), max(t[7], ir)
n, hc, pc, ic, fails = total[:5]
print(f"{'total':44}{n:6}{hc / n * 1000:8.1f}{pc / n * 1000:8.1f}{ic / n * 1000:9.2f}"
      f"{hc / pc:10.1f}x{hc / ic:12.1f}x{mb(total[5]):10.0f}{mb(total[6]):7.0f}{mb(total[7]):8.0f}")
print(f"total CPU s: helm {hc:.2f}, plumb per process {pc:.2f}, plumb in process {ic:.2f}; "
      f"in-process failures (cases plumb cannot render yet): {fails}")
if base:
    bc, bi = base_total
    print(f"baseline {base}: plumb per process {bc / n * 1000:.1f} ms/case ({hc / bc:.1f}x helm), "
          f"in process {bi / n * 1000:.2f} ms/case ({hc / bi:.1f}x); this build per process "
          f"{pc / n * 1000:.1f} ms/case, {bc / pc:.2f}x faster than the baseline")
PY

#!/bin/sh
# SOPS decryption benchmark (see bench/README.md, "sops"): a generated YAML file of 1,000
# values (100 maps of 10 strings, ints, floats and booleans) encrypted with `plumb sops
# encrypt` to one age recipient, then decrypted N times, each run a process:
# `plumb sops decrypt` (MAC checked) and sops-age (npm, node; no MAC check), in the same
# run. Per-run CPU time = user+sys of the child; the best and the median of N; the ratio.
#   bench/sops/run.sh [BUILD_DIR] [N]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
runs=${2:-20}
shared=${PLUMB_SHARED_DIR:-$root/../shared}
[ -d "$shared/sops-cases" ] || shared=/work/shared
index=$root/.deps/sops-age/node_modules/sops-age/dist/index.js
[ -f "$index" ] || { echo "sops-age not found in .deps/sops-age (scripts/install-deps)"; exit 1; }
command -v node >/dev/null || { echo "node not found (scripts/install-deps)"; exit 1; }
cmake --build "$build" --target plumb -j2 >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
key_file=$shared/sops-cases/keys/age/flux-kc-test.agekey
recipient=age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29
python3 - "$work/plain.yaml" <<'PY'
import sys
out = []
for i in range(100):
    out.append(f"service{i:03d}:")
    for j in range(10):
        kind = j % 4
        value = (f"secret-value-{i}-{j}-" + "x" * 24, str(i * 1000 + j), f"{i}.{j}5", "true")[kind]
        out.append(f"    key{j}: {value}")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
"$build/plumb" sops encrypt --age "$recipient" "$work/plain.yaml" > "$work/enc.yaml"
values=$(grep "ENC\[AES256_GCM" "$work/enc.yaml" | grep -vc "^    mac: ")
SOPS_AGE_KEY_FILE=$key_file "$build/plumb" sops decrypt "$work/enc.yaml" | cmp -s - "$work/plain.yaml" ||
  { echo "plumb sops decrypt does not give the plaintext back"; exit 1; }
cat > "$work/decrypt.mjs" <<JS
import { readFileSync } from "node:fs";
const { decryptSops } = await import("file://$index");
const data = await decryptSops(readFileSync(process.argv[2], "utf8"),
                               { fileType: "yaml", secretKey: process.argv[3] });
if (Object.keys(data).length !== 100) process.exit(1);
JS
python3 - "$runs" "$values" "$build/plumb" "$work" "$key_file" "$(grep AGE-SECRET "$key_file")" <<'PY'
import os, statistics, subprocess, sys
runs, values, plumb, work, key_file, secret = sys.argv[1:7]
runs = int(runs)
enc = f"{work}/enc.yaml"
def child(cmd, env=None):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"{cmd[0]} failed: {p.stderr.read().decode()}")
    return (ru.ru_utime + ru.ru_stime) * 1000
env = dict(os.environ, SOPS_AGE_KEY_FILE=key_file)
commands = {
    "plumb sops decrypt": ([plumb, "sops", "decrypt", enc], env),
    "sops-age (node)": (["node", f"{work}/decrypt.mjs", enc, secret], None),
}
print(f"{values} encrypted values + MAC, {os.path.getsize(enc)} bytes; {runs} runs each, CPU ms per run (user+sys)")
results = {}
for name, (cmd, e) in commands.items():
    times = [child(cmd, e) for _ in range(runs)]
    results[name] = times
    print(f"  {name:20s} best {min(times):7.1f}  median {statistics.median(times):7.1f}")
p = statistics.median(results["plumb sops decrypt"])
n = statistics.median(results["sops-age (node)"])
print(f"  ratio (sops-age / plumb, medians): {n / p:.1f}x")
PY

#!/bin/bash
# The JIT experiment behind anneal.backend.JvmOptions.TRAP_LIMIT: N fresh JVMs of `PeerBench run --threads 1` (phase
# timers on) with C2's default trap limit and N with Anneal's, interleaved, each one's weight-gradient and forward
# GFLOP/s, step time and GC count (a boxed kernel allocates). Without the option, on the 2-core Zen 4 EPYC, 6 of 20
# JVMs compiled the 4 x 4 weight-gradient kernel with its stores as virtual calls and ran it at 32-35 GFLOP/s against
# 72-94 (0 of 20 with it; results/jit-check-2026-12-03-zen4.md).
#   tools/jit_check.sh [N] [OUT.md]     N fresh JVMs each way (default 8), about 7 s each; writes OUT.md if given
# Needs target/anneal.jar and Fashion-MNIST in /usr/share/datasets/fashion-mnist.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-8}
OUT=${2:-}
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "jit_check: N=$N is not allowed; allowed: a whole number >= 1" >&2; exit 2; }
JAR=target/anneal.jar
[ -f "$JAR" ] || { echo "jit_check: $JAR missing; build it with: mvn -o -q package -DskipTests" >&2; exit 2; }
OPTIONS=$(java -cp "$JAR" anneal.backend.JvmOptions)
# every option but the trap limit: the JVM C2 gets without it
DEFAULT=$(echo "$OPTIONS" | tr ' ' '\n' | grep -v -- '-XX:PerMethodTrapLimit=' | paste -sd' ')
WORK=target/jit-check
mkdir -p "$WORK"
: > "$WORK/runs.tsv"
run() { # $1 label, $2 options
  local json gcs
  json=$(java $2 -Danneal.cpu.phaseTimes=true -Xlog:gc:file="$WORK/gc.log" -cp "$JAR" anneal.peer.PeerBench run --threads 1 2>/dev/null)
  gcs=$(grep -c 'Pause' "$WORK/gc.log" || true)
  python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print("\t".join([sys.argv[2], "%.1f" % d["weight_gradient_gflops"], "%.1f" % d["forward_gflops"], "%.3f" % d["ms_per_step"], sys.argv[3]]))' "$json" "$1" "$gcs" \
    | tee -a "$WORK/runs.tsv" >&2
}
echo "jit_check: $N JVMs each way, interleaved; columns: options, weight gradient GFLOP/s, forward GFLOP/s, ms/step, GCs" >&2
for i in $(seq "$N"); do
  run "default trap limit" "$DEFAULT"
  run "JvmOptions.ALL" "$OPTIONS"
done
python3 - "$WORK/runs.tsv" "$N" "$OPTIONS" > "$WORK/report.md" <<'PY'
import statistics, subprocess, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[1]
print(f"# JIT check: C2's trap limit and the CPU kernels\n")
print(f"`tools/jit_check.sh {sys.argv[2]}` at {commit}; {cpu}, {java}; `PeerBench run --threads 1` with phase timers, "
      f"one fresh JVM per row, the two kinds interleaved. Anneal's options: `{sys.argv[3]}`.\n")
print("| options | JVMs | weight gradient GFLOP/s, each JVM | median | slow (< 60% of the fastest JVM) | forward, median | ms/step, median | GCs, median |")
print("|---|---:|---|---:|---:|---:|---:|---:|")
best = max(float(r[1]) for r in rows)
for label in ("default trap limit", "JvmOptions.ALL"):
    rs = [r for r in rows if r[0] == label]
    g = [float(r[1]) for r in rs]
    slow = sum(1 for x in g if x < 0.6 * best)
    print(f"| {label} | {len(rs)} | {' '.join('%.0f' % x for x in g)} | {statistics.median(g):.1f} | {slow} of {len(rs)} | "
          f"{statistics.median(float(r[2]) for r in rs):.1f} | {statistics.median(float(r[3]) for r in rs):.3f} | "
          f"{statistics.median(int(r[4]) for r in rs):.0f} |")
PY
cat "$WORK/report.md"
[ -z "$OUT" ] || cp "$WORK/report.md" "$OUT"

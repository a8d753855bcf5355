#!/usr/bin/env bash
# Anneal's CPU training step against its best-configured peers, in one command (issue #14):
#   - Anneal's CPU backend (anneal.peer.PeerBench run, the Trainer that `anneal train` uses), 1 and 2 threads;
#   - PyTorch 1.13 (/usr/bin/python3, Debian python3-torch, OpenBLAS): torch.set_num_threads 1 and 2, each with
#     OPENBLAS_NUM_THREADS 1 and 2 (and, where OpenBLAS does not recognise the CPU and falls back to its
#     'Prescott' SSE3 kernels, with OPENBLAS_CORETYPE set to the AVX-512/AVX2 cores it has), reported at its fastest;
#   - PyTorch 2.7.1 on the JVM through DJL 0.36.0 (tools/djl-peer), offline, 1 and 2 threads, reported at its fastest;
# all on Anneal's export (split, normalisation, initial weights, batch order, OneCycleLR lr and momentum per step;
# every peer re-hashes what it trains on and a mismatch aborts the run), the same warm-up (the export's steps and
# seconds, PeerProtocol.WARMUP_*; Anneal's also until its JIT is quiet; then an evaluation) and timed region. The
# machine's Vector API FMA ceiling (JMH PeakFlopsBench, 1 and 2 threads) is measured before the peers and again
# after REPS interleaved repetitions of the three best configurations (medians) and one more run of Anneal's best
# with its phase timers (the first layer's two large products in GFLOP/s, and the same FMA loop run on every worker
# between its steps: the ceiling of the same seconds, which the 70% goal is also judged against, since on a shared VM
# JMH's readings minutes apart differ by 15-20%); then the same three with a competing
# CPU-bound process on the machine. The report ends with the issue's three goals, each met or not in this run.
#
#   tools/bench_cpu.sh [REPS] [OUT.md]       (defaults: 3, results/train-cpu-vs-pytorch.md; raw lines in OUT.jsonl)
#
# The scan's run of each peer's best configuration is its first repetition; REPS - 1 more follow, interleaved.
# Narrower grids for a slow machine (defaults in brackets): BENCH_ANNEAL_THREADS ["1 2"], BENCH_TORCH_THREADS ["1 2"],
# BENCH_OPENBLAS_THREADS ["1 2"], BENCH_CORETYPES [auto, plus the real cores when OpenBLAS falls back to Prescott;
# "auto" means OpenBLAS's own choice], BENCH_DJL_THREADS ["1 2"]; BENCH_NOTE adds a line to the report.
#
# Needs target/anneal.jar (mvn -o -q package -DskipTests) and Fashion-MNIST in /usr/share/datasets/fashion-mnist;
# builds tools/djl-peer when it is missing or older than its sources (its jars come from Maven Central once, then
# ~/.m2). 3-4 minutes on an idle 2-core machine (3 min on the AMD EPYC, 4 min 10 s on the Intel Xeon). Compare the
# ratios of one run; absolute times depend on what else the machine is doing.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tools jmh || echo "+dirty")
REPS="${1:-3}"
OUT="${2:-results/train-cpu-vs-pytorch.md}"
case "$REPS" in ''|*[!0-9]*|0) echo "bench_cpu: REPS=$REPS is not allowed; allowed: an integer >= 1" >&2; exit 2;; esac
JAR=target/anneal.jar
[ -f "$JAR" ] || { echo "bench_cpu: $JAR missing; build it with: mvn -o -q package -DskipTests" >&2; exit 2; }
WORK=target/bench-cpu
mkdir -p "$WORK"
RAW="$WORK/runs.jsonl"
: > "$RAW"
DJL_CLASS=tools/djl-peer/target/classes/anneal/peer/djl/DjlPeer.class
if [ ! -d tools/djl-peer/target/lib ] || [ ! -f "$DJL_CLASS" ] \
   || [ -n "$(find tools/djl-peer/src tools/djl-peer/pom.xml -newer "$DJL_CLASS" -print -quit)" ]; then
  echo "bench_cpu: building tools/djl-peer (missing or older than its sources)" >&2
  mvn -B -ntp -q -f tools/djl-peer/pom.xml package >&2
fi
# the JVM options the CPU backend needs (the Vector API module, C2's trap limit): anneal.backend.JvmOptions
VEC=$(java -cp "$JAR" anneal.backend.JvmOptions)
log() { echo "bench_cpu: $*" >&2; }

log "exporting Anneal's run (seed 1) to $WORK/export"
java $VEC -cp "$JAR" anneal.peer.PeerBench export "$WORK/export" 2>&1 | grep -v "^WARNING: Using incubator" >&2

# how many cores $(nproc) threads really get, slice by slice, for 0.5 s (anneal.peer.CoreProbe: on the 2-core EPYC
# VMs the host at times puts both virtual CPUs on one physical core's two hyperthreads, and every 2-thread peer runs
# about 1.6x slower then); run just before and just after every configuration, so the report can say which runs fell
# into such a spell
cores_probe() {
  java $VEC -cp "$JAR" anneal.peer.PeerBench cores --threads "$(nproc)" --seconds 0.5 2>/dev/null | tail -1
}

# one run of a peer configuration: appends {"label", "phase", ...the peer's JSON line, "cores_before", "cores_after"}
# to $RAW
run_one() { # phase label kind threads [openblas_threads coretype]
  local phase=$1 label=$2 kind=$3 t=$4 ob=${5:-} ct=${6:-} line before after
  log "$phase: $label"
  before=$(cores_probe)
  case $kind in
    anneal|anneal-phases) # anneal-phases: with the backend's phase timers (the two large products' GFLOP/s)
      line=$(java $VEC $([ "$kind" = anneal-phases ] && echo -Danneal.cpu.phaseTimes=true) -cp "$JAR" \
               anneal.peer.PeerBench run --threads "$t" 2>/dev/null | tail -1) ;;
    torch) line=$(env OPENBLAS_NUM_THREADS="$ob" ${ct:+OPENBLAS_CORETYPE=$ct} /usr/bin/python3 \
                   tools/bench_train_vs_torch.py --export "$WORK/export" --threads "$t" | tail -1) ;;
    djl) line=$(env DJL_OFFLINE=true OPT_OUT_TRACKING=true PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cpu \
                  DJL_CACHE_DIR="$PWD/$WORK/djl-cache" ENGINE_CACHE_DIR="$PWD/$WORK/djl-cache" \
                  java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$t" -Dai.djl.pytorch.num_interop_threads=1 \
                  -cp "tools/djl-peer/target/classes:tools/djl-peer/target/lib/*" anneal.peer.djl.DjlPeer "$WORK/export" \
                  2>/dev/null | tail -1) ;;
  esac
  after=$(cores_probe)
  case "$line" in
    *'"hashes_ok": false'*|*'"hashes_ok":false'*) log "$label trained on data that differs from Anneal's export: $line"; exit 1;;
    '{'*) ;;
    *) log "$label printed no result"; exit 1;;
  esac
  /usr/bin/python3 -c 'import json,sys
d=json.loads(sys.argv[3]); d["phase"]=sys.argv[1]; d["label"]=sys.argv[2]
for k,v in (("cores_before",sys.argv[4]),("cores_after",sys.argv[5])):
    if not v.startswith("{"): sys.exit("bench_cpu: the cores probe printed no result: " + repr(v))
    d[k]=json.loads(v)
print(json.dumps(d))' "$phase" "$label" "$line" "$before" "$after" >> "$RAW"
}

# OpenBLAS core types to try: its own choice, plus the real cores when it falls back to Prescott (a CPU it does not know)
AUTO_CORE=$(/usr/bin/python3 -c 'import torch,ctypes,sys
for l in open("/proc/self/maps"):
    p=l.split()[-1]
    if "openblas" in p and p.endswith(".so") or "libopenblas" in p:
        lib=ctypes.CDLL(p); lib.openblas_get_corename.restype=ctypes.c_char_p; print(lib.openblas_get_corename().decode()); sys.exit()
print("none")')
CORES=(auto)
if [ "$AUTO_CORE" = "Prescott" ]; then
  if grep -q avx512f /proc/cpuinfo; then CORES+=(SkylakeX Cooperlake); elif grep -q avx2 /proc/cpuinfo; then CORES+=(Haswell); fi
fi
[ -n "${BENCH_CORETYPES:-}" ] && read -r -a CORES <<< "$BENCH_CORETYPES"
log "OpenBLAS picks core '$AUTO_CORE'; core types tried: ${CORES[*]}"

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
# the machine's FMA ceiling, 1 and 2 threads, into $WORK/peak-$1-T.json; measured before the peers and again after the
# repetitions, because a virtual machine's ceiling moves (here 84-171 GFLOP/s per core within seconds)
peak_flops() {
  log "FMA ceiling, $1 (JMH PeakFlopsBench, 1 and 2 threads)"
  for t in 1 2; do
    java -jar "$JAR" bench PeakFlopsBench -t "$t" -f 1 -wi 2 -w 1 -i 3 -r 1 -rf json -rff "$WORK/peak-$1-$t.json" \
      > "$WORK/peak-$1-$t.log" 2>&1 || { cat "$WORK/peak-$1-$t.log" >&2; exit 1; }
  done
}
peak_flops start

for t in ${BENCH_ANNEAL_THREADS:-1 2}; do run_one scan "Anneal CPU, $t thread$([ $t = 1 ] || echo s)" anneal "$t"; done
for ct in "${CORES[@]}"; do
  [ "$ct" = auto ] && ct=""
  for t in ${BENCH_TORCH_THREADS:-1 2}; do for ob in ${BENCH_OPENBLAS_THREADS:-1 2}; do
    run_one scan "PyTorch 1.13, torch threads $t, OPENBLAS_NUM_THREADS=$ob${ct:+, OPENBLAS_CORETYPE=$ct}" torch "$t" "$ob" "$ct"
  done; done
done
for t in ${BENCH_DJL_THREADS:-1 2}; do run_one scan "PyTorch 2.7.1 via DJL, $t thread$([ $t = 1 ] || echo s)" djl "$t"; done

# best configuration of each peer by the scan's ms/step
best() { /usr/bin/python3 - "$RAW" "$1" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if r["phase"] == "scan" and r["peer"] == sys.argv[2]]
b = min(rows, key=lambda r: r["ms_per_step"])
print("\t".join([b["label"], str(b["threads"]), str(b.get("openblas_env") or ""), b.get("coretype", "")]))
PY
}
IFS=$'\t' read -r A_LABEL A_T _ _ <<< "$(best anneal)"
IFS=$'\t' read -r T_LABEL T_T T_OB _ <<< "$(best pytorch)"
T_CT=$(printf '%s' "$T_LABEL" | sed -n 's/.*OPENBLAS_CORETYPE=//p')
IFS=$'\t' read -r D_LABEL D_T _ _ <<< "$(best djl)"
log "best: $A_LABEL | $T_LABEL | $D_LABEL"

for r in $(seq 2 "$REPS"); do
  run_one "rep$r" "$A_LABEL" anneal "$A_T"
  run_one "rep$r" "$T_LABEL" torch "$T_T" "$T_OB" "$T_CT"
  run_one "rep$r" "$D_LABEL" djl "$D_T"
done

# the two large products' share of the peak (the issue's 70%): one more run of Anneal's best configuration with the
# backend's phase timers on (not one of the repetitions: the timers' own cost stays out of the medians)
run_one phases "$A_LABEL" anneal-phases "$A_T"

peak_flops end

log "under load: one competing CPU-bound process"
/usr/bin/python3 -c 'while True: pass' &
HOG=$!
trap 'kill $HOG 2>/dev/null || true' EXIT
run_one load "$A_LABEL" anneal "$A_T"
run_one load "$T_LABEL" torch "$T_T" "$T_OB" "$T_CT"
run_one load "$D_LABEL" djl "$D_T"
kill $HOG 2>/dev/null || true
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
ISA=$(grep -q avx512f /proc/cpuinfo && echo "AVX-512 (avx512f)" || (grep -q avx2 /proc/cpuinfo && echo "AVX2, no AVX-512" || echo "no AVX2"))
JVM=$(java -version 2>&1 | sed -n 2p)
mkdir -p "$(dirname "$OUT")"
cp "$RAW" "${OUT%.md}.jsonl"
/usr/bin/python3 tools/bench_cpu_report.py "$RAW" "$WORK" "$OUT" "$REPS" "$COMMIT" "$CPU" "$ISA" "$(nproc)" "$JVM" \
  "$LOAD0" "$LOAD1" "$AUTO_CORE" "${BENCH_NOTE:-}"

#!/usr/bin/env bash
# Side-by-side training benchmark on this machine's CPU: Anneal's CPU backend vs PyTorch 1.13 (CPU, 2 threads),
# same model (784-256-10), batch 128, SGD momentum 0.9 Nesterov, weight decay 5e-4, OneCycleLR(max_lr=0.1)
# over 3 epochs, target 0.88 test accuracy. Runs are interleaved (Anneal, PyTorch, Anneal, ...) so that the
# noise of a shared machine hits both alike; reports medians and ratios.
#
#   tools/bench_train_vs_torch.sh [REPS] [OUT.md]      (defaults: 5, results/train-cpu-vs-pytorch.md)
#
# Needs target/anneal.jar (mvn -o package -DskipTests), /usr/bin/python3 with torch, and the Debian
# dataset-fashion-mnist files. Anneal runs with --threads 2 to match torch.set_num_threads(2).
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-5}"
OUT="${2:-results/train-cpu-vs-pytorch.md}"
JAR=target/anneal.jar
[ -f "$JAR" ] || { echo "bench: $JAR missing; build it with: mvn -o -q package -DskipTests" >&2; exit 2; }
EPOCHS=3
BATCH=128
STEPS=$(( EPOCHS * ((55000 + BATCH - 1) / BATCH) ))
SPEC="OneCycleLR(max_lr=0.1, total_steps=${STEPS})"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$REPS"); do
  echo "bench: repetition $r/$REPS" >&2
  java -jar "$JAR" train --schedule "$SPEC" --epochs $EPOCHS --batch $BATCH --lr 0.1 --momentum 0.9 --nesterov \
    --weight-decay 5e-4 --target 0.88 --seed "$r" --backend cpu --threads 2 --quiet --out "$WORK/anneal_$r.json" \
    > "$WORK/anneal_$r.log" 2>&1 || { cat "$WORK/anneal_$r.log" >&2; exit 1; }
  /usr/bin/python3 tools/bench_train_vs_torch.py --threads 2 --epochs $EPOCHS --batch $BATCH --seed "$r" \
    > "$WORK/torch_$r.json"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tools || echo "+dirty")
JVM=$(java -version 2>&1 | sed -n 2p)
CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
mkdir -p "$(dirname "$OUT")"
/usr/bin/python3 - "$WORK" "$REPS" "$OUT" "$COMMIT" "$JVM" "$CPU" "$(nproc)" "$LOAD_BEFORE" "$LOAD_AFTER" "$SPEC" <<'PY'
import json, statistics, sys, datetime
work, reps, out, commit, jvm, cpu, nproc, load0, load1, spec = sys.argv[1:]
reps = int(reps)
a, t = [], []
for r in range(1, reps + 1):
    j = json.load(open(f"{work}/anneal_{r}.json"))
    run = j["run"]
    a.append({"sps": j["trainSamplesPerSecond"], "ttt": run["timeToTarget"] if run["status"] == "REACHED" else None,
              "acc": run["finalTestAccuracy"], "epochs": run["epochsToTarget"], "setup": run["setupSeconds"]})
    p = json.loads(open(f"{work}/torch_{r}.json").read().strip().splitlines()[-1])
    t.append({"sps": p["samples_per_s"], "ttt": p["time_to_target"], "acc": p["final_test_acc"],
              "epochs": p["epochs_to_target"], "setup": p["setup_s"], "torch": p["torch"]})
def med(xs):
    xs = [x for x in xs if x is not None and x == x]
    return statistics.median(xs) if xs else float("nan")
def reached(xs):
    return sum(1 for x in xs if x["ttt"] is not None and x["ttt"] == x["ttt"])
ma, mt = med([x["sps"] for x in a]), med([x["sps"] for x in t])
ta, tt = med([x["ttt"] for x in a]), med([x["ttt"] for x in t])
lines = []
lines.append("# Training on the CPU: Anneal vs PyTorch 1.13\n")
lines.append(f"Measured {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC by `tools/bench_train_vs_torch.sh {reps}` at commit `{commit}`.\n")
lines.append(f"- Machine: {cpu}, {nproc} cores; load average before/after: {load0} / {load1} (runs are "
             "interleaved so that any noise hits both sides; compare the ratios).")
lines.append(f"- JVM: {jvm}; Anneal CPU backend with `--threads 2`.")
lines.append(f"- PyTorch {t[0]['torch']} (Debian python3-torch, libopenblas0-pthread), `torch.set_num_threads(2)`, peer script `tools/bench_train_vs_torch.py`.")
lines.append(f"- Task: Fashion-MNIST (55,000 train / 5,000 validation / 10,000 test), MLP 784-256-10, batch 128 (last partial batch kept), "
             f"SGD lr 0.1 momentum 0.9 Nesterov weight decay 5e-4, `{spec}` (3 epochs, cycling momentum), target 0.88 test accuracy, "
             "evaluation (validation + test) at every epoch end.")
lines.append("- Timed region on both sides: training steps + evaluations; data loading, initialisation and a warm-up outside (Anneal: at least 50 steps and 0.5 s plus one evaluation, for the JIT; PyTorch: 50 steps and one evaluation).\n")
lines.append("| | Anneal CPU | PyTorch CPU | Anneal / PyTorch |")
lines.append("|---|---:|---:|---:|")
lines.append(f"| training samples/s (median of {reps}) | {ma:,.0f} | {mt:,.0f} | **{ma / mt:.2f}x** |")
ratio = f"**{tt / ta:.2f}x faster**" if ta == ta and tt == tt else "n/a (a side never reached 0.88)"
fmt = lambda v: f"{v:.2f}" if v == v else "not reached"
lines.append(f"| time to 0.88 test accuracy, s (median over runs that reached it) | {fmt(ta)} | {fmt(tt)} | {ratio} |")
lines.append(f"| runs that reached 0.88 | {reached(a)}/{reps} | {reached(t)}/{reps} | |")
lines.append(f"| setup outside the timed region, s (median) | {med([x['setup'] for x in a]):.2f} | {med([x['setup'] for x in t]):.2f} | |\n")
lines.append("Per repetition (seed = repetition number):\n")
lines.append("| seed | Anneal samples/s | Anneal time to 0.88 (epochs) | Anneal final acc | PyTorch samples/s | PyTorch time to 0.88 (epochs) | PyTorch final acc |")
lines.append("|---:|---:|---:|---:|---:|---:|---:|")
f = lambda x: "not reached" if x["ttt"] is None or x["ttt"] != x["ttt"] else f"{x['ttt']:.2f} s ({x['epochs']:g})"
for r in range(reps):
    lines.append(f"| {r + 1} | {a[r]['sps']:,.0f} | {f(a[r])} | {a[r]['acc']:.4f} | {t[r]['sps']:,.0f} | {f(t[r])} | {t[r]['acc']:.4f} |")
lines.append("\nThe two sides draw different initial weights and shuffles (Java's SplittableRandom vs torch's generator), so "
             "epochs-to-target can differ by chance for a given seed; samples/s does not depend on that.")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY

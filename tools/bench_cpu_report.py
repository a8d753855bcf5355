#!/usr/bin/python3
"""Writes the markdown report of tools/bench_cpu.sh from its raw result lines (one JSON object per run)."""
import datetime
import json
import re
import statistics
import sys

raw, work, out, reps, commit, cpu, isa, nproc, jvm, load0, load1, auto_core, note = sys.argv[1:]
rows = [json.loads(l) for l in open(raw) if l.strip()]
man = json.load(open(f"{work}/export/manifest.json"))

# FLOPs of one step of 784-256-10 at batch 128, counted exactly: the five matrix products (2 per multiply-add)
B, I, H, C = 128, 784, 256, 10
GEMM = {"forward X W0^T": 2 * B * I * H, "forward H W1^T": 2 * B * H * C, "input gradient dZ W1": 2 * B * C * H,
        "weight gradient dZ^T H": 2 * C * H * B, "weight gradient dH^T X": 2 * H * I * B}
GEMM_FLOP = sum(GEMM.values())
PARAMS = H * I + H + C * H + C
ELEMENTWISE = 2 * B * (H + C) + 6 * PARAMS  # bias adds + bias-gradient sums + SGD (wd, momentum, nesterov, lr)


# the JVM's own vector length, as Anneal's backend reported it ("... Vector API, 8 x fp32 (256-bit) ..."): the ISA
# string cannot tell (an AVX-512 machine's JVM may prefer 256 bits, and "AVX2, no AVX-512" names AVX-512)
_species = [re.search(r"(\d+) x fp32", r.get("blas", "")) for r in rows if r.get("peer") == "anneal"]
if not _species or not all(_species):
    sys.exit("bench_cpu_report: no Anneal run reported its Vector API species ('N x fp32'); cannot size the FMA peak")
lanes = int(_species[0].group(1))


def peak(when, t):
    j = json.load(open(f"{work}/peak-{when}-{t}.json"))[0]
    return j["primaryMetric"]["score"] * 2 * lanes / 1e9  # JMH sums a throughput over its threads


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# shares of peak are taken against the higher of the two measurements (before the peers, after the repetitions)
start1, start2, end1, end2 = peak("start", 1), peak("start", 2), peak("end", 1), peak("end", 2)
peak1, peak2 = max(start1, end1), max(start2, end2)
threads_of = lambda r: r["threads"]
peakfor = lambda r: peak1 if threads_of(r) == 1 else peak2


def gflops(ms):
    return GEMM_FLOP / (ms * 1e-3) / 1e9


def ttt(x):
    return "not reached" if x is None else f"{x:.2f} s"


L = []
L.append("# CPU training step: Anneal vs the best-configured PyTorch 1.13 and PyTorch 2.7.1 (DJL)\n")
L.append(f"Measured {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC by `tools/bench_cpu.sh {reps}` at commit `{commit}`."
         + (f" **{note}**" if note else "") + "\n")
L.append(f"- Machine: {cpu}, {nproc} cores, {isa}; Vector API species {lanes} x fp32; load average before / after: "
         f"{load0} / {load1}.")
L.append(f"- Anneal: {jvm}; CPU backend through `anneal.peer.PeerBench run` (the Trainer of `anneal train`).")
scan = [r for r in rows if r["phase"] == "scan"]
vals = lambda peer, key: sorted({str(r.get(key) or "auto") for r in scan if r["peer"] == peer})
coretypes = sorted({r["label"].split("OPENBLAS_CORETYPE=")[1] if "OPENBLAS_CORETYPE=" in r["label"] else "auto"
                    for r in scan if r["peer"] == "pytorch"})
L.append(f"- PyTorch 1.13: Debian python3-torch, OpenBLAS (its automatic core choice here: `{auto_core}`); tried torch "
         f"threads {' and '.join(vals('pytorch', 'threads'))} x `OPENBLAS_NUM_THREADS` "
         f"{' and '.join(vals('pytorch', 'openblas_env'))} x `OPENBLAS_CORETYPE` "
         f"{' and '.join(coretypes)} ('auto': OpenBLAS's own choice).")
L.append("- PyTorch 2.7.1 via DJL 0.36.0 (`tools/djl-peer`, `ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64`), "
         "offline (`DJL_OFFLINE=true`, `-Dai.djl.offline=true`, cache under `target/bench-cpu/djl-cache`), "
         f"`ai.djl.pytorch.num_threads` {' and '.join(vals('djl', 'threads'))}, interop threads 1.")
L.append("- Task, identical for all: Fashion-MNIST 55,000 train / 5,000 validation / 10,000 test as Anneal splits and "
         "normalises it, MLP 784-256-10, Anneal's initial weights and batch order (seed 1), batch 128, SGD momentum "
         "0.9 Nesterov, weight decay 5e-4, `OneCycleLR(max_lr=0.1, total_steps=1290)` lr and momentum per step from "
         "Anneal's export; every peer re-hashed what it trained on (SHA-256) and matched the export. Warm-up (the "
         f"export's): >= {man['warmup_steps']} steps and >= {man['warmup_seconds']:g} s (at most "
         f"{20 * man['warmup_steps']} steps), Anneal's until its JIT is quiet too, plus an evaluation, outside the "
         "timed region (each run's warm-up is in the table of every configuration); timed: 3 epochs of steps, with a "
         "validation and a test evaluation after each epoch off the clock; ms/step = training time / steps; time to "
         f"the target = the training time to the end of the first epoch whose validation accuracy reaches "
         f"{man['target']:g}, for every peer as Anneal's trainer counts it.")
L.append(f"- One step = {GEMM_FLOP:,} FLOP in its five matrix products ("
         + ", ".join(f"{k} {v:,}" for k, v in GEMM.items()) + f") plus {ELEMENTWISE:,} element-wise; GFLOP/s below "
         "count the products only. Peak = JMH `PeakFlopsBench` (12 independent `FloatVector.fma` chains per thread): "
         f"**{peak1:.0f} GFLOP/s on 1 thread, {peak2:.0f} GFLOP/s on 2 threads**, the higher of two measurements (before "
         f"the peers: {start1:.0f} / {start2:.0f}; after the repetitions: {end1:.0f} / {end2:.0f}).\n")

reps_rows = [r for r in rows if r["phase"].startswith("rep")]
labels = []
for r in reps_rows + [r for r in rows if r["phase"] == "load"]:
    if r["label"] not in labels:
        labels.append(r["label"])
# the scan's run of each best configuration is its first repetition
best = [r for r in rows if r["phase"] == "scan" and r["label"] in labels] + reps_rows
L.append(f"## Best configuration of each, median of {reps} interleaved runs (the first is its scan run)\n")
L.append(f"| peer | ms per step | samples/s, 3 epochs | time to {man['target']:g} | step GFLOP/s | share of peak | BLAS / threads found |")
L.append("|---|---:|---:|---:|---:|---:|---|")
meds = {}
for lab in labels:
    rs = [r for r in best if r["label"] == lab]
    ms = med([r["ms_per_step"] for r in rs])
    meds[lab] = ms
    sps = med([r["samples_per_s"] for r in rs])
    t = med([r["time_to_target"] for r in rs])
    reached = sum(1 for r in rs if r["time_to_target"] is not None)
    g = gflops(ms)
    L.append(f"| {lab} | {ms:.3f} | {sps:,.0f} | {ttt(t)} ({reached}/{len(rs)} reached) | {g:.0f} | "
             f"{100 * g / peakfor(rs[0]):.0f}% of {threads_of(rs[0])}-thread peak | {rs[0].get('blas', '')}; "
             f"threads {rs[0]['threads']}" + (f", OpenBLAS {rs[0].get('openblas_threads')}" if 'openblas_threads' in rs[0] else "")
             + " |")
a = [l for l in labels if l.startswith("Anneal")]
fastest, paired = None, []
# each repetition's run of a configuration, by repetition ("rep1" is its scan run)
run_of = lambda lab: {r["phase"] if r["phase"] != "scan" else "rep1": r for r in best if r["label"] == lab}
at_goal = lambda ratios: sum(1 for x in ratios if x >= 1.8)  # repetitions at the 1.8x or more
if a:
    others = [l for l in labels if not l.startswith("Anneal")]
    fastest = min(others, key=lambda l: meds[l]) if others else None
    if fastest:
        L.append(f"\n**Anneal / fastest peer ({fastest}): {meds[fastest] / meds[a[0]]:.2f}x** (ratio of medians, "
                 "same run).")
        # paired: each repetition's Anneal run against the same repetition's run of that peer (they ran minutes
        # apart at most, so a slow spell of the machine weighs on both)
        ra, rf = run_of(a[0]), run_of(fastest)
        paired = [rf[k]["ms_per_step"] / ra[k]["ms_per_step"] for k in sorted(ra, key=lambda k: int(k[3:])) if k in rf]
        if paired:
            L.append(f"Paired, repetition by repetition: " + ", ".join(f"{x:.2f}x" for x in paired)
                     + f"; median {med(paired):.2f}x, {at_goal(paired)} of {len(paired)} at 1.8x or more (the issue's "
                     "goal).")

# the cores each run had (anneal.peer.CoreProbe just before and just after it, when the run's lines carry them): on a
# shared VM both virtual CPUs sometimes sit on one physical core's two hyperthreads, and a 2-thread run slows ~1.6x
SHORT = 0.1  # a probe is "short of cores" when more than this share of its slices got less than threads - 0.5 cores
probed = lambda r: "cores_before" in r and "cores_after" in r
short_of_cores = lambda r: probed(r) and max(r["cores_before"]["short_fraction"], r["cores_after"]["short_fraction"]) > SHORT


def cores(r):
    if not probed(r):
        return "-"
    return (f"{r['cores_before']['mean_cores']:.2f} / {r['cores_after']['mean_cores']:.2f}"
            + ("*" if short_of_cores(r) else ""))


clean_paired = None
if a and fastest and any(probed(r) for r in best):
    by_label = {lab: run_of(lab) for lab in labels}
    keys = sorted(by_label[a[0]], key=lambda k: int(k[3:]))
    threads_probed = next(r["cores_before"]["threads"] for r in best if probed(r))
    L.append(f"\n## The cores each run had (`anneal.peer.CoreProbe`, {threads_probed} threads for 0.5 s just before and "
             "just after it)\n")
    L.append("The mean over the probe's 20-ms slices of the cores its threads got, in cores at the speed of one thread "
             f"alone (before / after the run); `*`: more than {100 * SHORT:.0f}% of the slices of one of them got less "
             f"than {threads_probed - 0.5:g}, as when the host puts both virtual CPUs on the two hyperthreads of one "
             "physical core.\n")
    L.append("| repetition | " + " | ".join(labels) + f" | Anneal / {fastest} |")
    L.append("|---|" + "---:|" * len(labels) + "---:|")
    clean_paired = []
    for k in keys:
        cells = []
        for lab in labels:
            r = by_label[lab].get(k)
            cells.append(f"{r['ms_per_step']:.3f} ms, {cores(r)}" if r else "-")
        ra, rf = by_label[a[0]].get(k), by_label[fastest].get(k)
        ratio = rf["ms_per_step"] / ra["ms_per_step"] if ra and rf else None
        if ratio is not None and probed(ra) and probed(rf) and not short_of_cores(ra) and not short_of_cores(rf):
            clean_paired.append(ratio)
        L.append(f"| {k}{' (scan)' if k == 'rep1' else ''} | " + " | ".join(cells) + " | "
                 + (f"{ratio:.2f}x" if ratio is not None else "-") + " |")
    L.append("\nPaired, over the repetitions in which neither Anneal's run nor " + fastest + "'s was short of cores: "
             + (", ".join(f"{x:.2f}x" for x in clean_paired) + f"; median {med(clean_paired):.2f}x, "
                f"{at_goal(clean_paired)} of {len(clean_paired)} at 1.8x or more." if clean_paired else "none."))

# the first layer's two large products, from the extra run of Anneal's best configuration with its phase timers
phase_runs = [r for r in rows if r["phase"] == "phases" and r.get("forward_gflops") is not None]
shares = same_seconds = None
if phase_runs:
    pr = phase_runs[0]
    pk = peakfor(pr)
    shares = (100 * pr["forward_gflops"] / pk, 100 * pr["weight_gradient_gflops"] / pk)
    # the ceiling the backend's own probes measured between the steps of this run (FmaCeiling on every worker)
    ceiling = pr.get("ceiling_gflops")
    if ceiling:
        same_seconds = (100 * pr["forward_gflops"] / ceiling, 100 * pr["weight_gradient_gflops"] / ceiling)
    L.append(f"\n## The two large products (one more run of {pr['label']}, `-Danneal.cpu.phaseTimes=true`)\n")
    L.append(f"Forward `X W0^T + b0`, ReLU: **{pr['forward_gflops']:.0f} GFLOP/s, {shares[0]:.0f}%** of the "
             f"{threads_of(pr)}-thread peak ({pk:.0f}); weight gradient `dH^T X` with the fused SGD of W0, b0: "
             f"**{pr['weight_gradient_gflops']:.0f} GFLOP/s, {shares[1]:.0f}%**. Each is the layer's "
             f"{GEMM['forward X W0^T']:,} FLOP over the slower worker's median time of that phase; this run's step: "
             f"{pr['ms_per_step']:.3f} ms (timers on, not one of the repetitions)."
             + (" A share above 100% means the ceiling read low (a VM's clock moves from second to second)."
                if max(shares) > 100 else "")
             + (f" Against the FMA ceiling of the same seconds, **{ceiling:.0f} GFLOP/s** (the same FMA loop run on "
                "every worker between the steps of this run, the sum of their median rates): **forward "
                f"{same_seconds[0]:.0f}%, weight gradient {same_seconds[1]:.0f}%**; JMH's peak is the higher of two "
                "readings minutes away from this run." if same_seconds else "")
             + " Its phases, us per step, median (minimum) of each worker:\n")
    L.append("```\n" + pr["phase_table"].rstrip("\n") + "\n```")

# the three goals (#14), each judged on this run alone
L.append("\n## The issue's goals in this run\n")
L.append("| goal | this run | met |")
L.append("|---|---|---|")
two = [l for l in labels if l.startswith("Anneal") and l.endswith("2 threads")]
scan2 = [r for r in scan if r["peer"] == "anneal" and r["threads"] == 2]
if two:
    ms2, how = meds[two[0]], f"median of {reps}"
elif scan2:
    ms2, how = scan2[0]["ms_per_step"], "its one scan run (not the best configuration here)"
else:
    ms2 = None
ceiling_ms = GEMM_FLOP / (peak2 * 1e9) * 1e3
if ms2 is not None:
    verdict = "yes" if ms2 <= 0.6 else ("no: out of reach on this machine (above its FMA ceiling)"
                                        if ceiling_ms > 0.6 else "no")
    L.append(f"| at most 0.6 ms per step, batch 128, 2 threads | Anneal 2 threads {ms2:.3f} ms ({how}); the products "
             f"at 100% of the measured 2-thread peak would take {ceiling_ms:.3f} ms | {verdict} |")
if a and fastest:
    ratio = meds[fastest] / meds[a[0]]
    pm = med(paired) if paired else None
    ok = ratio >= 1.8 and (pm is None or pm >= 1.8)
    L.append(f"| at least 1.8x the best-configured peer, same run | {ratio:.2f}x by medians"
             + (f", paired median {pm:.2f}x ({at_goal(paired)} of {len(paired)} at 1.8x or more)"
                if pm is not None else "")
             + (f"; over the {len(clean_paired)} repetition{'s' if len(clean_paired) != 1 else ''} with no run short "
                f"of cores, paired median "
                f"{med(clean_paired):.2f}x" if clean_paired else "")
             + f" | {'yes' if ok else 'no'} |")
if shares and same_seconds:
    jmh_ok, same_ok = min(shares) >= 70, min(same_seconds) >= 70
    verdict = ("yes" if jmh_ok and same_ok else
               "yes against the ceiling of the same seconds, no against JMH's best reading" if same_ok else
               "no against the ceiling of the same seconds, yes against JMH's best reading" if jmh_ok else "no")
    L.append(f"| at least 70% of the measured peak in the two large products | forward {same_seconds[0]:.0f}%, weight "
             f"gradient with the update {same_seconds[1]:.0f}% of the FMA ceiling of the same seconds; "
             f"{shares[0]:.0f}% and {shares[1]:.0f}% of JMH's {threads_of(phase_runs[0])}-thread peak | {verdict} |")
elif shares:
    L.append(f"| at least 70% of the measured peak in the two large products | forward {shares[0]:.0f}%, weight "
             f"gradient with the update {shares[1]:.0f}% of the {threads_of(phase_runs[0])}-thread peak | "
             f"{'yes' if min(shares) >= 70 else 'no'} |")
else:
    L.append("| at least 70% of the measured peak in the two large products | no phase-timed run in this report | ? |")

L.append("\n## Every configuration tried (one run each, before the repetitions)\n")
L.append(f"| configuration | ms per step | samples/s | time to {man['target']:g} | final test acc | threads found | warm-up "
         "| cores before / after |")
L.append("|---|---:|---:|---:|---:|---|---:|---:|")


def warmup(r):
    w = f"{r['warmup_steps']} steps" if r.get("warmup_steps") is not None else "?"
    if r.get("warmup_s") is not None:
        w += f", {r['warmup_s']:.1f} s"
    if r.get("warmup_jit_quiet") is not None:
        w += ", JIT quiet" if r["warmup_jit_quiet"] else ", JIT not quiet"
    return w


for r in [r for r in rows if r["phase"] == "scan"]:
    th = f"{r['threads']}" + (f", OpenBLAS {r.get('openblas_threads')} ({r.get('openblas_core')})" if "openblas_threads" in r else "")
    L.append(f"| {r['label']} | {r['ms_per_step']:.3f} | {r['samples_per_s']:,.0f} | {ttt(r['time_to_target'])} | "
             f"{r['final_test_acc']:.4f} | {th} | {warmup(r)} | {cores(r)} |")
L.append("\n## Under load: the same three with one competing CPU-bound process (`python3 -c 'while True: pass'`)\n")
L.append("| peer | ms per step, loaded | ms per step, median unloaded | slow-down | cores before / after |")
L.append("|---|---:|---:|---:|---:|")
for r in [r for r in rows if r["phase"] == "load"]:
    u = meds.get(r["label"])
    L.append(f"| {r['label']} | {r['ms_per_step']:.3f} | {u:.3f} | {r['ms_per_step'] / u:.2f}x | {cores(r)} |")
L.append("\nPer-run lines (every field each peer printed): `" + out.rsplit(".", 1)[0] + ".jsonl`.")
open(out, "w").write("\n".join(L) + "\n")
print("\n".join(L))

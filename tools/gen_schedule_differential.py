#!/usr/bin/python3
"""Differential fixtures: seeded random PyTorch schedule configurations, run by PyTorch 1.13 and by PyTorch 2.x's
lr_scheduler.py (see tools/gen_schedule_fixtures_torch2.py for how 2.x runs here).

    /usr/bin/python3 tools/gen_schedule_differential.py /tmp/torch2/lr_scheduler.py 008f727ece1520e12c25089a7969d5b8fca75f8e

Writes src/test/resources/fixtures/differential-torch1.13.json and differential-torch2.json: the same COUNT
configurations (every class, 1-3 groups, SequentialLR / ChainedScheduler of 2-3 parts, plateaus, and top-level
schedules resumed with last_epoch=k on an optimizer holding initial_lr), each with its lr (and cycled momentum)
per step. ScheduleDifferentialTest checks a seeded sample of them in the suite; tools/schedule_differential.sh
checks all.
"""
import hashlib
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_schedule_fixtures as gen  # noqa: E402
import gen_schedule_fixtures_torch2 as gen2  # noqa: E402

COUNT = 420
RESUMABLE = ("StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ConstantLR", "LinearLR", "PolynomialLR",
             "LambdaLR", "MultiplicativeLR", "CosineAnnealingWarmRestarts")


def configs(seed=84001):
    rng = random.Random(seed)
    out = []
    for k in range(COUNT):
        groups = rng.randint(1, 3)
        lrs = [round(rng.uniform(0.001, 0.5), 4) for _ in range(groups)]
        steps = rng.choice([30, 60, 90])
        shape = rng.choice(["leaf", "leaf", "resumed", "sequential", "sequential", "chained", "plateau"])
        metrics = None
        resumed = False
        if shape in ("leaf", "resumed"):
            spec = gen.random_leaf(rng, groups)
            if shape == "resumed" and spec.split("(")[0] in RESUMABLE:
                spec = spec[:-1] + ", last_epoch=%d)" % rng.randint(0, 12)
                resumed = True
        elif shape == "sequential":
            n = rng.randint(2, 3)
            ms = sorted(rng.sample(range(1, 40), n - 1))
            parts = [gen.random_leaf(rng, groups) for _ in range(n)]
            if rng.random() < 0.3:  # the 2.x hand-over to MultiplicativeLR
                parts[-1] = "MultiplicativeLR(lr_lambda='%s')" % round(rng.uniform(0.8, 0.99), 3)
            spec = "SequentialLR(schedulers=[%s], milestones=%s)" % (", ".join(parts), ms)
        elif shape == "chained":
            spec = "ChainedScheduler(schedulers=[%s])" % ", ".join(gen.random_leaf(rng, groups)
                                                                    for _ in range(rng.randint(2, 3)))
        else:
            spec = "ReduceLROnPlateau(mode='%s', factor=%s, patience=%d, cooldown=%d)" % (
                rng.choice(["min", "max"]), round(rng.uniform(0.1, 0.9), 3), rng.randint(0, 4), rng.randint(0, 3))
            metrics = [round(rng.uniform(0, 1), 3) if rng.random() < 0.5 else 0.5 for _ in range(steps - 1)]
        out.append(("differential %d" % k, spec, lrs, steps, metrics, resumed))
    return out


def write(name, head, cases):
    out = os.path.join(HERE, "..", "src", "test", "resources", "fixtures", name)
    with open(out, "w") as f:
        f.write(json.dumps(head)[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]}\n")
    print("wrote %d cases to %s" % (len(cases), os.path.normpath(out)))


def run_all():
    return [gen.run_case(n, s, l, st, metrics=m, resumed=r) for n, s, l, st, m, r in configs()]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_schedule_differential.py PATH/TO/torch2/lr_scheduler.py COMMIT")
    path, commit = sys.argv[1], sys.argv[2]
    import torch
    write("differential-torch1.13.json", {"generator": "tools/gen_schedule_differential.py", "torch": "1.13",
                                          "torch_version": torch.__version__}, run_all())
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    gen.L = gen2.load_torch2_scheduler(path)
    write("differential-torch2.json", {"generator": "tools/gen_schedule_differential.py", "torch": "2",
                                       "lr_scheduler_py": "pytorch/pytorch torch/optim/lr_scheduler.py @ " + commit,
                                       "lr_scheduler_py_sha256": sha}, run_all())


if __name__ == "__main__":
    main()

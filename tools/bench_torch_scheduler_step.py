#!/usr/bin/python3
"""Per-step cost of PyTorch's scheduler.step() (+ reading param_groups[0]['lr']), the peer for
jmh/java/anneal/jmh/ScheduleStepBench.java. Same schedules (where PyTorch has them), same two param groups.

    /usr/bin/python3 tools/bench_torch_scheduler_step.py [--steps 20000] [--repeats 7]

Prints one Markdown row per schedule: median ns per step over the repeats, and the min.
"""
import argparse
import statistics
import time
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as L

warnings.filterwarnings("ignore")

SPECS = {
    "StepLR": lambda o: L.StepLR(o, step_size=10000000, gamma=0.9),
    "MultiStepLR": lambda o: L.MultiStepLR(o, milestones=[30, 80, 80]),
    "ExponentialLR": lambda o: L.ExponentialLR(o, gamma=0.9999999),
    "CosineAnnealingLR": lambda o: L.CosineAnnealingLR(o, T_max=1000, eta_min=0.001),
    "ConstantLR": lambda o: L.ConstantLR(o, factor=0.5, total_iters=1000000000),
    "LinearLR": lambda o: L.LinearLR(o, start_factor=0.01, total_iters=1000000000),
    "PolynomialLR": lambda o: L.PolynomialLR(o, total_iters=1000000000, power=2.0),
    "CyclicLR": lambda o: L.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=2000, mode="triangular2"),
    "OneCycleLR": lambda o: L.OneCycleLR(o, max_lr=0.1, total_steps=100000000000),
    "CosineAnnealingWarmRestarts": lambda o: L.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2),
    "ReduceLROnPlateau": lambda o: L.ReduceLROnPlateau(o, patience=5, min_lr=1e-06),
    "SequentialLR": lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.01, total_iters=5),
                                                 L.CosineAnnealingLR(o, T_max=30)], milestones=[5]),
    "ChainedScheduler": lambda o: L.ChainedScheduler([L.ConstantLR(o, factor=0.1, total_iters=2),
                                                      L.ExponentialLR(o, gamma=0.9999999)]),
    "LambdaLR": lambda o: L.LambdaLR(o, lambda epoch: 1 / (epoch + 1) ** 0.5),
}
METRICS = [1.0, 0.99, 0.995, 0.98, 1.01, 0.97, 0.975, 0.999]


def optimizer():
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(2)]
    return SGD([{"params": [params[0]], "lr": 0.1}, {"params": [params[1]], "lr": 0.01}], lr=0.1, momentum=0.9)


def time_one(name, make, steps):
    opt = optimizer()
    sched = make(opt)
    groups = opt.param_groups
    if name == "ReduceLROnPlateau":
        start = time.perf_counter_ns()
        for i in range(steps):
            sched.step(METRICS[i & 7])
            groups[0]["lr"]
        return (time.perf_counter_ns() - start) / steps
    start = time.perf_counter_ns()
    for _ in range(steps):
        sched.step()
        groups[0]["lr"]
    return (time.perf_counter_ns() - start) / steps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    print("torch %s, %d steps x %d repeats" % (torch.__version__, args.steps, args.repeats))
    print("| schedule | median ns/step | min ns/step |")
    print("|---|---:|---:|")
    for name, make in SPECS.items():
        times = [time_one(name, make, args.steps) for _ in range(args.repeats)]
        print("| %s | %.0f | %.0f |" % (name, statistics.median(times), min(times)))


if __name__ == "__main__":
    main()

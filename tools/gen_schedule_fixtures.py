#!/usr/bin/python3
"""Golden fixtures for Anneal's schedule library, from PyTorch itself.

Run with Debian's python3-torch (PyTorch 1.13):  /usr/bin/python3 tools/gen_schedule_fixtures.py
Writes src/test/resources/fixtures/schedules.json.

Each case's spec string is evaluated as Python: every PyTorch class name is bound to a factory that passes
the optimizer (an SGD with momentum=0.9 and one param group per base lr), nested schedules are constructed in
the order they appear (as a user would construct them), and expression strings (lr_lambda, scale_fn) become
Python lambdas. Row 0 is param_groups[g]['lr'] right after construction, row i the value after the i-th
scheduler.step() (with metric v_i for ReduceLROnPlateau, or step(epoch_i) when the case lists epochs).
"""
import json
import math
import os
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as L

warnings.filterwarnings("ignore")

EXPR_NAMES = {"min": min, "max": max, "cos": math.cos, "sin": math.sin, "exp": math.exp, "log": math.log,
              "sqrt": math.sqrt, "pi": math.pi, "e": math.e, "abs": abs, "floor": math.floor, "ceil": math.ceil,
              "math": math}


def expr(text, *names):
    if text.lstrip().startswith("lambda"):
        return eval(text, dict(EXPR_NAMES, __builtins__={}))

    def fn(v):
        return eval(text, {"__builtins__": {}}, dict(EXPR_NAMES, **{n: v for n in names}))
    return fn


class PerBatchWarmRestarts:
    """Anneal's steps_per_epoch for CosineAnnealingWarmRestarts: the k-th step() is step(k // S + (k % S) / S)."""

    def __init__(self, opt, steps_per_epoch, **kw):
        self.inner = L.CosineAnnealingWarmRestarts(opt, **kw)
        self.optimizer = opt
        self.spe = steps_per_epoch
        self.k = 0

    def step(self):
        self.k += 1
        epoch, i = divmod(self.k, self.spe)
        self.inner.step(epoch + i / self.spe)


def namespace(opt):
    ns = {}
    for name in ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ConstantLR", "LinearLR",
                 "PolynomialLR", "OneCycleLR", "ReduceLROnPlateau", "SequentialLR"]:
        ns[name] = (lambda cls: lambda **kw: cls(opt, **kw))(getattr(L, name))

    def lambdas(cls):
        def make(lr_lambda, **kw):
            fns = [expr(t, "epoch", "step") for t in lr_lambda] if isinstance(lr_lambda, list) \
                else expr(lr_lambda, "epoch", "step")
            return cls(opt, fns, **kw)
        return make

    ns["LambdaLR"] = lambdas(L.LambdaLR)
    ns["MultiplicativeLR"] = lambdas(L.MultiplicativeLR)

    def cyclic(scale_fn=None, **kw):
        return L.CyclicLR(opt, scale_fn=None if scale_fn is None else expr(scale_fn, "x"), **kw)

    ns["CyclicLR"] = cyclic

    def warm_restarts(steps_per_epoch=None, **kw):
        if steps_per_epoch:
            return PerBatchWarmRestarts(opt, steps_per_epoch, **kw)
        return L.CosineAnnealingWarmRestarts(opt, **kw)

    ns["CosineAnnealingWarmRestarts"] = warm_restarts
    ns["ChainedScheduler"] = lambda schedulers: L.ChainedScheduler(schedulers)
    return ns


def run_case(name, spec, base_lrs, steps, metrics=None, epochs=None, resumed=False):
    """resumed: the optimizer of a run being resumed, initial_lr = lr in every group (for last_epoch >= 0)."""
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in base_lrs]
    opt = SGD([{"params": [p], "lr": lr} for p, lr in zip(params, base_lrs)], lr=base_lrs[0], momentum=0.9)
    if resumed:
        for g in opt.param_groups:
            g["initial_lr"] = g["lr"]
    try:
        sched = eval(spec, {"__builtins__": {}}, namespace(opt))
    except Exception as e:  # PyTorch refuses the construction
        return {"name": name, "spec": spec, "base_lrs": base_lrs, "steps": steps, "raises_at_row": 0,
                "error": "%s: %s" % (type(e).__name__, e), "lr": []}
    momentum_cycled = any(isinstance(s, (L.CyclicLR, L.OneCycleLR)) and s.cycle_momentum for s in walk(sched))
    lrs, moms = [], []

    def record():
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append([g["momentum"] for g in opt.param_groups])

    record()
    case = {"name": name, "spec": spec, "base_lrs": base_lrs, "steps": steps}
    if resumed:
        case["resumed"] = True
    if metrics is not None:
        case["metrics"] = metrics
    if epochs is not None:
        case["epochs"] = epochs
    for i in range(1, steps):
        try:
            if metrics is not None:
                sched.step(metrics[i - 1])
            elif epochs is not None:
                sched.step(epochs[i - 1])
            else:
                sched.step()
        except Exception as e:  # PyTorch refuses this step (e.g. OneCycleLR past total_steps)
            case["raises_at_row"] = i
            case["error"] = "%s: %s" % (type(e).__name__, e)
            break
        record()
    case["lr"] = lrs
    if momentum_cycled:
        case["momentum"] = moms
    return case


def walk(s):
    yield s
    for child in getattr(s, "_schedulers", []):
        yield from walk(child)


G1, G2, G3 = [0.1], [0.1, 0.01], [0.1, 0.01, 0.05]

CASES = [
    ("step", "StepLR(step_size=3, gamma=0.5)", G2, 20),
    ("step default gamma", "StepLR(step_size=1)", G3, 8),
    ("multistep repeated milestone", "MultiStepLR(milestones=[2, 5, 5, 9], gamma=0.3)", G2, 14),
    ("multistep unsorted", "MultiStepLR(milestones=[9, 2, 5])", G1, 12),
    ("exponential", "ExponentialLR(gamma=0.9)", G3, 60),
    ("cosine past T_max", "CosineAnnealingLR(T_max=10, eta_min=0.001)", G2, 50),
    ("cosine T_max=1", "CosineAnnealingLR(T_max=1)", G1, 8),
    ("cosine eta 0", "CosineAnnealingLR(T_max=7)", G3, 40),
    ("cosine fractional T_max", "CosineAnnealingLR(T_max=7.5, eta_min=0.002)", G2, 40),
    ("cosine long", "CosineAnnealingLR(T_max=100, eta_min=1e-05)", G2, 260),
    ("constant default", "ConstantLR()", G2, 9),
    ("constant", "ConstantLR(factor=0.5, total_iters=3)", G3, 7),
    ("linear default", "LinearLR()", G2, 9),
    ("linear warmup", "LinearLR(start_factor=0.01, total_iters=5)", G1, 9),
    ("linear decay", "LinearLR(start_factor=1.0, end_factor=0.5, total_iters=4)", G2, 8),
    ("polynomial default", "PolynomialLR()", G2, 8),
    ("polynomial power 2", "PolynomialLR(total_iters=8, power=2.0)", G3, 12),
    ("polynomial power 0.5", "PolynomialLR(total_iters=6, power=0.5)", G1, 9),
    ("lambda", "LambdaLR(lr_lambda='0.95 ** epoch')", G2, 30),
    ("lambda per group", "LambdaLR(lr_lambda=['0.95 ** epoch', '1 / (epoch + 1)'])", G2, 12),
    ("lambda python syntax", "LambdaLR(lr_lambda='lambda e: 0.9 ** e')", G2, 12),
    ("lambda min", "LambdaLR(lr_lambda='min(1.0, (epoch + 1) / 5)')", G1, 10),
    ("lambda precedence", "LambdaLR(lr_lambda='-epoch ** 2 / 1000 + 1')", G1, 12),
    ("lambda cos", "LambdaLR(lr_lambda='0.5 * (1 + cos(pi * epoch / 20))')", G2, 25),
    ("multiplicative", "MultiplicativeLR(lr_lambda='0.9')", G2, 15),
    ("multiplicative max", "MultiplicativeLR(lr_lambda=['max(0.5, 1 - epoch / 100)', '0.99'])", G2, 15),
    ("cyclic triangular", "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=5)", G2, 40),
    ("cyclic triangular2 asym", "CyclicLR(base_lr=0.001, max_lr=0.05, step_size_up=4, step_size_down=6, "
                                "mode='triangular2', cycle_momentum=False)", G1, 45),
    ("cyclic exp_range", "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=3, mode='exp_range', gamma=0.97)", G2, 40),
    ("cyclic custom cycle", "CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn='1 / (2.0 ** (x - 1))', "
                            "scale_mode='cycle')", G1, 30),
    ("cyclic custom lambda", "CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=2, "
                             "scale_fn='lambda x: 0.5 * (1 + cos(pi * x / 10))', cycle_momentum=False)", G1, 30),
    ("cyclic custom iterations", "CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=4, scale_fn='0.99 ** x', "
                                 "scale_mode='iterations', cycle_momentum=False)", G1, 30),
    ("cyclic lists", "CyclicLR(base_lr=[0.001, 0.002], max_lr=[0.01, 0.05], step_size_up=2, step_size_down=3, "
                     "base_momentum=[0.8, 0.85], max_momentum=[0.9, 0.95])", G2, 25),
    ("cyclic float step size", "CyclicLR(base_lr=0.001, max_lr=0.01, step_size_up=2.5, cycle_momentum=False)", G1, 20),
    ("onecycle default", "OneCycleLR(max_lr=0.1, total_steps=50)", G2, 51),
    ("onecycle linear three phase", "OneCycleLR(max_lr=0.1, total_steps=100, anneal_strategy='linear', "
                                    "three_phase=True)", G1, 101),
    ("onecycle cos three phase", "OneCycleLR(max_lr=[0.1, 0.02], total_steps=40, three_phase=True)", G2, 41),
    ("onecycle epochs", "OneCycleLR(max_lr=0.05, epochs=5, steps_per_epoch=10, pct_start=0.25, div_factor=10.0, "
                        "final_div_factor=100.0)", G3, 51),
    ("onecycle no momentum", "OneCycleLR(max_lr=0.1, total_steps=30, cycle_momentum=False, "
                             "base_momentum=0.8, max_momentum=0.9)", G1, 31),
    ("onecycle momentum lists", "OneCycleLR(max_lr=[0.1, 0.2], total_steps=20, base_momentum=[0.8, 0.7], "
                                "max_momentum=[0.9, 0.95])", G2, 21),
    ("onecycle past total_steps", "OneCycleLR(max_lr=0.1, total_steps=10)", G1, 14),
    ("warm restarts", "CosineAnnealingWarmRestarts(T_0=5)", G2, 30),
    ("warm restarts T_mult", "CosineAnnealingWarmRestarts(T_0=3, T_mult=2, eta_min=0.001)", G3, 50),
    ("warm restarts per batch", "CosineAnnealingWarmRestarts(T_0=2, T_mult=2, eta_min=0.0001, steps_per_epoch=4)",
     G2, 60),
    ("warm restarts per batch T_mult 1", "CosineAnnealingWarmRestarts(T_0=3, steps_per_epoch=5)", G1, 40),
    ("plateau min rel", "ReduceLROnPlateau(patience=2)", G2, 20),
    ("plateau max abs cooldown", "ReduceLROnPlateau(mode='max', threshold=0.1, threshold_mode='abs', cooldown=2, "
                                 "patience=1, factor=0.5)", G2, 25),
    ("plateau min_lr list", "ReduceLROnPlateau(factor=0.5, patience=0, min_lr=[0.02, 0.004])", G2, 12),
    ("plateau eps", "ReduceLROnPlateau(factor=0.9, patience=0, eps=0.005)", G2, 10),
    ("plateau max rel", "ReduceLROnPlateau(mode='max', patience=1, threshold=0.05)", G1, 20),
    ("plateau min abs", "ReduceLROnPlateau(threshold=0.5, threshold_mode='abs', patience=1, cooldown=1)", G1, 20),
    ("sequential issue example", "SequentialLR(schedulers=[LinearLR(start_factor=0.01, total_iters=5), "
                                 "CosineAnnealingLR(T_max=30)], milestones=[5])", G2, 45),
    ("sequential constant exponential", "SequentialLR(schedulers=[ConstantLR(factor=0.1, total_iters=2), "
                                        "ExponentialLR(gamma=0.9)], milestones=[2])", G2, 12),
    ("sequential three", "SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=3), StepLR(step_size=2, "
                         "gamma=0.5), CosineAnnealingLR(T_max=6, eta_min=0.001)], milestones=[3, 8])", G3, 25),
    ("sequential warm restarts", "SequentialLR(schedulers=[LinearLR(start_factor=0.2, total_iters=4), "
                                 "CosineAnnealingWarmRestarts(T_0=3, T_mult=2)], milestones=[4])", G2, 30),
    ("sequential onecycle quirk", "SequentialLR(schedulers=[ConstantLR(factor=0.5, total_iters=3), "
                                  "OneCycleLR(max_lr=0.2, total_steps=20)], milestones=[3])", G2, 22),
    ("sequential cyclic quirk", "SequentialLR(schedulers=[ExponentialLR(gamma=0.8), CyclicLR(base_lr=0.001, "
                                "max_lr=0.05, step_size_up=3)], milestones=[4])", G2, 20),
    ("sequential lambda", "SequentialLR(schedulers=[LambdaLR(lr_lambda='(epoch + 1) / 4'), MultiStepLR("
                          "milestones=[3, 6])], milestones=[4])", G1, 14),
    ("sequential nested", "SequentialLR(schedulers=[SequentialLR(schedulers=[ConstantLR(factor=0.5, total_iters=2), "
                          "ExponentialLR(gamma=0.9)], milestones=[3]), StepLR(step_size=2)], milestones=[6])", G2, 14),
    ("chained doc example", "ChainedScheduler(schedulers=[ConstantLR(factor=0.1, total_iters=2), "
                            "ExponentialLR(gamma=0.9)])", G2, 12),
    ("chained linear cosine", "ChainedScheduler(schedulers=[LinearLR(start_factor=0.25, total_iters=4), "
                              "CosineAnnealingLR(T_max=12, eta_min=0.0)])", G3, 30),
    ("chained step multistep", "ChainedScheduler(schedulers=[StepLR(step_size=3, gamma=0.8), MultiStepLR("
                               "milestones=[4, 4, 7], gamma=0.5)])", G2, 14),
    ("chained holding sequential", "ChainedScheduler(schedulers=[SequentialLR(schedulers=[ConstantLR(factor=0.5, "
                                   "total_iters=2), ExponentialLR(gamma=0.9)], milestones=[3]), "
                                   "ExponentialLR(gamma=0.95)])", G2, 12),
    ("chained cyclic momentum", "ChainedScheduler(schedulers=[ExponentialLR(gamma=0.99), CyclicLR(base_lr=0.01, "
                                "max_lr=0.1, step_size_up=4)])", G1, 20),
    # PyTorch 1.13 accepts these (issue #16 part 1): total_iters=0, empty milestones, Python's own overflow
    ("constant total_iters 0", "ConstantLR(factor=0.5, total_iters=0)", G2, 8),
    ("linear total_iters 0", "LinearLR(start_factor=0.25, end_factor=0.75, total_iters=0)", G2, 8),
    ("polynomial total_iters 0", "PolynomialLR(total_iters=0, power=2.0)", G2, 8),
    ("multistep no milestones", "MultiStepLR(milestones=[], gamma=0.5)", G2, 8),
    ("sequential constant total_iters 0", "SequentialLR(schedulers=[ConstantLR(factor=0.5, total_iters=0), "
                                          "ExponentialLR(gamma=0.9)], milestones=[3])", G2, 10),
    ("sequential into constant total_iters 0", "SequentialLR(schedulers=[ExponentialLR(gamma=0.9), "
                                               "ConstantLR(factor=0.5, total_iters=0)], milestones=[3])", G1, 10),
    ("sequential into linear total_iters 0", "SequentialLR(schedulers=[ExponentialLR(gamma=0.9), "
                                             "LinearLR(start_factor=0.5, total_iters=0)], milestones=[3])", G1, 10),
    ("sequential into polynomial total_iters 0", "SequentialLR(schedulers=[StepLR(step_size=2), "
                                                 "PolynomialLR(total_iters=0)], milestones=[4])", G2, 10),
    ("chained total_iters 0", "ChainedScheduler(schedulers=[LinearLR(start_factor=0.5, total_iters=0), "
                              "ConstantLR(factor=0.8, total_iters=0), PolynomialLR(total_iters=0), "
                              "ExponentialLR(gamma=0.95)])", G2, 10),
    ("chained multistep no milestones", "ChainedScheduler(schedulers=[MultiStepLR(milestones=[]), "
                                        "ExponentialLR(gamma=0.9)])", G1, 8),
    ("cyclic triangular2 overflow", "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=1, step_size_down=1, "
                                    "mode='triangular2')", G1, 2400),
    ("cyclic exp_range overflow", "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=3, mode='exp_range', "
                                  "gamma=2.0, cycle_momentum=False)", G1, 1100),
    ("cyclic custom scale_fn overflow", "CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=2, "
                                        "scale_fn='1 / (2.0 ** (x - 1))', scale_mode='iterations', "
                                        "cycle_momentum=False)", G1, 1100),
]

PLATEAU_METRICS = {
    "plateau min rel": [1.0, 0.9, 0.9, 0.95, 0.9, 0.89, 0.8999, 0.91, 0.92, 0.93, 0.7, 0.71, 0.72, 0.73, 0.74,
                        0.75, 0.76, 0.69, 0.7],
    "plateau max abs cooldown": [0.5, 0.55, 0.58, 0.61, 0.6, 0.59, 0.6, 0.7, 0.72, 0.71, 0.73, 0.74, 0.9, 0.85, 0.86,
                                 0.87, 0.88, 0.89, 0.95, 1.2, 1.1, 1.0, 1.0, 1.0],
    "plateau min_lr list": [1.0] * 11,
    "plateau eps": [1.0] * 9,
    "plateau max rel": [0.5, 0.52, 0.53, 0.6, 0.61, 0.62, 0.63, 0.7, 0.7, 0.7, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8,
                        0.8, 0.8],
    "plateau min abs": [10.0, 9.0, 9.6, 9.7, 8.0, 7.9, 7.8, 7.7, 7.6, 7.0, 6.4, 6.3, 6.2, 6.1, 6.0, 5.9, 5.8, 5.7, 5.6],
}

EPOCH_CASES = [
    ("warm restarts step(epoch) fractional", "CosineAnnealingWarmRestarts(T_0=2, T_mult=2, eta_min=0.001)", G2,
     [0.1, 0.5, 1.25, 2.0, 2.5, 5.9, 6.0, 6.01, 13.7, 3.2, 30.0, 0.0]),
    ("warm restarts step(epoch) T_mult 1", "CosineAnnealingWarmRestarts(T_0=4)", G1,
     [0.25, 3.99, 4.0, 4.5, 11.3, 2.0, 100.75]),
]


def random_leaf(rng, groups, allow_metric_free_only=True):
    """A random valid spec of one PyTorch schedule (seeded; for the differential 'random' cases)."""
    lst = lambda lo, hi: "[%s]" % ", ".join(repr(round(rng.uniform(lo, hi), 4)) for _ in range(groups))
    num = lambda lo, hi: repr(round(rng.uniform(lo, hi), 4))
    kind = rng.choice(["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ConstantLR", "LinearLR",
                       "PolynomialLR", "LambdaLR", "MultiplicativeLR", "CyclicLR", "OneCycleLR",
                       "CosineAnnealingWarmRestarts"])
    if kind == "StepLR":
        return "StepLR(step_size=%d, gamma=%s)" % (rng.randint(1, 6), num(0.1, 0.99))
    if kind == "MultiStepLR":
        ms = sorted(rng.randint(0, 20) for _ in range(rng.randint(1, 4)))
        return "MultiStepLR(milestones=%s, gamma=%s)" % (ms, num(0.1, 0.9))
    if kind == "ExponentialLR":
        return "ExponentialLR(gamma=%s)" % num(0.8, 1.05)
    if kind == "CosineAnnealingLR":
        return "CosineAnnealingLR(T_max=%d, eta_min=%s)" % (rng.randint(1, 15), num(0, 0.005))
    if kind == "ConstantLR":
        return "ConstantLR(factor=%s, total_iters=%d)" % (num(0.05, 1.0), rng.randint(1, 8))
    if kind == "LinearLR":
        return "LinearLR(start_factor=%s, end_factor=%s, total_iters=%d)" % (num(0.01, 1.0), num(0.0, 1.0),
                                                                               rng.randint(1, 10))
    if kind == "PolynomialLR":
        return "PolynomialLR(total_iters=%d, power=%s)" % (rng.randint(1, 12), num(0.3, 3.0))
    if kind == "LambdaLR":
        return "LambdaLR(lr_lambda='%s ** epoch')" % num(0.85, 0.99)
    if kind == "MultiplicativeLR":
        return "MultiplicativeLR(lr_lambda='max(0.5, 1 - epoch / %d)')" % rng.randint(10, 60)
    if kind == "CyclicLR":
        mode = rng.choice(["triangular", "triangular2", "exp_range"])
        return ("CyclicLR(base_lr=%s, max_lr=%s, step_size_up=%d, step_size_down=%d, mode='%s', gamma=%s, "
                "cycle_momentum=%s)" % (lst(0.0005, 0.005), lst(0.01, 0.2), rng.randint(1, 6), rng.randint(1, 6), mode,
                                        num(0.9, 0.999), rng.choice(["True", "False"])))
    if kind == "OneCycleLR":
        return ("OneCycleLR(max_lr=%s, total_steps=%d, pct_start=%s, anneal_strategy='%s', three_phase=%s, "
                "div_factor=%s, final_div_factor=%s, cycle_momentum=%s)" % (
                    lst(0.01, 0.5), rng.randint(60, 90), num(0.1, 0.45), rng.choice(["cos", "linear"]),
                    rng.choice(["True", "False"]), num(5, 30), num(10, 1e4), rng.choice(["True", "False"])))
    return "CosineAnnealingWarmRestarts(T_0=%d, T_mult=%d, eta_min=%s)" % (rng.randint(1, 6), rng.randint(1, 3),
                                                                          num(0, 0.002))


def random_cases(seed=1729, count=120):
    """Seeded random specs: single schedules, SequentialLR and ChainedScheduler of 2-3 of them, plateaus."""
    import random
    rng = random.Random(seed)
    out = []
    for k in range(count):
        groups = rng.randint(1, 3)
        lrs = [round(rng.uniform(0.001, 0.5), 4) for _ in range(groups)]
        shape = rng.choice(["leaf", "leaf", "sequential", "chained", "plateau"])
        metrics = None
        if shape == "leaf":
            spec = random_leaf(rng, groups)
        elif shape == "sequential":
            n = rng.randint(2, 3)
            ms = sorted(rng.sample(range(1, 40), n - 1))
            spec = "SequentialLR(schedulers=[%s], milestones=%s)" % (
                ", ".join(random_leaf(rng, groups) for _ in range(n)), ms)
        elif shape == "chained":
            spec = "ChainedScheduler(schedulers=[%s])" % ", ".join(random_leaf(rng, groups)
                                                                    for _ in range(rng.randint(2, 3)))
        else:
            spec = ("ReduceLROnPlateau(mode='%s', factor=%s, patience=%d, threshold=%s, threshold_mode='%s', "
                    "cooldown=%d, min_lr=%s, eps=%s)" % (
                        rng.choice(["min", "max"]), round(rng.uniform(0.1, 0.9), 3), rng.randint(0, 4),
                        round(rng.uniform(0, 0.1), 4), rng.choice(["rel", "abs"]), rng.randint(0, 3),
                        "[%s]" % ", ".join(repr(round(rng.uniform(0, 0.01), 5)) for _ in range(groups)),
                        rng.choice(["1e-08", "0.001"])))
            metrics = [round(rng.uniform(0, 1), 3) if rng.random() < 0.5 else 0.5 for _ in range(59)]
        out.append(("random %d" % k, spec, lrs, 60, metrics))
    return out


# Resuming the PyTorch way: last_epoch=k on an optimizer whose groups hold initial_lr (= their lr here). PyTorch
# 1.13 and 2.x differ here (2.x keeps the current lr at construction for several classes).
RESUME_CASES = [
    ("resume step", "StepLR(step_size=3, gamma=0.5, last_epoch=4)", G2, 10),
    ("resume multistep", "MultiStepLR(milestones=[3, 6, 6], gamma=0.5, last_epoch=2)", G2, 10),
    ("resume exponential", "ExponentialLR(gamma=0.9, last_epoch=3)", G2, 10),
    ("resume exponential 0", "ExponentialLR(gamma=0.8, last_epoch=0)", G1, 6),
    ("resume constant", "ConstantLR(factor=0.5, total_iters=4, last_epoch=2)", G2, 8),
    ("resume constant at total_iters", "ConstantLR(factor=0.5, total_iters=3, last_epoch=2)", G1, 6),
    ("resume linear", "LinearLR(start_factor=0.2, total_iters=6, last_epoch=2)", G2, 10),
    ("resume linear past", "LinearLR(start_factor=0.2, total_iters=3, last_epoch=5)", G1, 6),
    ("resume polynomial", "PolynomialLR(total_iters=8, power=2.0, last_epoch=3)", G2, 10),
    ("resume cosine", "CosineAnnealingLR(T_max=10, eta_min=0.001, last_epoch=4)", G2, 15),
    ("resume cosine 0", "CosineAnnealingLR(T_max=6, last_epoch=0)", G1, 8),
    ("resume lambda", "LambdaLR(lr_lambda='0.9 ** epoch', last_epoch=5)", G2, 8),
    ("resume multiplicative", "MultiplicativeLR(lr_lambda='0.9', last_epoch=3)", G2, 8),
    ("resume warm restarts", "CosineAnnealingWarmRestarts(T_0=3, T_mult=2, last_epoch=4)", G2, 20),
    ("resume warm restarts far", "CosineAnnealingWarmRestarts(T_0=2, last_epoch=7)", G1, 10),
    ("resume warm restarts T_0", "CosineAnnealingWarmRestarts(T_0=4, eta_min=0.001, last_epoch=3)", G2, 12),
    ("resume sequential", "SequentialLR(schedulers=[ConstantLR(factor=0.5, total_iters=2), ExponentialLR(gamma=0.9)], "
                          "milestones=[3], last_epoch=1)", G2, 10),
]

# Where PyTorch 2.x's SequentialLR differs from 1.13's (hand-over to MultiplicativeLR, recursive undo).
TORCH2_CASES = [
    ("sequential into multiplicative", "SequentialLR(schedulers=[ConstantLR(factor=0.5, total_iters=2), "
                                       "MultiplicativeLR(lr_lambda='0.9')], milestones=[2])", G1, 8),
    ("sequential into multiplicative per group", "SequentialLR(schedulers=[ExponentialLR(gamma=0.9), "
                                                 "MultiplicativeLR(lr_lambda=['0.9', '1 - epoch / 50'])], "
                                                 "milestones=[3])", G2, 12),
    ("sequential nested first", "SequentialLR(schedulers=[SequentialLR(schedulers=[LinearLR(start_factor=0.5, "
                                "total_iters=2), ExponentialLR(gamma=0.9)], milestones=[2]), StepLR(step_size=2)], "
                                "milestones=[5])", G2, 12),
    ("sequential nested multiplicative", "SequentialLR(schedulers=[SequentialLR(schedulers=[ConstantLR(factor=0.5, "
                                         "total_iters=1), MultiplicativeLR(lr_lambda='0.8')], milestones=[2]), "
                                         "CosineAnnealingLR(T_max=4)], milestones=[6])", G1, 12),
]


def main():
    cases = []
    for name, spec, lrs, steps in CASES:
        cases.append(run_case(name, spec, lrs, steps, metrics=PLATEAU_METRICS.get(name)))
    for name, spec, lrs, epochs in EPOCH_CASES:
        cases.append(run_case(name, spec, lrs, len(epochs) + 1, epochs=epochs))
    for name, spec, lrs, steps, metrics in random_cases():
        cases.append(run_case(name, spec, lrs, steps, metrics=metrics))
    for name, spec, lrs, steps in RESUME_CASES:
        cases.append(run_case(name, spec, lrs, steps, resumed=True))
    for name, spec, lrs, steps in TORCH2_CASES:
        cases.append(run_case(name, spec, lrs, steps))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures",
                       "schedules.json")
    with open(out, "w") as f:
        head = {"generator": "tools/gen_schedule_fixtures.py", "torch_version": torch.__version__}
        f.write(json.dumps(head)[:-1] + ', "cases": [\n')  # one case per line: small, diffable
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")
    print("wrote %d cases to %s" % (len(cases), os.path.normpath(out)))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Golden fixtures for configs pasted from optax, Keras and transformers, from each library's own schedule code.

None of these libraries is installable here (no PyPI), and their code is not part of Anneal: fetch each file from
its repository at the commit given and point this script at them. optax's and Keras's schedules are array
expressions; they run under a small NumPy shim of jax.numpy / keras.ops written here, in float64 (the libraries'
default dtype is float32, i.e. these are their values with jax_enable_x64 / float64 tensors). transformers'
schedules are plain Python LambdaLRs; they run on the installed PyTorch 1.13.

    git -C OPTAX show 2edbcbe2390da13983b92cbef94ac0460ecde1c5:optax/schedules/_schedule.py > /tmp/foreign/optax/_schedule.py
    git -C OPTAX show 2edbcbe2390da13983b92cbef94ac0460ecde1c5:optax/schedules/_join.py > /tmp/foreign/optax/_join.py
    git -C KERAS show 3422977a5e38fb2f7709aaa9a08e47f0c43d0f60:keras/src/optimizers/schedules/learning_rate_schedule.py \\
        > /tmp/foreign/keras/learning_rate_schedule.py
    # transformers 005edacb6b5dabbf0843e92c6623de9e07ca6241: src/transformers/optimization.py, the scheduler part
    # (its relative imports of trainer utilities replaced by the SchedulerType enum) -> /tmp/foreign/transformers/optimization.py
    for f in scheduler cosine_lr step_lr multistep_lr poly_lr tanh_lr plateau_lr; do   # timm aa4b5850c1543fa488abf260f18390eda46cf85d
        git -C TIMM show aa4b5850c1543fa488abf260f18390eda46cf85d:timm/scheduler/$f.py > /tmp/foreign/timm_pkg/timm/scheduler/$f.py
    done; touch /tmp/foreign/timm_pkg/timm/__init__.py /tmp/foreign/timm_pkg/timm/scheduler/__init__.py
    /usr/bin/python3 tools/gen_foreign_fixtures.py /tmp/foreign

timm's schedulers are plain Python on the optimizer too; they run on PyTorch 1.13 (their noise draws come from
torch.Generator). Writes src/test/resources/fixtures/foreign-{optax,keras,transformers,timm}.json: each case is an Anneal spec string
(which is also valid Python against the library's namespace), the optimizer's lrs and the lr at each optimizer
step (row t = the library's value at step t), or the step at which the library raised.
"""
import contextlib
import hashlib
import json
import math
import os
import sys
import types

import numpy as np
import torch
from torch.optim import SGD

HERE = os.path.dirname(os.path.abspath(__file__))
COMMITS = {"optax": "google-deepmind/optax 2edbcbe2390da13983b92cbef94ac0460ecde1c5",
           "keras": "keras-team/keras 3422977a5e38fb2f7709aaa9a08e47f0c43d0f60",
           "transformers": "huggingface/transformers 005edacb6b5dabbf0843e92c6623de9e07ca6241",
           "timm": "huggingface/pytorch-image-models aa4b5850c1543fa488abf260f18390eda46cf85d"}
TIMM_FILES = ["scheduler.py", "cosine_lr.py", "step_lr.py", "multistep_lr.py", "poly_lr.py", "tanh_lr.py",
              "plateau_lr.py"]


def module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


def load(path, name):
    src = open(path).read()
    m = types.ModuleType(name)
    sys.modules[name] = m
    exec(compile(src, path, "exec"), m.__dict__)
    return m, hashlib.sha256(src.encode()).hexdigest()


def optax_namespace(root):
    """optax's _schedule.py / _join.py over NumPy: jax.numpy -> numpy (float64), absl.logging -> no-op."""
    jnp = module("jax.numpy", **{n: getattr(np, n) for n in
                                 ["clip", "maximum", "minimum", "sign", "where", "power", "floor", "cos", "pi",
                                  "stack", "cumprod", "logical_and", "asarray", "exp", "log", "sqrt"]})
    tree = types.SimpleNamespace(map=lambda f, t: tuple(f(x) for x in t))
    jax = module("jax", numpy=jnp, tree=tree, typing=types.SimpleNamespace(ArrayLike=object))
    module("jax.typing", ArrayLike=object)
    module("absl", logging=types.SimpleNamespace(info=lambda *a, **k: None))
    module("absl.logging", info=lambda *a, **k: None)
    module("optax")
    module("optax._src")
    module("optax._src.base", Schedule=object)
    sys.modules["optax._src"].base = sys.modules["optax._src.base"]
    module("optax.schedules")
    join, h1 = load(os.path.join(root, "optax", "_join.py"), "optax.schedules._join")
    sys.modules["optax.schedules"]._join = join
    sched, h2 = load(os.path.join(root, "optax", "_schedule.py"), "optax.schedules._schedule")
    ns = {n: getattr(sched, n) for n in dir(sched) if not n.startswith("_")}
    ns["join_schedules"] = join.join_schedules
    return types.SimpleNamespace(**ns), {"_schedule.py": h2, "_join.py": h1}


def keras_namespace(root):
    """Keras 3's learning_rate_schedule.py over NumPy: keras.ops -> numpy in float64."""
    def convert_to_tensor(x):
        a = np.asarray(x)
        return a.astype(np.float64) if a.dtype.kind == "f" else a
    ops = module("keras.src.ops", convert_to_tensor=convert_to_tensor,
                 cast=lambda x, dtype: np.asarray(x).astype(dtype), floor=np.floor, ceil=np.ceil, multiply=np.multiply,
                 power=np.power, divide=np.divide, add=np.add, subtract=np.subtract, minimum=np.minimum,
                 where=np.where, equal=np.equal, cos=np.cos, log=np.log,
                 array=lambda x, dtype=None: np.array(x, dtype=dtype),
                 cond=lambda pred, t, f: t() if pred else f(), name_scope=lambda name: contextlib.nullcontext())
    module("keras")
    module("keras.src", ops=ops)
    module("keras.src.api_export", keras_export=lambda *a, **k: (lambda obj: obj))
    module("keras.src.saving", serialization_lib=types.SimpleNamespace())
    lrs, h = load(os.path.join(root, "keras", "learning_rate_schedule.py"), "keras.src.optimizers.schedules.lrs")
    return lrs, {"learning_rate_schedule.py": h}


def function_case(name, spec, ns_name, ns, steps):
    """optax / Keras: the schedule object's value at t = 0..steps-1 (the optimizer's update count / iterations)."""
    case = {"name": name, "spec": spec, "base_lrs": [0.1], "steps": steps}
    try:
        fn = eval(spec, {"__builtins__": {}}, {ns_name: ns})
    except Exception as e:
        case.update(raises_at_row=0, error="%s: %s" % (type(e).__name__, e), lr=[])
        return case
    case["lr"] = [[float(fn(t))] for t in range(steps)]
    return case


def transformers_case(name, spec, tf, base_lrs, steps, metrics=None):
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in base_lrs]
    opt = SGD([{"params": [p], "lr": lr} for p, lr in zip(params, base_lrs)], lr=base_lrs[0], momentum=0.9)
    bound = types.SimpleNamespace(**{n: (lambda f: lambda *a, **k: f(opt, *a, **k) if n != "get_scheduler"
                                         else f(optimizer=opt, **k))(getattr(tf, n))
                                     for n in dir(tf) if n.startswith("get_")})
    bound.get_scheduler = lambda **k: tf.get_scheduler(optimizer=opt, **k)
    case = {"name": name, "spec": spec, "base_lrs": base_lrs, "steps": steps}
    if metrics is not None:
        case["metrics"] = metrics
    try:
        sched = eval(spec, {"__builtins__": {}}, {"transformers": bound})
    except Exception as e:
        case.update(raises_at_row=0, error="%s: %s" % (type(e).__name__, e), lr=[])
        return case
    lrs = [[g["lr"] for g in opt.param_groups]]
    for i in range(1, steps):
        sched.step(metrics[i - 1]) if metrics is not None else sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
    case["lr"] = lrs
    return case


OPTAX_CASES = [
    ("constant", "optax.constant_schedule(value=0.05)", 5),
    ("polynomial", "optax.polynomial_schedule(init_value=0.1, end_value=0.001, power=2.0, transition_steps=10)", 14),
    ("polynomial begin", "optax.polynomial_schedule(init_value=0.1, end_value=0.01, power=0.5, transition_steps=8, "
                         "transition_begin=3)", 15),
    ("polynomial zero steps", "optax.polynomial_schedule(init_value=0.1, end_value=0.0, power=1.0, transition_steps=0)", 4),
    ("polynomial negative begin", "optax.polynomial_schedule(init_value=0.2, end_value=0.0, power=1.5, "
                                  "transition_steps=5, transition_begin=-2)", 8),
    ("linear", "optax.linear_schedule(init_value=0.0, end_value=0.1, transition_steps=7)", 10),
    ("linear begin", "optax.linear_schedule(init_value=0.1, end_value=0.02, transition_steps=4, transition_begin=2)", 9),
    ("piecewise constant", "optax.piecewise_constant_schedule(init_value=0.1, boundaries_and_scales={3: 0.5, 7: 0.1})", 10),
    ("piecewise constant unsorted", "optax.piecewise_constant_schedule(init_value=0.2, "
                                    "boundaries_and_scales={6: 0.5, 2: 2.0, 4: 0.25})", 9),
    ("piecewise constant none", "optax.piecewise_constant_schedule(init_value=0.3)", 3),
    ("piecewise constant negative", "optax.piecewise_constant_schedule(init_value=0.2, boundaries_and_scales={2: -1.0})", 3),
    ("exponential", "optax.exponential_decay(init_value=0.1, transition_steps=3, decay_rate=0.5)", 12),
    ("exponential staircase begin", "optax.exponential_decay(init_value=0.1, transition_steps=2, decay_rate=0.7, "
                                    "transition_begin=3, staircase=True)", 14),
    ("exponential end value", "optax.exponential_decay(init_value=0.1, transition_steps=1, decay_rate=0.5, "
                              "end_value=0.01)", 10),
    ("exponential growth end value", "optax.exponential_decay(init_value=0.01, transition_steps=2, decay_rate=1.5, "
                                     "end_value=0.05)", 14),
    ("exponential zero rate", "optax.exponential_decay(init_value=0.1, transition_steps=2, decay_rate=0.0)", 4),
    ("cosine decay", "optax.cosine_decay_schedule(init_value=0.1, decay_steps=10)", 14),
    ("cosine decay alpha exponent", "optax.cosine_decay_schedule(init_value=0.1, decay_steps=7, alpha=0.1, "
                                    "exponent=2.0)", 10),
    ("cosine decay zero steps", "optax.cosine_decay_schedule(init_value=0.1, decay_steps=0)", 3),
    ("piecewise interpolate linear", "optax.piecewise_interpolate_schedule(interpolate_type='linear', init_value=0.1, "
                                     "boundaries_and_scales={3: 2.0, 8: 0.1})", 12),
    ("piecewise interpolate cosine", "optax.piecewise_interpolate_schedule(interpolate_type='cosine', init_value=0.05, "
                                     "boundaries_and_scales={2: 4.0, 5: 0.5, 9: 0.01})", 12),
    ("piecewise interpolate none", "optax.piecewise_interpolate_schedule(interpolate_type='linear', init_value=0.1)", 3),
    ("piecewise interpolate bad type", "optax.piecewise_interpolate_schedule(interpolate_type='cubic', init_value=0.1)", 3),
    ("linear onecycle", "optax.linear_onecycle_schedule(transition_steps=20, peak_value=0.1)", 24),
    ("linear onecycle options", "optax.linear_onecycle_schedule(transition_steps=10, peak_value=0.2, pct_start=0.2, "
                                "pct_final=0.6, div_factor=10.0, final_div_factor=100.0)", 13),
    ("cosine onecycle", "optax.cosine_onecycle_schedule(transition_steps=20, peak_value=0.1)", 24),
    ("cosine onecycle options", "optax.cosine_onecycle_schedule(transition_steps=9, peak_value=0.3, pct_start=0.5, "
                                "div_factor=5.0, final_div_factor=50.0)", 12),
    ("linear onecycle zero", "optax.linear_onecycle_schedule(transition_steps=0, peak_value=0.1)", 3),
    ("warmup constant", "optax.warmup_constant_schedule(init_value=0.0, peak_value=0.1, warmup_steps=4)", 7),
    ("warmup cosine", "optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=0.1, warmup_steps=3, "
                      "decay_steps=12)", 16),
    ("warmup cosine end exponent", "optax.warmup_cosine_decay_schedule(init_value=0.01, peak_value=0.2, warmup_steps=2, "
                                   "decay_steps=10, end_value=0.002, exponent=1.5)", 13),
    ("warmup cosine no warmup", "optax.warmup_cosine_decay_schedule(init_value=0.1, peak_value=0.1, warmup_steps=0, "
                                "decay_steps=8)", 10),
    ("warmup cosine too short", "optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=0.1, warmup_steps=5, "
                                "decay_steps=5)", 3),
    ("warmup exponential", "optax.warmup_exponential_decay_schedule(init_value=0.0, peak_value=0.1, warmup_steps=3, "
                           "transition_steps=2, decay_rate=0.5, end_value=0.005)", 14),
    ("warmup exponential staircase", "optax.warmup_exponential_decay_schedule(init_value=0.02, peak_value=0.1, "
                                     "warmup_steps=2, transition_steps=3, decay_rate=0.8, transition_begin=1, "
                                     "staircase=True)", 14),
    ("sgdr", "optax.sgdr_schedule(cosine_kwargs=[{'init_value': 0.0, 'peak_value': 0.1, 'warmup_steps': 2, "
             "'decay_steps': 6}, {'init_value': 0.0, 'peak_value': 0.05, 'warmup_steps': 1, 'decay_steps': 8, "
             "'end_value': 0.001}])", 18),
    ("join", "optax.join_schedules(schedules=[optax.linear_schedule(init_value=0.0, end_value=0.1, transition_steps=3), "
             "optax.cosine_decay_schedule(init_value=0.1, decay_steps=6), optax.constant_schedule(value=0.01)], "
             "boundaries=[3, 9])", 14),
]

KERAS_CASES = [
    ("exponential", "keras.ExponentialDecay(initial_learning_rate=0.1, decay_steps=4, decay_rate=0.5)", 12),
    ("exponential staircase", "keras.ExponentialDecay(initial_learning_rate=0.1, decay_steps=3, decay_rate=0.9, "
                              "staircase=True)", 12),
    ("exponential float steps", "keras.ExponentialDecay(initial_learning_rate=0.2, decay_steps=2.5, decay_rate=0.96)", 8),
    ("exponential zero steps", "keras.ExponentialDecay(initial_learning_rate=0.1, decay_steps=0, decay_rate=0.5)", 3),
    ("piecewise", "keras.PiecewiseConstantDecay(boundaries=[3, 6], values=[0.1, 0.05, 0.01])", 10),
    ("piecewise one boundary", "keras.PiecewiseConstantDecay(boundaries=[2], values=[1.0, 0.5])", 5),
    ("piecewise four", "keras.PiecewiseConstantDecay(boundaries=[1, 2, 5], values=[0.4, 0.3, 0.2, 0.1])", 8),
    ("piecewise mismatch", "keras.PiecewiseConstantDecay(boundaries=[3, 6], values=[0.1, 0.05])", 3),
    ("polynomial", "keras.PolynomialDecay(initial_learning_rate=0.1, decay_steps=8)", 12),
    ("polynomial power end", "keras.PolynomialDecay(initial_learning_rate=0.1, decay_steps=5, end_learning_rate=0.01, "
                             "power=2.0)", 8),
    ("polynomial cycle", "keras.PolynomialDecay(initial_learning_rate=0.1, decay_steps=4, end_learning_rate=0.001, "
                         "power=0.5, cycle=True)", 14),
    ("polynomial zero steps", "keras.PolynomialDecay(initial_learning_rate=0.1, decay_steps=0)", 3),
    ("inverse time", "keras.InverseTimeDecay(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5)", 10),
    ("inverse time staircase", "keras.InverseTimeDecay(initial_learning_rate=0.1, decay_steps=3, decay_rate=1.0, "
                               "staircase=True)", 10),
    ("cosine", "keras.CosineDecay(initial_learning_rate=0.1, decay_steps=10)", 14),
    ("cosine alpha", "keras.CosineDecay(initial_learning_rate=0.1, decay_steps=6, alpha=0.1)", 9),
    ("cosine warmup", "keras.CosineDecay(initial_learning_rate=0.0, decay_steps=8, warmup_target=0.1, warmup_steps=3)", 14),
    ("cosine warmup alpha", "keras.CosineDecay(initial_learning_rate=0.01, decay_steps=5, alpha=0.05, "
                            "warmup_target=0.2, warmup_steps=2, name='warm')", 10),
    ("cosine zero steps", "keras.CosineDecay(initial_learning_rate=0.1, decay_steps=0)", 3),
    ("restarts", "keras.CosineDecayRestarts(initial_learning_rate=0.1, first_decay_steps=3)", 25),
    ("restarts t_mul 1 m_mul", "keras.CosineDecayRestarts(initial_learning_rate=0.1, first_decay_steps=4, t_mul=1.0, "
                               "m_mul=0.5, alpha=0.1)", 18),
    ("restarts t_mul 1.5", "keras.CosineDecayRestarts(initial_learning_rate=0.2, first_decay_steps=2, t_mul=1.5, "
                           "m_mul=0.9)", 20),
    ("restarts zero", "keras.CosineDecayRestarts(initial_learning_rate=0.1, first_decay_steps=0)", 3),
    ("exponential growth", "keras.ExponentialDecay(initial_learning_rate=0.001, decay_steps=1, decay_rate=1.1)", 10),
    ("polynomial cycle power", "keras.PolynomialDecay(initial_learning_rate=0.2, decay_steps=3, end_learning_rate=0.02, "
                               "power=2.0, cycle=True)", 12),
    ("inverse time float", "keras.InverseTimeDecay(initial_learning_rate=0.05, decay_steps=1.5, decay_rate=0.25)", 8),
    ("cosine long", "keras.CosineDecay(initial_learning_rate=0.1, decay_steps=50, alpha=0.01)", 60),
    ("restarts t_mul 3 alpha", "keras.CosineDecayRestarts(initial_learning_rate=0.1, first_decay_steps=2, t_mul=3.0, "
                               "m_mul=0.8, alpha=0.05)", 30),
]

G1, G2 = [0.1], [0.1, 0.01]
TRANSFORMERS_CASES = [
    ("linear", "transformers.get_linear_schedule_with_warmup(num_warmup_steps=3, num_training_steps=10)", G2, 13),
    ("linear no warmup", "transformers.get_linear_schedule_with_warmup(num_warmup_steps=0, num_training_steps=6)", G1, 8),
    ("cosine", "transformers.get_cosine_schedule_with_warmup(num_warmup_steps=2, num_training_steps=12)", G2, 16),
    ("cosine cycles", "transformers.get_cosine_schedule_with_warmup(num_warmup_steps=1, num_training_steps=9, "
                      "num_cycles=1.5)", G1, 12),
    ("hard restarts", "transformers.get_cosine_with_hard_restarts_schedule_with_warmup(num_warmup_steps=2, "
                      "num_training_steps=14, num_cycles=3)", G2, 16),
    ("hard restarts default", "transformers.get_cosine_with_hard_restarts_schedule_with_warmup(num_warmup_steps=0, "
                              "num_training_steps=5)", G1, 7),
    ("polynomial", "transformers.get_polynomial_decay_schedule_with_warmup(num_warmup_steps=2, num_training_steps=10, "
                   "lr_end=0.001, power=2.0)", G2, 13),
    ("polynomial default", "transformers.get_polynomial_decay_schedule_with_warmup(num_warmup_steps=1, "
                           "num_training_steps=5)", G1, 8),
    ("polynomial lr_end too big", "transformers.get_polynomial_decay_schedule_with_warmup(num_warmup_steps=1, "
                                  "num_training_steps=5, lr_end=0.5)", G1, 3),
    ("constant", "transformers.get_constant_schedule()", G2, 4),
    ("constant warmup", "transformers.get_constant_schedule_with_warmup(num_warmup_steps=4)", G2, 7),
    ("inverse sqrt", "transformers.get_inverse_sqrt_schedule(num_warmup_steps=3)", G2, 10),
    ("inverse sqrt timescale", "transformers.get_inverse_sqrt_schedule(num_warmup_steps=2, timescale=5)", G1, 10),
    ("inverse sqrt no warmup", "transformers.get_inverse_sqrt_schedule(num_warmup_steps=0)", G1, 5),
    ("cosine min lr", "transformers.get_cosine_with_min_lr_schedule_with_warmup(num_warmup_steps=2, "
                      "num_training_steps=10, min_lr=0.001)", G2, 13),
    ("cosine min lr rate", "transformers.get_cosine_with_min_lr_schedule_with_warmup(num_warmup_steps=1, "
                           "num_training_steps=8, num_cycles=1.0, min_lr_rate=0.1)", G1, 10),
    ("cosine min lr both", "transformers.get_cosine_with_min_lr_schedule_with_warmup(num_warmup_steps=1, "
                           "num_training_steps=8, min_lr=0.001, min_lr_rate=0.1)", G1, 3),
    ("cosine min lr neither", "transformers.get_cosine_with_min_lr_schedule_with_warmup(num_warmup_steps=1, "
                              "num_training_steps=8)", G1, 3),
    ("cosine warmup min lr", "transformers.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(num_warmup_steps=3, "
                             "num_training_steps=10, min_lr_rate=0.05)", G2, 12),
    ("cosine warmup min lr rate", "transformers.get_cosine_with_min_lr_schedule_with_warmup_lr_rate("
                                  "num_warmup_steps=4, num_training_steps=12, min_lr=0.002, warmup_lr_rate=0.1)", G1, 14),
    ("wsd", "transformers.get_wsd_schedule(num_warmup_steps=2, num_decay_steps=4, num_training_steps=10)", G2, 12),
    ("wsd stable cosine warmup", "transformers.get_wsd_schedule(num_warmup_steps=3, num_decay_steps=3, "
                                 "num_stable_steps=2, warmup_type='cosine', decay_type='1-sqrt', min_lr_ratio=0.1)",
     G1, 11),
    ("wsd 1-sqrt warmup linear decay", "transformers.get_wsd_schedule(num_warmup_steps=4, num_decay_steps=2, "
                                       "num_stable_steps=1, warmup_type='1-sqrt', decay_type='linear')", G1, 9),
    ("wsd bad type", "transformers.get_wsd_schedule(num_warmup_steps=1, num_decay_steps=2, num_stable_steps=1, "
                     "decay_type='exp')", G1, 3),
    ("wsd no length", "transformers.get_wsd_schedule(num_warmup_steps=1, num_decay_steps=2)", G1, 3),
    ("get_scheduler linear", "transformers.get_scheduler(name='linear', num_warmup_steps=2, num_training_steps=8)",
     G2, 10),
    ("get_scheduler cosine_with_restarts", "transformers.get_scheduler(name='cosine_with_restarts', num_warmup_steps=1, "
                                           "num_training_steps=11, scheduler_specific_kwargs={'num_cycles': 2})", G1, 13),
    ("get_scheduler constant ignores", "transformers.get_scheduler(name='constant', num_warmup_steps=3, "
                                       "num_training_steps=8)", G1, 5),
    ("get_scheduler constant_with_warmup", "transformers.get_scheduler(name='constant_with_warmup', "
                                           "num_warmup_steps=3)", G1, 6),
    ("get_scheduler inverse_sqrt", "transformers.get_scheduler(name='inverse_sqrt', num_warmup_steps=2)", G1, 8),
    ("get_scheduler polynomial", "transformers.get_scheduler(name='polynomial', num_warmup_steps=1, "
                                 "num_training_steps=6, scheduler_specific_kwargs={'power': 3.0, 'lr_end': 0.0001})",
     G1, 9),
    ("get_scheduler cosine_with_min_lr", "transformers.get_scheduler(name='cosine_with_min_lr', num_warmup_steps=2, "
                                         "num_training_steps=9, scheduler_specific_kwargs={'min_lr_rate': 0.2})", G2, 11),
    ("get_scheduler cosine_warmup_with_min_lr", "transformers.get_scheduler(name='cosine_warmup_with_min_lr', "
                                                "num_warmup_steps=2, num_training_steps=9, "
                                                "scheduler_specific_kwargs={'min_lr': 0.01})", G1, 11),
    ("get_scheduler warmup_stable_decay", "transformers.get_scheduler(name='warmup_stable_decay', num_warmup_steps=2, "
                                          "scheduler_specific_kwargs={'num_decay_steps': 3, 'num_stable_steps': 2})",
     G1, 10),
    ("get_scheduler cosine", "transformers.get_scheduler(name='cosine', num_warmup_steps=3, num_training_steps=10)",
     G1, 12),
    ("get_scheduler missing training", "transformers.get_scheduler(name='cosine', num_warmup_steps=3)", G1, 3),
    ("get_scheduler missing warmup", "transformers.get_scheduler(name='linear', num_training_steps=3)", G1, 3),
]
TIMM_CASES = [
    ("cosine", "timm.CosineLRScheduler(t_initial=10)", G2, 14, None),
    ("cosine lr_min warmup", "timm.CosineLRScheduler(t_initial=12, lr_min=0.001, warmup_t=3, warmup_lr_init=0.0001)",
     G2, 16, None),
    ("cosine warmup prefix", "timm.CosineLRScheduler(t_initial=8, lr_min=0.002, warmup_t=2, warmup_lr_init=0.001, "
                             "warmup_prefix=True)", G1, 14, None),
    ("cosine cycles", "timm.CosineLRScheduler(t_initial=5, cycle_decay=0.5, cycle_limit=3)", G2, 20, None),
    ("cosine cycle_mul", "timm.CosineLRScheduler(t_initial=4, cycle_mul=2.0, cycle_decay=0.8, cycle_limit=4, "
                         "lr_min=0.0005)", G1, 40, None),
    ("cosine cycle_mul fractional", "timm.CosineLRScheduler(t_initial=3, cycle_mul=1.5, cycle_limit=5)", G1, 30, None),
    ("cosine k_decay", "timm.CosineLRScheduler(t_initial=10, k_decay=0.5, lr_min=0.001)", G2, 13, None),
    ("cosine per update", "timm.CosineLRScheduler(t_initial=30, warmup_t=5, warmup_lr_init=0.0, t_in_epochs=False)",
     G1, 34, None),
    ("cosine noise", "timm.CosineLRScheduler(t_initial=10, noise_range_t=[2, 8], noise_pct=0.2, noise_seed=7)", G2,
     12, None),
    ("cosine noise from", "timm.CosineLRScheduler(t_initial=10, noise_range_t=3, noise_std=0.5)", G1, 12, None),
    ("cosine bad t_initial", "timm.CosineLRScheduler(t_initial=0)", G1, 3, None),
    ("poly", "timm.PolyLRScheduler(t_initial=10)", G2, 13, None),
    ("poly power lr_min warmup", "timm.PolyLRScheduler(t_initial=8, power=2.0, lr_min=0.001, warmup_t=2, "
                                 "warmup_lr_init=0.01)", G1, 12, None),
    ("poly cycles k_decay", "timm.PolyLRScheduler(t_initial=4, power=1.0, cycle_limit=3, cycle_decay=0.7, "
                            "k_decay=2.0)", G1, 14, None),
    ("tanh", "timm.TanhLRScheduler(t_initial=10)", G2, 13, None),
    ("tanh warmup", "timm.TanhLRScheduler(t_initial=10, lb=-6.0, ub=4.0, lr_min=0.001, warmup_t=3, "
                    "warmup_lr_init=0.0001)", G2, 15, None),
    ("tanh warmup prefix cycles", "timm.TanhLRScheduler(t_initial=5, warmup_t=2, warmup_prefix=True, cycle_limit=2, "
                                  "cycle_mul=2.0)", G1, 20, None),
    ("tanh bad bounds", "timm.TanhLRScheduler(t_initial=5, lb=3.0, ub=-7.0)", G1, 3, None),
    ("step", "timm.StepLRScheduler(decay_t=3, decay_rate=0.5)", G2, 12, None),
    ("step warmup", "timm.StepLRScheduler(decay_t=2.5, decay_rate=0.8, warmup_t=2, warmup_lr_init=0.001)", G1, 12, None),
    ("step warmup not prefix", "timm.StepLRScheduler(decay_t=4, decay_rate=0.1, warmup_t=3, warmup_prefix=False)",
     G1, 12, None),
    ("step per update noise", "timm.StepLRScheduler(decay_t=5, decay_rate=0.5, t_in_epochs=False, "
                              "noise_range_t=[3, 9], noise_pct=0.5)", G2, 14, None),
    ("multistep", "timm.MultiStepLRScheduler(decay_t=[3, 6, 8], decay_rate=0.5)", G2, 11, None),
    ("multistep warmup", "timm.MultiStepLRScheduler(decay_t=[4, 7], decay_rate=0.1, warmup_t=2, warmup_lr_init=0.0)",
     G1, 11, None),
    ("plateau", "timm.PlateauLRScheduler(decay_rate=0.5, patience_t=1)", G2, 12,
     [0.5, 0.6, 0.6, 0.6, 0.7, 0.7, 0.7, 0.7, 0.8, 0.8, 0.8]),
    ("plateau min warmup cooldown", "timm.PlateauLRScheduler(decay_rate=0.3, patience_t=0, cooldown_t=1, warmup_t=2, "
                                    "warmup_lr_init=0.01, lr_min=0.002, mode='min')", G1, 12,
     [1.0, 0.9, 0.9, 0.95, 0.96, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1]),
    ("plateau noise uniform", "timm.PlateauLRScheduler(decay_rate=0.5, patience_t=1, noise_range_t=[2, 7], "
                              "noise_type='uniform', noise_pct=0.3, noise_seed=5)", G2, 10,
     [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]),
    ("plateau noise normal", "timm.PlateauLRScheduler(patience_t=2, noise_range_t=1)", G1, 8,
     [0.1, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3]),
]


def timm_case(name, spec, base_lrs, steps, metrics, sched_mod):
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in base_lrs]
    opt = SGD([{"params": [p], "lr": lr} for p, lr in zip(params, base_lrs)], lr=base_lrs[0], momentum=0.9)
    ns = types.SimpleNamespace(**{n: (lambda cls: lambda **k: cls(opt, **k))(getattr(sched_mod, n))
                                  for n in ["CosineLRScheduler", "StepLRScheduler", "MultiStepLRScheduler",
                                            "PlateauLRScheduler", "PolyLRScheduler", "TanhLRScheduler"]})
    case = {"name": name, "spec": spec, "base_lrs": base_lrs, "steps": steps}
    if metrics is not None:
        case["metrics"] = metrics
    try:
        sched = eval(spec, {"__builtins__": {}}, {"timm": ns})
    except Exception as e:
        case.update(raises_at_row=0, error="%s: %s" % (type(e).__name__, e), lr=[])
        return case
    lrs = [[g["lr"] for g in opt.param_groups]]
    for t in range(1, steps):  # timm's loops: step(epoch + 1, metric) per epoch, step_update(num_updates) per update
        if metrics is not None:
            sched.step(t, metrics[t - 1])
        elif sched.t_in_epochs:
            sched.step(t)
        else:
            sched.step_update(t)
        lrs.append([g["lr"] for g in opt.param_groups])
    case["lr"] = lrs
    return case


PLATEAU = ("get_scheduler reduce_lr_on_plateau", "transformers.get_scheduler(name='reduce_lr_on_plateau', "
           "scheduler_specific_kwargs={'patience': 1, 'factor': 0.5})", G2, 10,
           [1.0, 0.9, 0.95, 0.96, 0.97, 0.8, 0.81, 0.82, 0.83])


def write(library, head, cases):
    out = os.path.join(HERE, "..", "src", "test", "resources", "fixtures", "foreign-%s.json" % library)
    with open(out, "w") as f:
        f.write(json.dumps(head)[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")
    print("wrote %d cases to %s" % (len(cases), os.path.normpath(out)))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "/tmp/foreign"
    optax, hashes = optax_namespace(root)
    write("optax", {"generator": "tools/gen_foreign_fixtures.py", "library": COMMITS["optax"], "sha256": hashes,
                    "dtype": "float64 (NumPy shim of jax.numpy)"},
          [function_case(n, s, "optax", optax, st) for n, s, st in OPTAX_CASES])
    keras, hashes = keras_namespace(root)
    write("keras", {"generator": "tools/gen_foreign_fixtures.py", "library": COMMITS["keras"], "sha256": hashes,
                    "dtype": "float64 (NumPy shim of keras.ops)"},
          [function_case(n, s, "keras", keras, st) for n, s, st in KERAS_CASES])
    tf, h = load(os.path.join(root, "transformers", "optimization.py"), "transformers_optimization")
    cases = [transformers_case(n, s, tf, l, st) for n, s, l, st in TRANSFORMERS_CASES]
    cases.append(transformers_case(PLATEAU[0], PLATEAU[1], tf, PLATEAU[2], PLATEAU[3], metrics=PLATEAU[4]))
    write("transformers", {"generator": "tools/gen_foreign_fixtures.py", "library": COMMITS["transformers"],
                           "sha256": {"optimization.py (scheduler part)": h}, "torch_version": torch.__version__},
          cases)
    sys.path.insert(0, os.path.join(root, "timm_pkg"))  # timm/scheduler/{TIMM_FILES} under an empty timm package
    import importlib
    mods = {f: importlib.import_module("timm.scheduler." + f[:-3]) for f in TIMM_FILES}
    sched_mod = types.SimpleNamespace(
        CosineLRScheduler=mods["cosine_lr.py"].CosineLRScheduler, StepLRScheduler=mods["step_lr.py"].StepLRScheduler,
        MultiStepLRScheduler=mods["multistep_lr.py"].MultiStepLRScheduler,
        PlateauLRScheduler=mods["plateau_lr.py"].PlateauLRScheduler, PolyLRScheduler=mods["poly_lr.py"].PolyLRScheduler,
        TanhLRScheduler=mods["tanh_lr.py"].TanhLRScheduler)
    hashes = {f: hashlib.sha256(open(os.path.join(root, "timm_pkg", "timm", "scheduler", f), "rb").read()).hexdigest()
              for f in TIMM_FILES}
    write("timm", {"generator": "tools/gen_foreign_fixtures.py", "library": COMMITS["timm"], "sha256": hashes,
                   "torch_version": torch.__version__},
          [timm_case(n, s, l, st, m, sched_mod) for n, s, l, st, m in TIMM_CASES])


if __name__ == "__main__":
    main()

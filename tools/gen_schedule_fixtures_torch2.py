#!/usr/bin/python3
"""PyTorch 2.x golden fixtures for Anneal's torch='2' choice, from PyTorch 2.x's own scheduler code.

PyTorch 2.x is not installable here (no PyPI), so this runs PyTorch 2.x's torch/optim/lr_scheduler.py on top of
the installed PyTorch 1.13 optimizer with two small import shims: the file's relative import
`from .optimizer import _to_scalar, Optimizer` gets 1.13's Optimizer and a one-line _to_scalar, and it is loaded
as a module of a throw-away package. The file itself is not part of Anneal (never committed): fetch it from
pytorch/pytorch and pass its path and the commit it came from:

    /usr/bin/python3 tools/gen_schedule_fixtures_torch2.py /tmp/torch2/lr_scheduler.py 008f727ece1520e12c25089a7969d5b8fca75f8e

It evaluates the same cases as tools/gen_schedule_fixtures.py (same specs, optimizer and recording; one
base lr per group, SGD with momentum 0.9) plus the 2.x-specific ones, and writes
src/test/resources/fixtures/schedules-torch2.json with the commit and the file's SHA-256 in its header.
"""
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import types

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_schedule_fixtures as gen  # noqa: E402  (the 1.13 generator: cases, namespace, run_case)


def load_torch2_scheduler(path):
    """PyTorch 2.x's lr_scheduler.py as a module whose `.optimizer` is a shim over 1.13's Optimizer."""
    pkg_dir = tempfile.mkdtemp(prefix="torch2_sched_")
    pkg = os.path.join(pkg_dir, "torch2_shim")
    os.makedirs(pkg)
    shutil.copy(path, os.path.join(pkg, "lr_scheduler.py"))
    with open(os.path.join(pkg, "__init__.py"), "w"):
        pass
    with open(os.path.join(pkg, "optimizer.py"), "w") as f:
        f.write("from torch.optim.optimizer import Optimizer\n"
                "def _to_scalar(x):\n    return x.item() if hasattr(x, 'item') else x\n")
    sys.path.insert(0, pkg_dir)
    import torch2_shim.lr_scheduler as lr_scheduler  # noqa: E402
    return lr_scheduler


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_schedule_fixtures_torch2.py PATH/TO/lr_scheduler.py COMMIT")
    path, commit = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    gen.L = load_torch2_scheduler(path)  # the 1.13 generator's namespace now builds 2.x's classes
    cases = []
    for name, spec, lrs, steps in gen.CASES:
        cases.append(gen.run_case(name, spec, lrs, steps, metrics=gen.PLATEAU_METRICS.get(name)))
    for name, spec, lrs, epochs in gen.EPOCH_CASES:
        cases.append(gen.run_case(name, spec, lrs, len(epochs) + 1, epochs=epochs))
    for name, spec, lrs, steps, metrics in gen.random_cases():
        cases.append(gen.run_case(name, spec, lrs, steps, metrics=metrics))
    for name, spec, lrs, steps in gen.RESUME_CASES:
        cases.append(gen.run_case(name, spec, lrs, steps, resumed=True))
    for name, spec, lrs, steps in gen.TORCH2_CASES:
        cases.append(gen.run_case(name, spec, lrs, steps))
    out = os.path.join(HERE, "..", "src", "test", "resources", "fixtures", "schedules-torch2.json")
    with open(out, "w") as f:
        head = {"generator": "tools/gen_schedule_fixtures_torch2.py", "torch": "2",
                "lr_scheduler_py": "pytorch/pytorch torch/optim/lr_scheduler.py @ " + commit,
                "lr_scheduler_py_sha256": sha, "optimizer": "torch " + torch.__version__ + " SGD (shimmed)"}
        f.write(json.dumps(head)[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")
    print("wrote %d cases to %s" % (len(cases), os.path.normpath(out)))


if __name__ == "__main__":
    main()

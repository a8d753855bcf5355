#!/usr/bin/python3
"""Golden fixtures for Anneal's training engine, computed by PyTorch (Debian python3-torch 1.13, CPU, fp32).

Writes src/test/resources/fixtures/training_step.json and sgd_updates.json. Run from the repository root:

    /usr/bin/python3 tools/gen_training_fixtures.py

training_step.json: an MLP of nn.Linear + nn.ReLU with PyTorch's default initialisation, two batches,
F.cross_entropy (mean), torch.optim.SGD(momentum=0.9, nesterov=True, weight_decay=5e-4): the initial
parameters, the first batch's loss and every gradient, the parameters after the first step, and the loss and
parameters after a second step on another batch at another lr (so the momentum buffer's second-step branch is
covered). Shapes are odd on purpose (37-33-17-5, batch 9) to hit the kernels' edge paths.

training_step_panels.json: the same for 37-128-10 at batch 13, whose first layer (128 outputs, a multiple of
the panel width on AVX2 and AVX-512) takes the CPU backend's panel-layout kernels (Panels), with odd row counts.

sgd_updates.json: torch.optim.SGD on one 13-element tensor for 5 steps with given gradients and an lr (and,
in some cases, a momentum and a weight decay) that changes every step, for combinations of momentum, dampening,
nesterov and weight decay; the parameter and momentum-buffer values after every step.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join("src", "test", "resources", "fixtures")


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def training_step(sizes=(37, 33, 17, 5), batch=9):
    torch.manual_seed(1234)
    sizes = list(sizes)
    layers = [torch.nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)]
    params = []
    for layer in layers:
        params += [layer.weight, layer.bias]

    def forward(x):
        for i, layer in enumerate(layers):
            x = layer(x)
            if i < len(layers) - 1:
                x = torch.relu(x)
        return x

    x1 = torch.randn(batch, sizes[0])
    y1 = torch.randint(0, sizes[-1], (batch,))
    x2 = torch.randn(batch, sizes[0])
    y2 = torch.randint(0, sizes[-1], (batch,))
    initial = [flat(p) for p in params]
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)

    opt.zero_grad()
    loss1 = F.cross_entropy(forward(x1), y1)
    loss1.backward()
    grads1 = [flat(p.grad) for p in params]
    opt.step()
    after1 = [flat(p) for p in params]

    for g in opt.param_groups:
        g["lr"] = 0.05
    opt.zero_grad()
    loss2 = F.cross_entropy(forward(x2), y2)
    loss2.backward()
    opt.step()
    after2 = [flat(p) for p in params]
    return {
        "torch": torch.__version__,
        "sizes": sizes,
        "batch": batch,
        "sgd": {"momentum": 0.9, "dampening": 0.0, "nesterov": True, "weight_decay": 5e-4},
        "lrs": [0.1, 0.05],
        "x": [flat(x1), flat(x2)],
        "y": [[int(v) for v in y1.tolist()], [int(v) for v in y2.tolist()]],
        "initial": initial,
        "loss": [float(loss1), float(loss2)],
        "grads_step1": grads1,
        "params_step1": after1,
        "params_step2": after2,
    }


def sgd_updates():
    cases = [
        {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
        {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.01},
        {"momentum": 0.9, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
        {"momentum": 0.9, "dampening": 0.0, "nesterov": True, "weight_decay": 0.0},
        {"momentum": 0.9, "dampening": 0.0, "nesterov": True, "weight_decay": 5e-4},
        {"momentum": 0.9, "dampening": 0.3, "nesterov": False, "weight_decay": 0.01},
        {"momentum": 0.5, "dampening": 0.5, "nesterov": False, "weight_decay": 0.0},
        {"momentum": 0.95, "dampening": 0.0, "nesterov": True, "weight_decay": 5e-4,
         "momentum_per_step": [0.95, 0.93, 0.91, 0.89, 0.85]},
        # a co-scheduled weight decay: param_groups[0]['weight_decay'] set before every step, down to 0 (no decay)
        {"momentum": 0.9, "dampening": 0.0, "nesterov": False, "weight_decay": 0.01,
         "weight_decay_per_step": [0.01, 0.0075, 0.005, 0.0025, 0.0]},
        {"momentum": 0.95, "dampening": 0.0, "nesterov": True, "weight_decay": 0.0,
         "momentum_per_step": [0.95, 0.9, 0.85, 0.9, 0.95],
         "weight_decay_per_step": [0.0, 1e-3, 5e-2, 1e-3, 0.0]},
    ]
    lrs = [0.1, 0.05, 0.2, 0.01, 0.1]
    out = []
    torch.manual_seed(99)
    for case in cases:
        p = torch.nn.Parameter(torch.randn(13))
        grads = [torch.randn(13) for _ in lrs]
        initial = flat(p)
        opt = torch.optim.SGD([p], lr=lrs[0], momentum=case["momentum"], dampening=case["dampening"],
                              nesterov=case["nesterov"], weight_decay=case["weight_decay"])
        params, buffers = [], []
        moms = case.get("momentum_per_step", [case["momentum"]] * len(lrs))
        wds = case.get("weight_decay_per_step", [case["weight_decay"]] * len(lrs))
        for step, lr in enumerate(lrs):
            opt.param_groups[0]["lr"] = lr
            opt.param_groups[0]["momentum"] = moms[step]
            opt.param_groups[0]["weight_decay"] = wds[step]
            p.grad = grads[step].clone()
            opt.step()
            params.append(flat(p))
            buf = opt.state[p].get("momentum_buffer")
            buffers.append(flat(buf) if buf is not None else None)
        out.append(dict(case, lrs=lrs, momenta=moms, weight_decays=wds, initial=initial, grads=[flat(g) for g in grads],
                        params=params, buffers=buffers))
    return {"torch": torch.__version__, "cases": out}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in [("training_step.json", training_step()), ("sgd_updates.json", sgd_updates()),
                       ("training_step_panels.json", training_step((37, 128, 10), 13))]:
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
        print("wrote", os.path.join(OUT, name))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""PyTorch peer of `anneal gpu-check`: the same training step on the same GPU, timed the same way.

Model 784-256-10 (nn.Linear, ReLU), softmax cross-entropy, torch.optim.SGD(momentum=0.9, nesterov=True)
with weight decay 5e-4 on weights and none on biases, batch 128, the lr written into both param groups
before every step (as a schedule does). The training set (55,000 x 784 floats, random values: only the
time matters here) lives on the device and each step gathers its batch through a device permutation,
like anneal's CUDA backend. GPU time per step is measured with CUDA events around --steps steps after a
warm-up; the same step captured as a CUDA graph (torch.cuda.graphs) is timed too when it can be captured.

    python3 tools/gpu_torch_peer.py --device cuda:0 --steps 500 --json OUT.json
    python3 tools/gpu_torch_peer.py --device cpu --steps 20      (a smoke test without a GPU: wall clock)

Writes JSON: torch, device, batch, steps, eager_us_per_step, graph_us_per_step (when captured),
kernels_per_step (CUDA kernels in one eager step, from the profiler, when available).
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def build(device, features=784, hidden=256, classes=10, train=55000, seed=1):
    g = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, classes)).to(device)
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in model.named_parameters() if n.endswith("bias")]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": 5e-4}, {"params": biases, "weight_decay": 0.0}],
                          lr=0.05, momentum=0.9, nesterov=True)
    x = torch.randn(train, features, generator=g).to(device)
    y = torch.randint(0, classes, (train,), generator=g).to(device)
    perm = torch.randperm(train, generator=g).to(device)
    return model, opt, x, y, perm


def make_step(model, opt, x, y, perm, batch):
    def step(offset, lr):
        for group in opt.param_groups:
            group["lr"] = lr
        idx = perm[offset:offset + batch]
        loss = F.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        return loss
    return step


def time_eager(step, device, steps, batch, batches):
    for s in range(20):
        step((s % batches) * batch, 0.05)
    if device.type == "cuda":
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        torch.cuda.synchronize(device)
        start.record()
        for s in range(steps):
            step((s % batches) * batch, 0.05)
        stop.record()
        stop.synchronize()
        return start.elapsed_time(stop) * 1000.0 / steps
    t0 = time.perf_counter()
    for s in range(steps):
        step((s % batches) * batch, 0.05)
    return (time.perf_counter() - t0) * 1e6 / steps


def time_graph(model, opt, x, y, perm, batch, steps, device):
    """The whole step (fixed batch offset 0, fixed lr) captured once and replayed."""
    static_idx = perm[:batch].clone()
    side = torch.cuda.Stream(device)
    side.wait_stream(torch.cuda.current_stream(device))
    with torch.cuda.stream(side):
        for _ in range(3):
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x[static_idx]), y[static_idx]).backward()
            opt.step()
    torch.cuda.current_stream(device).wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    # set_to_none=True: backward inside the capture allocates .grad from the graph's pool and assigns it, so
    # each replay computes fresh gradients (with set_to_none=False the captured backward accumulates into
    # the existing .grad and every replay adds to the last one's gradients)
    opt.zero_grad(set_to_none=True)
    with torch.cuda.graph(graph):
        loss = F.cross_entropy(model(x[static_idx]), y[static_idx])
        loss.backward()
        opt.step()
    for _ in range(20):
        graph.replay()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(steps):
        graph.replay()
    stop.record()
    stop.synchronize()
    return start.elapsed_time(stop) * 1000.0 / steps


def count_kernels(step, batch):
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for s in range(5):
            step(s * batch, 0.05)
        torch.cuda.synchronize()
    kernels = [e for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]
    return round(len(kernels) / 5)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda:0")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()
    if a.batch < 1 or a.steps < 1:
        sys.exit("gpu_torch_peer: --batch and --steps must be >= 1")
    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("gpu_torch_peer: torch %s sees no CUDA device" % torch.__version__)
    torch.backends.cuda.matmul.allow_tf32 = False  # fp32, as anneal's kernels
    torch.backends.cudnn.allow_tf32 = False
    model, opt, x, y, perm = build(device)
    batches = x.shape[0] // a.batch
    step = make_step(model, opt, x, y, perm, a.batch)
    result = {"torch": torch.__version__, "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
              "batch": a.batch, "steps": a.steps,
              "eager_us_per_step": time_eager(step, device, a.steps, a.batch, batches)}
    if device.type == "cuda":
        try:
            result["kernels_per_step"] = count_kernels(step, a.batch)
        except Exception as e:  # the profiler is optional
            result["kernels_per_step_error"] = str(e)
        try:
            result["graph_us_per_step"] = time_graph(model, opt, x, y, perm, a.batch, a.steps, device)
        except Exception as e:
            result["graph_error"] = str(e)
    print(json.dumps(result, indent=2))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()

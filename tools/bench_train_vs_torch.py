#!/usr/bin/python3
"""PyTorch (Debian python3-torch 1.13, OpenBLAS) peer of Anneal's CPU training benchmark, tools/bench_cpu.sh.

Trains exactly the run that `java -cp anneal.jar anneal.peer.PeerBench run` trains, from the files that
`PeerBench export DIR` wrote (anneal.peer.PeerProtocol): Anneal's normalised train/validation/test split, its
initial weights, its batch order for every epoch and its OneCycleLR lr and momentum for every step. The SHA-256
of every array is recomputed here from the bytes this script trains on and compared with the export's manifest.

Model 784-256-10 (nn.Linear, ReLU), F.cross_entropy, torch.optim.SGD(momentum, nesterov=True, weight_decay) with
param_groups[0]['lr'] and ['momentum'] set before every step. Warm-up as Anneal's trainer: a throwaway copy of
the model, lr 0, at least `warmup_steps` steps and `warmup_seconds` seconds (at most 20x the steps), then one
test-set evaluation. Timed region as Anneal's: the training steps, with a validation and a test evaluation after
each epoch off the clock (AlgoPerf's rule); time to target as Anneal's trainer counts it: the training time up to
the end of the first epoch whose validation accuracy reaches the target; all epochs run.

    OPENBLAS_NUM_THREADS=N /usr/bin/python3 tools/bench_train_vs_torch.py --export DIR --threads T [--load]

Prints one JSON line: ms_per_step, samples_per_s, time_to_target, final_test_acc, the torch version, torch's
thread count, the BLAS library loaded and OpenBLAS's own thread count, and hashes_ok.
"""
import argparse
import ctypes
import hashlib
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F


def blas_info():
    """The BLAS shared object this process loaded, and OpenBLAS's config and thread count if it is OpenBLAS."""
    libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.split()[-1]})
    info = {"blas_libs": libs}
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_num_threads.restype = ctypes.c_int
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            info["openblas_threads"] = lib.openblas_get_num_threads()
            info["openblas_config"] = lib.openblas_get_config().decode()
            info["openblas_core"] = lib.openblas_get_corename().decode()
            break
        except (OSError, AttributeError):
            continue
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", required=True, help="directory written by PeerBench export")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    args = ap.parse_args()
    if args.threads < 1:
        raise SystemExit(f"bench_train_vs_torch: --threads={args.threads} is not allowed; allowed: >= 1")
    torch.set_num_threads(args.threads)
    t_setup = time.perf_counter()
    d = args.export
    man = json.load(open(os.path.join(d, "manifest.json")))
    ins, hid, out = man["sizes"]
    n, nv, nt, epochs, batch, steps = (man[k] for k in ("train", "validation", "test", "epochs", "batch", "steps"))

    def load(name, dtype, shape):
        a = np.fromfile(os.path.join(d, name), dtype=dtype)
        return a.reshape(shape)

    arrays = {
        "train_x.f32": load("train_x.f32", "<f4", (n, ins)), "train_y.u8": load("train_y.u8", "u1", (n,)),
        "val_x.f32": load("val_x.f32", "<f4", (nv, ins)), "val_y.u8": load("val_y.u8", "u1", (nv,)),
        "test_x.f32": load("test_x.f32", "<f4", (nt, ins)), "test_y.u8": load("test_y.u8", "u1", (nt,)),
        "order.i32": load("order.i32", "<i4", (epochs, n)),
        "w0.f32": load("w0.f32", "<f4", (hid, ins)), "b0.f32": load("b0.f32", "<f4", (hid,)),
        "w1.f32": load("w1.f32", "<f4", (out, hid)), "b1.f32": load("b1.f32", "<f4", (out,)),
        "lr.f64": load("lr.f64", "<f8", (steps,)), "momentum.f64": load("momentum.f64", "<f8", (steps,)),
    }
    xtr = torch.from_numpy(arrays["train_x.f32"].copy())
    ytr = torch.from_numpy(arrays["train_y.u8"].astype(np.int64))
    xva, yva = torch.from_numpy(arrays["val_x.f32"].copy()), torch.from_numpy(arrays["val_y.u8"].astype(np.int64))
    xte, yte = torch.from_numpy(arrays["test_x.f32"].copy()), torch.from_numpy(arrays["test_y.u8"].astype(np.int64))
    orders = torch.from_numpy(arrays["order.i32"].astype(np.int64))
    lrs, moms = arrays["lr.f64"].tolist(), arrays["momentum.f64"].tolist()
    # hashes of what is trained on: the tensors' own bytes (labels and orders before widening)
    used = {"train_x.f32": xtr.numpy(), "val_x.f32": xva.numpy(), "test_x.f32": xte.numpy(),
            "train_y.u8": ytr.numpy().astype(np.uint8), "val_y.u8": yva.numpy().astype(np.uint8),
            "test_y.u8": yte.numpy().astype(np.uint8), "order.i32": orders.numpy().astype("<i4"),
            "lr.f64": np.asarray(lrs, dtype="<f8"), "momentum.f64": np.asarray(moms, dtype="<f8")}

    def make():
        model = torch.nn.Sequential(torch.nn.Linear(ins, hid), torch.nn.ReLU(), torch.nn.Linear(hid, out))
        with torch.no_grad():
            model[0].weight.copy_(torch.from_numpy(arrays["w0.f32"]))
            model[0].bias.copy_(torch.from_numpy(arrays["b0.f32"]))
            model[2].weight.copy_(torch.from_numpy(arrays["w1.f32"]))
            model[2].bias.copy_(torch.from_numpy(arrays["b1.f32"]))
        opt = torch.optim.SGD(model.parameters(), lr=lrs[0], momentum=man["momentum"], nesterov=man["nesterov"],
                              weight_decay=man["weight_decay"])
        return model, opt

    def step(model, opt, xb, yb, lr, mom):
        g = opt.param_groups[0]
        g["lr"], g["momentum"] = lr, mom
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    def evaluate(model, xs, ys):
        with torch.no_grad():
            logits = model(xs)
            return float(F.cross_entropy(logits, ys)), float((logits.argmax(1) == ys).float().mean())

    spe = (n + batch - 1) // batch
    wm, wo = make()
    start, s = time.perf_counter(), 0
    while s < man["warmup_steps"] or (s < 20 * man["warmup_steps"] and time.perf_counter() - start < man["warmup_seconds"]):
        idx = orders[0, (s % spe) * batch:(s % spe + 1) * batch]
        step(wm, wo, xtr[idx], ytr[idx], 0.0, moms[0])
        s += 1
    warmup_steps, warmup_s = s, time.perf_counter() - start
    evaluate(wm, xte, yte)

    model, opt = make()
    params = [p.detach().numpy() for p in model.parameters()]
    used.update({"w0.f32": params[0], "b0.f32": params[1], "w1.f32": params[2], "b1.f32": params[3]})
    hashes = {k: hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest() for k, v in used.items()}
    mismatched = sorted(k for k in man["sha256"] if hashes.get(k) != man["sha256"][k])
    setup = time.perf_counter() - t_setup
    train_s = 0.0
    samples = done = 0
    time_to_target = epochs_to_target = None
    test_acc = float("nan")
    for epoch in range(epochs):
        t0 = time.perf_counter()
        for s in range(spe):
            idx = orders[epoch, s * batch:(s + 1) * batch]
            loss = step(model, opt, xtr[idx], ytr[idx], lrs[done], moms[done])
            samples += len(idx)
            done += 1
        train_s += time.perf_counter() - t0
        _, val_acc = evaluate(model, xva, yva)  # off the clock, as Anneal's trainer
        _, test_acc = evaluate(model, xte, yte)
        if time_to_target is None and val_acc >= man["target"]:
            time_to_target, epochs_to_target = train_s, epoch + 1
    info = {"peer": "pytorch", "version": "PyTorch " + torch.__version__ + " (Debian python3-torch)",
            "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
            "openblas_env": os.environ.get("OPENBLAS_NUM_THREADS"),
            "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE"), "steps": done, "warmup_steps": warmup_steps,
            "warmup_s": warmup_s,
            "train_s": train_s, "ms_per_step": 1e3 * train_s / done, "samples_per_s": samples / train_s,
            "time_to_target": time_to_target, "epochs_to_target": epochs_to_target, "final_test_acc": test_acc,
            "final_loss": float(loss), "setup_s": setup, "hashes_ok": not mismatched, "hash_mismatches": mismatched}
    info.update(blas_info())
    info["blas"] = ("OpenBLAS " + info["openblas_config"] + ", " + str(info["openblas_threads"]) + " threads"
                    if "openblas_config" in info else ", ".join(info["blas_libs"]) or "none found")
    print(json.dumps(info))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch peer of Anneal's `train` command for tools/bench_train_vs_torch.sh.

Same task and protocol as `anneal train`: Fashion-MNIST from the Debian IDX files, 5,000 training images held
out for validation (seeded), pixels scaled to [0, 1] and normalised with the mean/std of the remaining 55,000,
MLP 784-256-10 (nn.Linear default init, ReLU), F.cross_entropy, torch.optim.SGD(lr, momentum, nesterov,
weight_decay), a schedule stepped per batch (OneCycleLR), batches of 128 with the last partial batch kept
(DataLoader's drop_last=False), a seeded shuffle per epoch, evaluation of validation and test at every epoch end,
stop at the first evaluation whose test accuracy reaches the target.

Timed region as Anneal's: training steps + evaluations; data loading, model creation and a warm-up of a few
steps on a throwaway model happen before it. The data is held as tensors and batches are gathered by index
(the fastest plain-PyTorch idiom: no DataLoader worker overhead).

Prints one JSON line: samples_per_s (training samples / training seconds), time_to_target, epochs_to_target,
final and per-epoch test accuracy.
"""
import argparse
import gzip
import json
import math
import os
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(d, base):
    for name in (base + ".gz", base):
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    raise SystemExit(f"{d}: {base}(.gz) missing; apt-get install dataset-fashion-mnist")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--max-lr", type=float, default=0.1)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--weight-decay", type=float, default=5e-4)
    ap.add_argument("--target", type=float, default=0.88)
    ap.add_argument("--validation", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warmup-steps", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    t_setup = time.perf_counter()

    x = read_idx(find(args.data, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0
    y = read_idx(find(args.data, "train-labels-idx1-ubyte")).astype(np.int64)
    xt = read_idx(find(args.data, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0
    yt = read_idx(find(args.data, "t10k-labels-idx1-ubyte")).astype(np.int64)
    perm = np.random.default_rng(args.seed).permutation(len(x))
    val_idx, train_idx = np.sort(perm[:args.validation]), np.sort(perm[args.validation:])
    mean, std = x[train_idx].mean(), x[train_idx].std()
    norm = lambda a: torch.from_numpy((a - mean) / std)
    xtr, ytr = norm(x[train_idx]), torch.from_numpy(y[train_idx])
    xva, yva = norm(x[val_idx]), torch.from_numpy(y[val_idx])
    xte, yte = norm(xt), torch.from_numpy(yt)
    n = len(xtr)
    steps_per_epoch = math.ceil(n / args.batch)

    def make():
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, nesterov=True,
                              weight_decay=args.weight_decay)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.max_lr,
                                                    total_steps=args.epochs * steps_per_epoch)
        return model, opt, sched

    def step(model, opt, xb, yb):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    def evaluate(model, xs, ys):
        with torch.no_grad():
            logits = model(xs)
            return float(F.cross_entropy(logits, ys)), float((logits.argmax(1) == ys).float().mean())

    # warm-up on a throwaway model (outside the timed region, as Anneal's JIT warm-up)
    wm, wo, _ = make()
    for s in range(args.warmup_steps):
        step(wm, wo, xtr[s * args.batch:(s + 1) * args.batch], ytr[s * args.batch:(s + 1) * args.batch])
    evaluate(wm, xte, yte)

    torch.manual_seed(args.seed)
    model, opt, sched = make()
    gen = torch.Generator().manual_seed(args.seed)
    setup = time.perf_counter() - t_setup
    train_s = eval_s = 0.0
    samples = 0
    records = []
    time_to_target = epochs_to_target = None
    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=gen)
        for s in range(steps_per_epoch):
            idx = order[s * args.batch:(s + 1) * args.batch]
            loss = step(model, opt, xtr[idx], ytr[idx])
            sched.step()
            samples += len(idx)
        train_s += time.perf_counter() - t0
        t1 = time.perf_counter()
        val_loss, val_acc = evaluate(model, xva, yva)
        test_loss, test_acc = evaluate(model, xte, yte)
        eval_s += time.perf_counter() - t1
        records.append({"epoch": epoch + 1, "train_loss_last": float(loss), "val_acc": val_acc, "test_acc": test_acc,
                        "elapsed": train_s + eval_s})
        if test_acc >= args.target:
            time_to_target, epochs_to_target = train_s + eval_s, epoch + 1
            break
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seed": args.seed,
                      "samples_per_s": samples / train_s, "time_to_target": time_to_target,
                      "epochs_to_target": epochs_to_target, "final_test_acc": records[-1]["test_acc"],
                      "setup_s": setup, "records": records}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch reference for bench/run: noisetop's recipe, timed the same way.

784-512-512-10 MLP, ReLU, dropout 0.2, softmax cross-entropy, Adam (lr 1e-3,
betas 0.9/0.999, eps 1e-7 as Keras), batch 128, shuffled each epoch; one
training epoch and one evaluation of the 10000 test images (batches of 128,
as noisetop evaluates), best of --epochs.  MNIST is read from the IDX .gz
files with gzip + struct (no torchvision, no download).

  usage: torch_mlp.py MNIST_DIR [--threads 2] [--epochs 2]
Prints one line: "torch <threads> <s/epoch> <eval s> <val_acc> <version>".
"""
import argparse
import gzip
import os
import struct
import sys
import time


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        sys.exit("torch_mlp: %s: not an unsigned-byte IDX file" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]


def load(d, name):
    for suffix in (".gz", ""):
        img = os.path.join(d, name + "-images-idx3-ubyte" + suffix)
        lab = os.path.join(d, name + "-labels-idx1-ubyte" + suffix)
        if os.path.exists(img) and os.path.exists(lab):
            break
    else:
        sys.exit("torch_mlp: no %s set in %s" % (name, d))
    (n, rows, cols), pix = idx(img)
    _, labels = idx(lab)
    x = torch.frombuffer(bytearray(pix), dtype=torch.uint8)
    x = x.reshape(n, rows * cols).float().div_(255.0)
    y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()
    return x, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(42)
    xtr, ytr = load(args.data, "train")
    xte, yte = load(args.data, "t10k")

    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 10))
    for layer in model:
        if isinstance(layer, torch.nn.Linear):   # Keras: Glorot, zero bias
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999),
                           eps=1e-7)
    lossf = torch.nn.CrossEntropyLoss()
    bs = 128

    def epoch():
        model.train()
        perm = torch.randperm(xtr.shape[0])
        for i in range(0, xtr.shape[0], bs):
            idx_ = perm[i:i + bs]
            opt.zero_grad(set_to_none=True)
            loss = lossf(model(xtr[idx_]), ytr[idx_])
            loss.backward()
            opt.step()

    def evaluate():
        model.eval()
        right = 0
        with torch.inference_mode():
            for i in range(0, xte.shape[0], bs):
                right += (model(xte[i:i + bs]).argmax(1) ==
                          yte[i:i + bs]).sum().item()
        return right / xte.shape[0]

    best_ep = best_ev = float("inf")
    acc = 0.0
    for _ in range(args.epochs):
        t = time.perf_counter()
        epoch()
        best_ep = min(best_ep, time.perf_counter() - t)
        t = time.perf_counter()
        acc = evaluate()
        best_ev = min(best_ev, time.perf_counter() - t)
    print("torch %d %.3f %.3f %.4f %s" % (args.threads, best_ep, best_ev, acc,
                                         torch.__version__))


if __name__ == "__main__":
    try:
        import torch
    except ImportError:
        print("torch: not installed (apt-get install python3-torch)")
        sys.exit(0)
    main()

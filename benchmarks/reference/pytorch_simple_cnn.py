#!/usr/bin/python3
"""PyTorch reference for FedSharp's engine benchmarks: NIID-Bench's simple-cnn on Fashion-MNIST.

Run with Debian's PyTorch 1.13 (`apt-get install python3-torch`): /usr/bin/python3 pytorch_simple_cnn.py ...
  bench: train for --seconds on one thread at --batch-size and print {"samples_per_second": ...}
  train: --epochs over the full training set, evaluate on the test set, print
         {"test_accuracy": ..., "train_seconds": ..., "samples_per_second": ...}
The model, initialisation, preprocessing (ToTensor only: pixels / 255) and optimizer match NIID-Bench's
SimpleCNNMNIST setup, which is what `fedsharp train --model simple-cnn` trains.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class SimpleCNNMNIST(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 4 * 4)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def make_optimizer(model, args):
    return torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)


def step(model, optimizer, xb, yb):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(xb), yb)
    loss.backward()
    optimizer.step()
    return loss


def bench(args):
    x, y = load(args.data_dir, "train")
    model = SimpleCNNMNIST()
    optimizer = make_optimizer(model, args)
    n = x.shape[0] // args.batch_size * args.batch_size
    batches = [(x[i:i + args.batch_size], y[i:i + args.batch_size]) for i in range(0, n, args.batch_size)]
    for xb, yb in batches[:20]:  # warm-up
        step(model, optimizer, xb, yb)
    samples, i = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        xb, yb = batches[i % len(batches)]
        step(model, optimizer, xb, yb)
        samples += args.batch_size
        i += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"samples_per_second": samples / elapsed}))


def train(args):
    x, y = load(args.data_dir, "train")
    xt, yt = load(args.data_dir, "test")
    model = SimpleCNNMNIST()
    optimizer = make_optimizer(model, args)
    generator = torch.Generator().manual_seed(args.seed)
    start = time.perf_counter()
    samples = 0
    for _ in range(args.epochs):
        model.train()
        perm = torch.randperm(x.shape[0], generator=generator)
        for i in range(0, x.shape[0], args.batch_size):
            idx = perm[i:i + args.batch_size]
            step(model, optimizer, x[idx], y[idx])
            samples += idx.shape[0]
    elapsed = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum()) for i in range(0, xt.shape[0], 1000))
    print(json.dumps({"test_accuracy": correct / xt.shape[0], "train_seconds": elapsed,
                      "samples_per_second": samples / elapsed}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["bench", "train"])
    parser.add_argument("--data-dir", default=os.environ.get("FEDSHARP_DATA", "/usr/share/datasets/fashion-mnist"))
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    bench(args) if args.mode == "bench" else train(args)


if __name__ == "__main__":
    sys.exit(main())

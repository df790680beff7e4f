#!/usr/bin/python3
"""FedAvg in PyTorch on an export of `fedsharp simulate --export-dir DIR`: same shards, same start, same rounds.

Run with Debian's PyTorch 1.13 (`apt-get install python3-torch`):
  /usr/bin/python3 benchmarks/reference/fedavg_torch.py DIR [--rounds N] [--threads 1] [--out torch.json]

Reads DIR/manifest.json (hyperparameters, data files, each client's training indices, the test indices, the initial
weights as .npy in PyTorch's layout and names), then runs NIID-Bench's FedAvg as its experiments.py does: every round
each client copies the global model, builds a new SGD(lr, momentum, weight_decay over every parameter, biases
included), trains for the local epochs on batches from DataLoader(shuffle=True, drop_last=False) semantics (a fresh
permutation each epoch, the last partial batch kept), and the global model becomes the average of the clients'
weights weighted by their sample counts. After each round the global model is evaluated on the exported test set.

Prints one JSON object per round (round, accuracy, loss, train_loss: the clients' sample-weighted mean training
loss, seconds, per_class_accuracy) and writes them all to --out.
--trace-client I also prints client I's per-epoch training loss in round 1 (a diagnostic); --drop-last drops
each epoch's last partial batch instead; --shuffle fedsharp draws every client's batch order exactly as FedSharp's
simulator does (so both tools take the same SGD steps and differ only by float rounding: the diagnostic for a
difference in training); --clients-first K trains only the first K clients (quick diagnostics).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

FORMAT = "fedsharp-simulation-export/1"


# NIID-Bench's SimpleCNNMNIST, shared with the single-machine reference; its parameter names match FedSharp's
# simple-cnn (conv1.weight ... fc3.bias).
from pytorch_simple_cnn import SimpleCNNMNIST, read_idx  # noqa: E402  (beside this script, so on sys.path[0])


class DotNetRandom:
    """System.Random(int seed) of .NET: Knuth's subtractive generator (its seeded, 'Net5Compat' algorithm).

    With --shuffle fedsharp every client draws its epochs' batch orders exactly as FedSharp's simulator does: client i
    seeds DotNetRandom(s_i), where s_i is the i-th Next() of DotNetRandom(simulation.seed), and each epoch runs
    Trainer.TrainEpoch's Fisher-Yates (for i from n-1 down to 1: swap i with Next(i + 1)) over its shard, in the order
    of the exported indices. The stream continues from round to round, as a client's does.
    """

    MBIG = 2147483647

    @staticmethod
    def _int32(value):
        # .NET's int arithmetic wraps around (unchecked); seeds above 161,803,398 make the state negative and overflow.
        return (value + 2 ** 31) % 2 ** 32 - 2 ** 31

    def __init__(self, seed):
        wrap = self._int32
        a = [0] * 56
        mj = wrap(161803398 - (self.MBIG if seed == -2147483648 else abs(seed)))
        a[55] = mj
        mk = 1
        for i in range(1, 55):
            ii = (21 * i) % 55
            a[ii] = mk
            mk = wrap(mj - mk)
            if mk < 0:
                mk = wrap(mk + self.MBIG)
            mj = a[ii]
        for _ in range(4):
            for i in range(1, 56):
                a[i] = wrap(a[i] - a[1 + (i + 30) % 55])
                if a[i] < 0:
                    a[i] = wrap(a[i] + self.MBIG)
        self._a, self._next, self._nextp = a, 0, 21

    def next(self):
        """Next(): a uniform int in [0, 2^31 - 1)."""
        self._next = 1 if self._next >= 55 else self._next + 1
        self._nextp = 1 if self._nextp >= 55 else self._nextp + 1
        value = self._int32(self._a[self._next] - self._a[self._nextp])
        if value == self.MBIG:
            value -= 1
        if value < 0:
            value = self._int32(value + self.MBIG)
        self._a[self._next] = value
        return value

    def next_below(self, n):
        """Next(n): a uniform int in [0, n)."""
        return int(self.next() * (1.0 / self.MBIG) * n)

    def permutation(self, n):
        order = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_below(i + 1)
            order[i], order[j] = order[j], order[i]
        return torch.tensor(order, dtype=torch.int64)


def load_split(images_path, labels_path):
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255.0)).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def load_export(directory):
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT:
        sys.exit(f"{directory}/manifest.json has format {manifest.get('format')!r}, expected {FORMAT!r}; "
                 "export again with this FedSharp's `fedsharp simulate --export-dir`.")
    if manifest["model"] != "simple-cnn":
        sys.exit(f"the export's model is {manifest['model']!r}; this script builds only simple-cnn.")
    state = {}
    for tensor in manifest["tensors"]:
        value = np.load(os.path.join(directory, tensor["file"]))
        if list(value.shape) != tensor["shape"] or value.dtype != np.float32:
            sys.exit(f"{tensor['file']} holds {value.dtype}{list(value.shape)}, the manifest says float32{tensor['shape']}.")
        state[tensor["name"]] = torch.from_numpy(value.copy())
    clients = [np.load(os.path.join(directory, c["indices"])).astype(np.int64) for c in manifest["clients"]]
    test = np.load(os.path.join(directory, manifest["test"]["indices"])).astype(np.int64)
    return manifest, state, clients, test


def evaluate(model, x, y, batch=1000, classes=10):
    """Accuracy, mean cross-entropy and per-class accuracy (recall) of the model on (x, y)."""
    model.eval()
    correct, loss = 0, 0.0
    hits, counts = torch.zeros(classes, dtype=torch.int64), torch.bincount(y, minlength=classes)
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            logits = model(x[i:i + batch])
            loss += float(F.cross_entropy(logits, y[i:i + batch], reduction="sum"))
            right = logits.argmax(1) == y[i:i + batch]
            correct += int(right.sum())
            hits += torch.bincount(y[i:i + batch][right], minlength=classes)
    per_class = [round(float(h) / max(int(c), 1), 4) for h, c in zip(hits, counts)]
    return correct / x.shape[0], loss / x.shape[0], per_class


def train_client(model, x, y, hp, shuffle, drop_last, trace):
    """One client's local training; shuffle(n) gives each epoch's order. Returns the mean loss over every sample seen."""
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=hp["learning_rate"], momentum=hp["momentum"],
                                weight_decay=hp["weight_decay"])
    batch_size = hp["batch_size"]
    total_loss, total_samples = 0.0, 0
    for epoch in range(1, hp["local_epochs"] + 1):
        perm = shuffle(x.shape[0])
        epoch_loss, epoch_samples = 0.0, 0
        for start in range(0, x.shape[0], batch_size):
            idx = perm[start:start + batch_size]
            if drop_last and idx.shape[0] < batch_size:
                break
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
            epoch_loss += float(loss) * idx.shape[0]
            epoch_samples += idx.shape[0]
        total_loss += epoch_loss
        total_samples += epoch_samples
        if trace is not None:
            trace(epoch, epoch_loss / max(epoch_samples, 1))
    return total_loss / max(total_samples, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export_dir")
    parser.add_argument("--rounds", type=int, default=0, help="rounds to run; default: the export's fl_iteration_num")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the batch shuffles; default: the export's seed")
    parser.add_argument("--out", default=None, help="write every round as JSON here")
    parser.add_argument("--drop-last", action="store_true", help="drop each epoch's last partial batch")
    parser.add_argument("--shuffle", choices=["torch", "fedsharp"], default="torch",
                        help="torch: torch.randperm from one generator seeded by --seed (DataLoader(shuffle=True)); "
                             "fedsharp: each client's batch order exactly as FedSharp's simulator draws it")
    parser.add_argument("--trace-client", type=int, default=None, help="print this client's per-epoch loss in round 1")
    parser.add_argument("--clients-first", type=int, default=0, help="train only the first K clients (diagnostics)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    manifest, initial, client_indices, test_indices = load_export(args.export_dir)
    hp = manifest["hyperparameters"]
    rounds = args.rounds or hp["rounds"]
    seed = manifest["seed"] if args.seed is None else args.seed
    if hp["clients_per_round"] != hp["clients"]:
        sys.exit("this script runs FedAvg with every client in every round; the export samples "
                 f"{hp['clients_per_round']} of {hp['clients']}.")
    data = manifest["dataset"]
    x, y = load_split(data["train_images"], data["train_labels"])
    xt, yt = load_split(data["test_images"], data["test_labels"])
    xt, yt = xt[torch.from_numpy(test_indices)], yt[torch.from_numpy(test_indices)]
    shards = [(x[torch.from_numpy(ix)], y[torch.from_numpy(ix)]) for ix in client_indices]
    if args.clients_first:
        shards = shards[:args.clients_first]
    if args.shuffle == "torch":
        generator = torch.Generator().manual_seed(seed)
        shuffles = [lambda n: torch.randperm(n, generator=generator)] * len(shards)
    else:
        seeds = DotNetRandom(seed)
        shuffles = [DotNetRandom(seeds.next()).permutation for _ in shards]

    global_model = SimpleCNNMNIST()
    global_model.load_state_dict(initial)
    local = SimpleCNNMNIST()
    accuracy0, loss0, _ = evaluate(global_model, xt, yt)
    header = {"tool": "pytorch", "torch": torch.__version__, "threads": args.threads, "export": os.path.abspath(args.export_dir),
              "rounds": rounds, "drop_last": args.drop_last, "shuffle": args.shuffle, "seed": seed, "initial_accuracy": accuracy0, "initial_loss": loss0}
    print(json.dumps(header), flush=True)
    results = []
    start = time.perf_counter()
    for r in range(1, rounds + 1):
        global_state = {k: v.clone() for k, v in global_model.state_dict().items()}
        total = sum(s[0].shape[0] for s in shards)
        summed = {k: torch.zeros_like(v, dtype=torch.float64) for k, v in global_state.items()}
        train_loss = 0.0
        for i, (xc, yc) in enumerate(shards):
            local.load_state_dict(global_state)
            trace = None
            if r == 1 and args.trace_client == i:
                def trace(epoch, loss, i=i):
                    print(json.dumps({"client": i, "epoch": epoch, "train_loss": loss}), flush=True)
            train_loss += train_client(local, xc, yc, hp, shuffles[i], args.drop_last, trace) * xc.shape[0]
            weight = xc.shape[0] / total
            for k, v in local.state_dict().items():
                summed[k] += v.double() * weight
        global_model.load_state_dict({k: v.float() for k, v in summed.items()})
        accuracy, loss, per_class = evaluate(global_model, xt, yt)
        line = {"round": r, "accuracy": accuracy, "loss": loss, "train_loss": train_loss / total,
                "seconds": time.perf_counter() - start, "per_class_accuracy": per_class}
        results.append(line)
        print(json.dumps(line), flush=True)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as f:
                json.dump({**header, "per_round": results}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())

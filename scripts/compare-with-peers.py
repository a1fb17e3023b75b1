#!/usr/bin/env python3
"""Runs Teach's benchmark and the same rows with numpy (OpenBLAS) and, when installed, PyTorch on the
CPU, all limited to the same number of threads, and prints the ratio Teach / peer for each row.

    python3 scripts/compare-with-peers.py [--threads 2] [--seconds 0.5] [--products-only] [--rounds 3] [--before BINARY]
                                          [--filter TEXT]

Ratios above 1 mean Teach is faster (GFLOP/s ratio for products, time ratio peer/Teach otherwise).
The convolutional rows (chapter 14's two CNNs: one epoch, in seconds, and the forward and backward
pass of a batch of 128, in ms; single convolution layers of residual networks, forward and
backward, in ms) have a PyTorch peer only (the same networks and layers, NCHW); numpy has none.
--filter TEXT is passed to the benchmark: only the rows whose name contains TEXT ("conv 128 1x1",
"forward and backward", "AlexNet"), and only those are measured with the peers.
On a shared virtual machine single runs vary by 10-20%; with --rounds N the two sides are measured
N times, alternating, and each keeps its best, which is what the hardware can do.
It first builds the benchmark (`swift build -c release --product benchmark`) and then runs
.build/release/benchmark --json. With --before BINARY (a copy of an earlier build of the benchmark)
that binary is measured too, in the same rounds, and the table gains its columns: a before/after
comparison made in one run, on one machine.
This script is a measuring tool, not part of the package.
"""
import argparse
import json
import os
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=os.cpu_count())
parser.add_argument("--seconds", type=float, default=0.5)
parser.add_argument("--products-only", action="store_true")
parser.add_argument("--rounds", type=int, default=1)
parser.add_argument("--before", help="an earlier build of the benchmark executable, measured in the same rounds")
parser.add_argument("--filter", help="only the rows whose name contains this text (passed to the benchmark)")
args = parser.parse_args()
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(args.threads)

import numpy as np  # noqa: E402  (after the thread settings)

try:
    import torch  # noqa: E402

    torch.set_num_threads(args.threads)
except ImportError:
    torch = None

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["swift", "build", "-c", "release", "--product", "benchmark"], cwd=root, check=True,
               stdout=subprocess.DEVNULL)
command = [os.path.join(root, ".build", "release", "benchmark"), "--json", "--seconds", str(args.seconds)]
if args.products_only:
    command.append("--products-only")
if args.filter is not None:
    command += ["--filter", args.filter]


def run_teach(binary=None):
    argv = command if binary is None else [os.path.abspath(binary)] + command[1:]
    output = subprocess.run(argv, cwd=root, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def median_time(body, budget, minimum=5):
    body()
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < budget or len(times) < minimum:
        t = time.perf_counter()
        body()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


rng = np.random.default_rng(1)


def product_operands(row):
    m, k, n, layout = int(row["m"]), int(row["k"]), int(row["n"]), row["layout"]
    a = rng.standard_normal((k, m) if layout == "AtB" else (m, k), dtype=np.float32)
    b = rng.standard_normal((n, k) if layout == "ABt" else (k, n), dtype=np.float32)
    return a, b, layout


def numpy_product(row):
    a, b, layout = product_operands(row)
    f = {"AB": lambda: a @ b, "AtB": lambda: a.T @ b, "ABt": lambda: a @ b.T}[layout]
    return median_time(f, args.seconds)


def torch_product(row):
    a, b, layout = product_operands(row)
    a, b = torch.from_numpy(a), torch.from_numpy(b)
    f = {"AB": lambda: a @ b, "AtB": lambda: a.T @ b, "ABt": lambda: a @ b.T}[layout]
    with torch.no_grad():
        return median_time(f, args.seconds)


def numpy_training(sizes):
    """A from-scratch numpy MLP: ReLU, softmax cross-entropy, Adam (torch defaults), batch 128."""
    count = 60_000
    x = rng.random((count, 784), dtype=np.float32)
    labels = rng.integers(0, 10, count)
    y = np.eye(10, dtype=np.float32)[labels]
    weights = [(rng.standard_normal((i, o), dtype=np.float32) * np.sqrt(2 / i)).astype(np.float32) for i, o in zip(sizes, sizes[1:])]
    biases = [np.zeros(o, np.float32) for o in sizes[1:]]
    params = weights + biases
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
    start = time.perf_counter()
    order = rng.permutation(count)
    t = 0
    for s in range(0, count, 128):
        index = order[s:s + 128]
        xb, yb = x[index], y[index]
        activations = [xb]
        for i, (w, b) in enumerate(zip(weights, biases)):
            h = activations[-1] @ w + b
            activations.append(np.maximum(h, 0) if i < len(weights) - 1 else h)
        logits = activations[-1]
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        delta = (p - yb) / len(index)
        grads_w, grads_b = [None] * len(weights), [None] * len(weights)
        for i in reversed(range(len(weights))):
            grads_w[i] = activations[i].T @ delta
            grads_b[i] = delta.sum(axis=0)
            if i > 0:
                delta = (delta @ weights[i].T) * (activations[i] > 0)
        t += 1
        for j, (param, grad) in enumerate(zip(params, grads_w + grads_b)):
            m[j] = b1 * m[j] + (1 - b1) * grad
            v[j] = b2 * v[j] + (1 - b2) * grad * grad
            param -= lr * (m[j] / (1 - b1 ** t)) / (np.sqrt(v[j] / (1 - b2 ** t)) + eps)
    return time.perf_counter() - start


def torch_training(sizes):
    count = 60_000
    x = torch.rand(count, 784)
    y = torch.randint(0, 10, (count,))
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch_epoch(torch.nn.Sequential(*layers), x, y)


def torch_epoch(model, x, y):
    """Seconds for one epoch of Adam (PyTorch's defaults) on shuffled batches of 128 of `x`, `y`."""
    optimizer = torch.optim.Adam(model.parameters())
    loss = torch.nn.CrossEntropyLoss()
    start = time.perf_counter()
    order = torch.randperm(len(x))
    for s in range(0, len(x), 128):
        index = order[s:s + 128]
        optimizer.zero_grad()
        loss(model(x[index]), y[index]).backward()
        optimizer.step()
    return time.perf_counter() - start


def torch_cnn(network):
    """Chapter 14's two convolutional networks, as the benchmark builds them (Teach's softmax layer and
    cross-entropy are CrossEntropyLoss here)."""
    import torch.nn as nn

    if network == "the article's CNN":
        return nn.Sequential(
            nn.Conv2d(1, 25, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(25, 25, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(25, 25, 4), nn.ReLU(), nn.Flatten(), nn.Linear(25, 50), nn.ReLU(), nn.Linear(50, 10))
    if network == "the wider CNN":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
    return None  # a network this script does not know yet: no peer


def torch_step(network):
    """One forward pass in training mode and the backward pass of a batch of 128, no optimizer step."""
    model = torch_cnn(network)
    if model is None:
        return None
    model.train()
    loss = torch.nn.CrossEntropyLoss()
    x = torch.rand(128, 1, 28, 28)
    y = torch.randint(0, 10, (128,))

    def step():
        model.zero_grad(set_to_none=True)
        loss(model(x), y).backward()
    return median_time(step, 2)


def torch_cnn_training(network):
    """One epoch of 60,000 random images, like torch_training but with a convolutional network."""
    model = torch_cnn(network)
    if model is None:
        return None
    model.train()
    count = 60_000
    return torch_epoch(model, torch.rand(count, 1, 28, 28), torch.randint(0, 10, (count,)))


def torch_convolution(row):
    """One convolution layer (bias, no activation) on a batch of 128: the forward pass with autograd
    recording, or the gradients of input, weights and bias from a given output gradient."""
    channels, side, filters = int(row["channels"]), int(row["side"]), int(row["filters"])
    conv = torch.nn.Conv2d(channels, filters, int(row["size"]), int(row["stride"]), int(row["padding"]))
    x = torch.randn(128, channels, side, side, requires_grad=True)
    if row["pass"] == "forward":
        return median_time(lambda: conv(x), 1)
    out = conv(x)
    g = torch.randn_like(out)
    return median_time(lambda: torch.autograd.grad(out, [x, conv.weight, conv.bias], g, retain_graph=True), 1)


def torch_alexnet():
    import torch.nn as nn

    model = nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000), nn.Softmax(dim=1)).eval()
    image = torch.rand(1, 3, 227, 227)
    with torch.no_grad():
        return median_time(lambda: model(image), 2, 7)


class TorchTransformer(torch.nn.Module if torch else object):
    """Architectures.characterTransformer in PyTorch: token and learned position embeddings, pre-norm blocks (LayerNorm,
    causal nn.MultiheadAttention, residual; LayerNorm, Linear 4E, exact GELU, Linear E, residual), a final LayerNorm
    and a Linear layer to the vocabulary."""

    def __init__(self, vocabulary, width, heads, blocks, length):
        super().__init__()
        nn = torch.nn
        self.tokens, self.positions = nn.Embedding(vocabulary, width), nn.Parameter(torch.randn(length, width) * 0.02)
        self.blocks = nn.ModuleList()
        for _ in range(blocks):
            block = nn.Module()
            block.norm1, block.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
            block.attention = nn.MultiheadAttention(width, heads, batch_first=True)
            block.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))
            self.blocks.append(block)
        self.norm, self.head = nn.LayerNorm(width), nn.Linear(width, vocabulary)
        self.register_buffer("mask", torch.triu(torch.ones(length, length, dtype=torch.bool), diagonal=1))

    def forward(self, ids):
        x = self.tokens(ids) + self.positions
        for block in self.blocks:
            y = block.norm1(x)
            x = x + block.attention(y, y, y, attn_mask=self.mask, need_weights=False)[0]
            x = x + block.mlp(block.norm2(x))
        return self.head(self.norm(x))


class TorchRecurrentModel(torch.nn.Module if torch else object):
    """Embedding, one nn.LSTM or nn.GRU layer (batch first), a Linear layer at every position."""

    def __init__(self, kind, vocabulary, width, hidden):
        super().__init__()
        self.tokens = torch.nn.Embedding(vocabulary, width)
        self.cells = (torch.nn.GRU if kind == "GRU" else torch.nn.LSTM)(width, hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, vocabulary)

    def forward(self, ids):
        return self.head(self.cells(self.tokens(ids))[0])


def torch_sequence(row):
    """The benchmark's language-model row: `batches` updates of Adam on random ids, cross-entropy over every position;
    seconds for them after one update to warm up."""
    vocabulary, width, length, batch = int(row["vocabulary"]), int(row["width"]), int(row["length"]), int(row["batch"])
    if row["model"] in ("LSTM", "GRU"):
        model = TorchRecurrentModel(row["model"], vocabulary, width, int(row["hidden"]))
    else:
        model = TorchTransformer(vocabulary, width, int(row["heads"]), int(row["blocks"]), length)
    model.train()
    optimizer = torch.optim.Adam(model.parameters())
    loss = torch.nn.CrossEntropyLoss()
    count = batch * int(row["batches"])
    ids, targets = torch.randint(0, vocabulary, (count, length)), torch.randint(0, vocabulary, (count, length))

    def update(x, y):
        optimizer.zero_grad()
        loss(model(x).reshape(-1, vocabulary), y.reshape(-1)).backward()
        optimizer.step()
    update(ids[:batch], targets[:batch])
    start = time.perf_counter()
    order = torch.randperm(count)
    for s in range(0, count, batch):
        index = order[s:s + batch]
        update(ids[index], targets[index])
    return time.perf_counter() - start


MILLISECOND_KINDS = ("alexnet", "step", "convolution")


def best(rows_a, rows_b):
    """Keep, row by row, the faster of two measurements."""
    merged = []
    for a, b in zip(rows_a, rows_b):
        if a["kind"] == "product":
            merged.append(a if float(a["gflops"]) >= float(b["gflops"]) else b)
        elif a["kind"] in MILLISECOND_KINDS:
            merged.append(a if float(a["ms"]) <= float(b["ms"]) else b)
        else:
            merged.append(a if float(a["seconds"]) <= float(b["seconds"]) else b)
    return merged


def peer_row(row):
    """numpy's (and PyTorch's) number for a row: GFLOP/s for products, seconds or milliseconds otherwise."""
    if row["kind"] == "product":
        flop = 2 * int(row["m"]) * int(row["k"]) * int(row["n"])
        return flop / numpy_product(row) / 1e9, (flop / torch_product(row) / 1e9 if torch else None)
    if row["kind"] == "alexnet":
        return None, (torch_alexnet() * 1000 if torch else None)
    if row["kind"] == "step":
        step = torch_step(row["network"]) if torch else None
        return None, (step * 1000 if step is not None else None)
    if row["kind"] == "convolution":
        return None, (torch_convolution(row) * 1000 if torch else None)
    if row["kind"] == "fashion":
        return None, None
    if row["kind"] == "sequence":
        return None, (torch_sequence(row) if torch else None)
    if row.get("network"):
        return None, (torch_cnn_training(row["network"]) if torch else None)
    sizes = [784, 50, 10] if row["name"].startswith("784-50-10") else [784, 500, 500, 500, 500, 500, 10]
    return numpy_training(sizes), (torch_training(sizes) if torch else None)


teach, peers, before = None, None, None
for _ in range(max(args.rounds, 1)):
    if args.before:
        earlier = run_teach(args.before)
        before = earlier if before is None else best(before, earlier)
    measured = run_teach()
    teach = measured if teach is None else best(teach, measured)
    round_peers = [peer_row(row) for row in measured]
    if peers is None:
        peers = round_peers
    else:
        def better(row, old, new):
            if old is None or new is None:
                return old if new is None else new
            return max(old, new) if row["kind"] == "product" else min(old, new)
        peers = [(better(row, o[0], n[0]), better(row, o[1], n[1])) for row, o, n in zip(teach, peers, round_peers)]

print(f"threads: {args.threads}; rounds: {args.rounds}; numpy {np.__version__}" + (f"; torch {torch.__version__}" if torch else "; PyTorch not installed")
      + (f"; before: {args.before}" if args.before else ""))
print()
before_rows = {row["name"]: row for row in before} if before else {}
print("| row |" + (" before | before / numpy |" if args.before else "") + " Teach | numpy | Teach / numpy |"
      + (" PyTorch | Teach / PyTorch |" if torch else ""))
print("|:---|" + ("---:|---:|" if args.before else "") + "---:|---:|---:|" + ("---:|---:|" if torch else ""))


def value(row):
    """The row's number: GFLOP/s for products, milliseconds or seconds otherwise."""
    return float(row["gflops"] if row["kind"] == "product" else row["ms"] if row["kind"] in MILLISECOND_KINDS else row["seconds"])


def ratio(row, ours, peer):
    """Teach / peer, as a speed ratio (above 1: Teach is faster)."""
    if peer is None or ours <= 0:  # a backward row's difference of medians can come out at 0 or below
        return ""
    return f"{ours / peer:.2f}" if row["kind"] == "product" else f"{peer / ours:.2f}"


for row, (numpy_value, torch_value) in zip(teach, peers):
    ours = value(row)
    if row["kind"] == "product":
        label, digits = f"{row['name']} ({row['layout']}) GFLOP/s", 1
    elif row["kind"] == "alexnet":
        label, digits = f"{row['name']} (ms)", 1
    elif row["kind"] == "step":
        label, digits = f"{row['name']} (ms)", 2
    elif row["kind"] == "convolution":
        label, digits = f"{row['name']} (ms)", 3
    elif row["kind"] == "fashion":
        label, digits = f"{row['name']} (s; test accuracy {row['accuracy']})", 2
    elif row["kind"] == "sequence":
        label, digits = f"{row['name']} (s for {int(row['batch']) * int(row['batches']) * int(row['length']):,} tokens)", 3
    else:
        label, digits = f"{row['name']} (s)", 2
    line = f"| {label} |"
    if args.before:
        earlier = before_rows.get(row["name"])
        if earlier is None:
            line += " | |"
        else:
            line += f" {value(earlier):.{digits}f} | {ratio(row, value(earlier), numpy_value)} |"
    numpy_text = "" if numpy_value is None else f"{numpy_value:.{digits}f}"
    line += f" {ours:.{digits}f} | {numpy_text} | {ratio(row, ours, numpy_value)} |"
    if torch:
        torch_text = "" if torch_value is None else f"{torch_value:.{digits}f}"
        line += f" {torch_text} | {ratio(row, ours, torch_value)} |"
    print(line, flush=True)

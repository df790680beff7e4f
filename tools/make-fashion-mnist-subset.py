#!/usr/bin/python3
"""Writes the class-balanced Fashion-MNIST subset that ships in data/fashion-mnist-subset/.

Reads the full data set (Debian package dataset-fashion-mnist, /usr/share/datasets/fashion-mnist by default),
draws a fixed number of samples per class with a seeded random generator, keeps them in their original order,
and writes them back in the same IDX format, gzip-compressed with a zero timestamp so that re-running the
script reproduces the files byte for byte. Python standard library only.

Usage: /usr/bin/python3 tools/make-fashion-mnist-subset.py [--source DIR] [--destination DIR]
                                                          [--train-per-class N] [--test-per-class N] [--seed S]
"""

import argparse
import gzip
import os
import random
import struct
import sys

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
CLASS_COUNT = 10


def open_idx(path):
    with open(path, "rb") as handle:
        head = handle.read(2)
    return gzip.open(path, "rb") if head == b"\x1f\x8b" else open(path, "rb")


def read_images(path):
    with open_idx(path) as handle:
        magic, count, rows, cols = struct.unpack(">IIII", handle.read(16))
        if magic != IMAGES_MAGIC:
            sys.exit(f"{path}: magic 0x{magic:08X} is not the IDX image magic 0x{IMAGES_MAGIC:08X}")
        pixels = handle.read(count * rows * cols)
        if len(pixels) != count * rows * cols:
            sys.exit(f"{path}: truncated, expected {count * rows * cols} pixel bytes, read {len(pixels)}")
    size = rows * cols
    return [pixels[i * size:(i + 1) * size] for i in range(count)], rows, cols


def read_labels(path):
    with open_idx(path) as handle:
        magic, count = struct.unpack(">II", handle.read(8))
        if magic != LABELS_MAGIC:
            sys.exit(f"{path}: magic 0x{magic:08X} is not the IDX label magic 0x{LABELS_MAGIC:08X}")
        labels = handle.read(count)
        if len(labels) != count:
            sys.exit(f"{path}: truncated, expected {count} labels, read {len(labels)}")
    return list(labels)


def balanced_indices(labels, per_class, rng):
    by_class = [[] for _ in range(CLASS_COUNT)]
    for index, label in enumerate(labels):
        by_class[label].append(index)
    chosen = []
    for label, indices in enumerate(by_class):
        if len(indices) < per_class:
            sys.exit(f"class {label} has only {len(indices)} samples, {per_class} requested")
        chosen.extend(rng.sample(indices, per_class))
    return sorted(chosen)


def write_gzip(path, payload):
    # mtime=0 and an empty embedded file name keep the output reproducible.
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as handle:
            handle.write(payload)


def write_split(source, destination, prefix, per_class, rng):
    images, rows, cols = read_images(os.path.join(source, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_labels(os.path.join(source, f"{prefix}-labels-idx1-ubyte.gz"))
    if len(images) != len(labels):
        sys.exit(f"{prefix}: {len(images)} images but {len(labels)} labels")
    chosen = balanced_indices(labels, per_class, rng)
    image_bytes = struct.pack(">IIII", IMAGES_MAGIC, len(chosen), rows, cols) + b"".join(images[i] for i in chosen)
    label_bytes = struct.pack(">II", LABELS_MAGIC, len(chosen)) + bytes(labels[i] for i in chosen)
    write_gzip(os.path.join(destination, f"{prefix}-images-idx3-ubyte.gz"), image_bytes)
    write_gzip(os.path.join(destination, f"{prefix}-labels-idx1-ubyte.gz"), label_bytes)
    return len(chosen)


def main():
    repository = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--destination", default=os.path.join(repository, "data", "fashion-mnist-subset"))
    parser.add_argument("--train-per-class", type=int, default=600)
    parser.add_argument("--test-per-class", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20240601)
    arguments = parser.parse_args()

    os.makedirs(arguments.destination, exist_ok=True)
    rng = random.Random(arguments.seed)
    train = write_split(arguments.source, arguments.destination, "train", arguments.train_per_class, rng)
    test = write_split(arguments.source, arguments.destination, "t10k", arguments.test_per_class, rng)
    total = sum(os.path.getsize(os.path.join(arguments.destination, name))
                for name in os.listdir(arguments.destination) if name.endswith(".gz"))
    print(f"wrote {train} training and {test} test samples to {arguments.destination} ({total} bytes compressed)")


if __name__ == "__main__":
    main()

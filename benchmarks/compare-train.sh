#!/usr/bin/env bash
# Training speed and accuracy of FedSharp's engine against PyTorch 1.13 (Debian's python3-torch), in one run.
#
#   bash benchmarks/compare-train.sh [--rounds 3] [--seconds 10] [--batch-size 64] [--accuracy]
#
# Speed: `fedsharp bench train` and PyTorch's twin (benchmarks/reference/pytorch_simple_cnn.py) take turns, both on
# one thread, same model (simple-cnn), same batch, same data; prints each run, the medians and the ratio.
# --accuracy also trains both for 5 epochs on the full Fashion-MNIST (batch 64, SGD lr 0.01 momentum 0.9, seed 0)
# and prints both test accuracies.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3 seconds=10 batch=64 accuracy=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    --accuracy) accuracy=1; shift ;;
    *) echo "unknown argument $1; see the header of $0" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import torch" 2>/dev/null \
  || { echo "PyTorch is missing: apt-get install python3-torch" >&2; exit 1; }

dotnet build src/FedSharp.Cli -c Release -nologo -v q -clp:ErrorsOnly
fedsharp="dotnet src/FedSharp.Cli/bin/Release/net10.0/fedsharp.dll"
last_json() { tail -n 1 | sed -E 's/.*"samples_per_second": *([0-9.]+).*/\1/'; }

ours=() theirs=()
for ((r = 1; r <= rounds; r++)); do
  o=$($fedsharp bench train --model simple-cnn --batch-size "$batch" --threads 1 --seconds "$seconds" --json | last_json)
  t=$(/usr/bin/python3 benchmarks/reference/pytorch_simple_cnn.py bench --batch-size "$batch" --seconds "$seconds" | last_json)
  printf 'round %d: fedsharp %8.0f samples/s   pytorch %8.0f samples/s\n' "$r" "$o" "$t"
  ours+=("$o") theirs+=("$t")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mo=$(median "${ours[@]}") mt=$(median "${theirs[@]}")
awk -v o="$mo" -v t="$mt" 'BEGIN { printf "median:  fedsharp %8.0f samples/s   pytorch %8.0f samples/s   ratio %.2f\n", o, t, o / t }'

if [ "$accuracy" -eq 1 ]; then
  echo "accuracy, 5 epochs, full Fashion-MNIST:"
  echo "  fedsharp: $($fedsharp train --model simple-cnn --dataset fashion-mnist --epochs 5 --batch-size 64 --lr 0.01 --momentum 0.9 --seed 0 --json | tail -n 1)"
  echo "  pytorch:  $(/usr/bin/python3 benchmarks/reference/pytorch_simple_cnn.py train --epochs 5 --batch-size 64 --lr 0.01 --momentum 0.9 --seed 0)"
fi

#!/usr/bin/env bash
# FedAvg like for like: FedSharp and PyTorch 1.13 (Debian's python3-torch) on the same shards, from the same initial
# weights, for the same rounds; prints both test-accuracy curves side by side as a Markdown table.
#
#   bash benchmarks/compare-fedavg.sh [--config examples/niid-bench/fmnist-fedavg-label2.yaml] [--rounds 20]
#        [--seed 0] [--out out/compare-fedavg] [--threads 1] [--set key=value ...] [--skip-fedsharp] [--skip-torch]
#
# 1. `fedsharp simulate --export-dir OUT/export --export-only` writes the partition (each client's training indices,
#    the test set), the initial global model's weights and the hyperparameters.
# 2. `fedsharp simulate` runs the configuration (its JSON lines go to OUT/fedsharp.jsonl, its report to OUT/fedsharp).
# 3. benchmarks/reference/fedavg_torch.py runs FedAvg on the export with torch.set_num_threads(--threads)
#    (OUT/torch.json, OUT/torch.jsonl).
# 4. The table goes to stdout and OUT/comparison.md.
# --seed S sets both simulation.seed (partition, shuffles) and fedsharp.model_seed (initial weights); PyTorch shuffles
# with its own generator seeded by S. The two runs take turns (never at once) so neither slows the other.
# Full NIID-Bench rounds are long: one round of 10 clients x 10 epochs x 6,000 samples takes PyTorch ~90 s on a core.
set -euo pipefail
cd "$(dirname "$0")/.."
config=examples/niid-bench/fmnist-fedavg-label2.yaml rounds=20 seed=0 out=out/compare-fedavg threads=1
sets=() skip_fedsharp=0 skip_torch=0
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --set) sets+=(--set "$2"); shift 2 ;;
    --skip-fedsharp) skip_fedsharp=1; shift ;;
    --skip-torch) skip_torch=1; shift ;;
    *) echo "unknown argument $1; see the header of $0" >&2; exit 2 ;;
  esac
done
[ -f "$config" ] || { echo "configuration '$config' does not exist; pass --config FILE" >&2; exit 2; }
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import torch, numpy" 2>/dev/null \
  || { echo "PyTorch is missing: apt-get install python3-torch" >&2; exit 1; }

dotnet build src/FedSharp.Cli -c Release -nologo -v q -clp:ErrorsOnly
# Run from a copy, so that a rebuild during a long run cannot swap the assemblies under it; the copy stays inside the
# repository, where the bundled subset is found.
mkdir -p "$out"
bin=out/.compare-fedavg-bin-$$
mkdir -p out && rm -rf "$bin" && cp -r src/FedSharp.Cli/bin/Release/net10.0 "$bin"
trap 'rm -rf "$bin"' EXIT
fedsharp=(dotnet "$bin/fedsharp.dll")
common=(--config "$config" --set "fl_iteration_num=$rounds" --set "simulation.seed=$seed" --set "fedsharp.model_seed=$seed"
        --set "simulation.report_dir=$out/fedsharp" "${sets[@]}")

"${fedsharp[@]}" simulate "${common[@]}" --export-dir "$out/export" --export-only --json > /dev/null
if [ "$skip_fedsharp" -eq 0 ]; then
  echo "fedsharp: $rounds rounds ..." >&2
  "${fedsharp[@]}" simulate "${common[@]}" --json > "$out/fedsharp.jsonl"
fi
if [ "$skip_torch" -eq 0 ]; then
  echo "pytorch: $rounds rounds ..." >&2
  /usr/bin/python3 benchmarks/reference/fedavg_torch.py "$out/export" --rounds "$rounds" --seed "$seed" \
    --threads "$threads" --out "$out/torch.json" > "$out/torch.jsonl"
fi

/usr/bin/python3 - "$out" "$config" "$seed" <<'EOF' | tee "$out/comparison.md"
import json, os, sys
out, config, seed = sys.argv[1], sys.argv[2], sys.argv[3]
def rounds(path):
    curve = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            o = json.loads(line)
            if "round" in o:
                curve[o["round"]] = o
    return curve
ours, theirs = rounds(os.path.join(out, "fedsharp.jsonl")), rounds(os.path.join(out, "torch.jsonl"))
manifest = json.load(open(os.path.join(out, "export", "manifest.json"), encoding="utf-8"))
print(f"{manifest['description']}; seed {seed}; {config}")
print()
print("| round | FedSharp accuracy | PyTorch accuracy | FedSharp − PyTorch | FedSharp test loss | PyTorch test loss |")
print("|---|---|---|---|---|---|")
pct = lambda o: f"{100 * o['accuracy']:.2f}%" if o else ""
for r in sorted(set(ours) | set(theirs)):
    a, b = ours.get(r), theirs.get(r)
    diff = f"{100 * (a['accuracy'] - b['accuracy']):+.2f}" if a and b else ""
    print(f"| {r} | {pct(a)} | {pct(b)} | {diff} | {a['loss']:.4f} |" if a else f"| {r} | | {pct(b)} | | |", end="")
    print(f" {b['loss']:.4f} |" if b else " |")
EOF

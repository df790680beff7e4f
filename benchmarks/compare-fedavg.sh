#!/usr/bin/env bash
# FedAvg like for like: FedSharp and PyTorch 1.13 (Debian's python3-torch) on the same shards, from the same initial
# weights, for the same rounds; prints both test-accuracy curves side by side as a Markdown table.
#
#   bash benchmarks/compare-fedavg.sh [--config examples/niid-bench/fmnist-fedavg-label2.yaml] [--rounds 20]
#        [--seed 0] [--out out/compare-fedavg] [--threads 1] [--torch-shuffle torch|fedsharp] [--set key=value ...]
#        [--skip-fedsharp] [--skip-torch]
#
# 1. `fedsharp simulate --export-dir OUT/export --export-only` writes the partition (each client's training indices,
#    the test set), the initial global model's weights and the hyperparameters.
# 2. `fedsharp simulate` runs the configuration (its JSON lines go to OUT/fedsharp.jsonl, its report to OUT/fedsharp).
# 3. benchmarks/reference/fedavg_torch.py runs FedAvg on the export with torch.set_num_threads(--threads)
#    (OUT/torch.json, OUT/torch.jsonl).
# 4. The table goes to stdout and OUT/comparison.md, the chart of both curves to OUT/comparison.svg.
# --seed S sets both simulation.seed (partition, shuffles) and fedsharp.model_seed (initial weights); PyTorch shuffles
# with its own generator seeded by S, or with --torch-shuffle fedsharp in FedSharp's exact batch orders (then the two
# runs take the same SGD steps and differ only by float rounding). The two runs take turns (never at once) so neither slows the other.
# --skip-fedsharp / --skip-torch reuse that tool's files from an earlier run in OUT (e.g. to redraw the table).
# Full NIID-Bench rounds are long: one round of 10 clients x 10 epochs x 6,000 samples takes PyTorch ~90 s on a core.
set -euo pipefail
cd "$(dirname "$0")/.."
config=examples/niid-bench/fmnist-fedavg-label2.yaml rounds=20 seed=0 out=out/compare-fedavg threads=1 shuffle=torch
sets=() skip_fedsharp=0 skip_torch=0
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --torch-shuffle) shuffle="$2"; shift 2 ;;
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
    --threads "$threads" --shuffle "$shuffle" --out "$out/torch.json" > "$out/torch.jsonl"
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

# The same curves as an SVG line chart: test accuracy (0-100%) against the round.
width, height, left, right, top, bottom = 640, 360, 56, 150, 36, 40
last = max(list(ours) + list(theirs) + [1])
x = lambda r: left + (width - left - right) * (r - 1) / max(last - 1, 1)
y = lambda a: top + (height - top - bottom) * (1 - a)
parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
         f'<text x="{left}" y="20" font-size="14">{manifest["description"]}; seed {seed}: test accuracy</text>']
for tick in range(0, 101, 20):
    parts.append(f'<line x1="{left}" y1="{y(tick / 100):.1f}" x2="{width - right}" y2="{y(tick / 100):.1f}" stroke="#ddd"/>'
                 f'<text x="{left - 6}" y="{y(tick / 100) + 4:.1f}" text-anchor="end">{tick}%</text>')
for r in sorted(set(ours) | set(theirs)):
    if r == 1 or r == last or r % 5 == 0:
        parts.append(f'<text x="{x(r):.1f}" y="{height - bottom + 16}" text-anchor="middle">{r}</text>')
parts.append(f'<text x="{(left + width - right) / 2:.1f}" y="{height - 6}" text-anchor="middle">round</text>')
for i, (name, curve, colour) in enumerate((("FedSharp", ours, "#1f77b4"), ("PyTorch 1.13", theirs, "#ff7f0e"))):
    if curve:
        points = " ".join(f"{x(r):.1f},{y(curve[r]['accuracy']):.1f}" for r in sorted(curve))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
    parts.append(f'<line x1="{width - right + 12}" y1="{top + 10 + 20 * i}" x2="{width - right + 32}" y2="{top + 10 + 20 * i}" stroke="{colour}" stroke-width="2"/>'
                 f'<text x="{width - right + 38}" y="{top + 14 + 20 * i}">{name}</text>')
parts.append("</svg>")
with open(os.path.join(out, "comparison.svg"), "w", encoding="utf-8") as f:
    f.write("\n".join(parts) + "\n")
EOF
echo "chart: $out/comparison.svg" >&2

#!/usr/bin/env bash
# Byzantine robustness: the same attacked job under each aggregator, against clean FedAvg; prints final and best test
# accuracy per aggregator as a Markdown table (docs/robust-aggregation.md, docs/benchmarks.md).
#
#   bash benchmarks/robustness.sh [--config examples/robustness/fmnist-dirichlet-signflip.yaml] [--rounds 30]
#        [--scale 10] [--out out/robustness] [--aggregators "fedavg-clean fedavg median trimmed_mean krum multi_krum"]
#        [--set key=value ...]
#
# Runs, one after the other (never at once, so none slows another):
#   fedavg-clean   FedAvg with every client honest (simulation.attack=none, simulation.attackers=0): the reference;
#   fedavg         FedAvg with the configuration's attackers;
#   median, trimmed_mean, krum, multi_krum
#                  fedsharp.robust_aggregation=<name> with the same attackers. Krum and Multi-Krum take
#                  f = ⌊attackers × clients⌋ (fedsharp.krum_byzantine), the number of attackers, unless --set gives it.
# Each run's JSON lines go to OUT/<name>.jsonl, its report to OUT/<name>/; the table to stdout and OUT/robustness.md.
# The issue's target: every robust aggregator within 3 points of clean FedAvg with 20% attackers on Dir(0.5).
set -euo pipefail
cd "$(dirname "$0")/.."
config=examples/robustness/fmnist-dirichlet-signflip.yaml rounds=30 scale=10 out=out/robustness
aggregators="fedavg-clean fedavg median trimmed_mean krum multi_krum"
sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --aggregators) aggregators="$2"; shift 2 ;;
    --set) sets+=(--set "$2"); shift 2 ;;
    *) echo "unknown argument $1; see the header of $0" >&2; exit 2 ;;
  esac
done
[ -f "$config" ] || { echo "configuration '$config' does not exist; pass --config FILE" >&2; exit 2; }
command -v python3 > /dev/null || { echo "python3 is missing (it prints the table): apt-get install python3" >&2; exit 1; }

dotnet build src/FedSharp.Cli -c Release -nologo -v q -clp:ErrorsOnly
# Run from a copy, so that a rebuild during a long run cannot swap the assemblies under it.
mkdir -p "$out" out
bin=out/.robustness-bin-$$
rm -rf "$bin" && cp -r src/FedSharp.Cli/bin/Release/net10.0 "$bin"
trap 'rm -rf "$bin"' EXIT
fedsharp=(dotnet "$bin/fedsharp.dll")

# f for Krum: the attackers the configuration draws (the clients and fraction after --set overrides).
clients=$(sed -n 's/^  clients: *\([0-9]*\).*/\1/p' "$config"); fraction=$(sed -n 's/^  attackers: *\([0-9.]*\).*/\1/p' "$config")
for s in "${sets[@]}"; do
  case "$s" in simulation.clients=*) clients=${s#*=} ;; simulation.attackers=*) fraction=${s#*=} ;; esac
done
byzantine=$(python3 -c "import math,sys; print(math.floor(float(sys.argv[1]) * int(sys.argv[2]) + 1e-9))" "${fraction:-0}" "${clients:-0}")
krum_set=(--set "fedsharp.krum_byzantine=$byzantine")
for s in "${sets[@]}"; do case "$s" in fedsharp.krum_byzantine=*) krum_set=() ;; esac; done

for name in $aggregators; do
  common=(--config "$config" --set "fl_iteration_num=$rounds" --set "simulation.report_dir=$out/$name" "${sets[@]}")
  case "$name" in
    fedavg-clean) extra=(--set simulation.attack=none --set simulation.attackers=0) ;;
    fedavg) extra=(--set "simulation.attack_scale=$scale") ;;
    median|trimmed_mean) extra=(--set "simulation.attack_scale=$scale" --set "fedsharp.robust_aggregation=$name") ;;
    krum|multi_krum) extra=(--set "simulation.attack_scale=$scale" --set "fedsharp.robust_aggregation=$name" "${krum_set[@]}") ;;
    *) echo "unknown aggregator '$name'; use fedavg-clean, fedavg, median, trimmed_mean, krum or multi_krum" >&2; exit 2 ;;
  esac
  echo "$name: $rounds rounds ..." >&2
  start=$(date +%s)
  "${fedsharp[@]}" simulate "${common[@]}" "${extra[@]}" --json > "$out/$name.jsonl"
  echo "$name: $(( $(date +%s) - start )) s" >&2
done

python3 - "$out" "$config" "$rounds" "$scale" "$byzantine" $aggregators <<'PY' | tee "$out/robustness.md"
import json, os, sys
out, config, rounds, scale, byzantine, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
def summary(name):
    lines = [json.loads(l) for l in open(os.path.join(out, name + ".jsonl"), encoding="utf-8") if l.strip()]
    return lines[-1]
results = {n: summary(n) for n in names}
clean = results.get("fedavg-clean")
print(f"{config}; {rounds} rounds; sign-flip scale {scale}; Krum f = {byzantine}")
print()
print("| aggregator | attackers | final accuracy | best accuracy | best − clean FedAvg | within 3 points |")
print("|---|---|---|---|---|---|")
for n in names:
    r = results[n]
    final, best = 100 * r["final_accuracy"], 100 * r["best_accuracy"]
    attackers = "none" if n == "fedavg-clean" else "yes"
    if clean is None or n == "fedavg-clean":
        delta, ok = "—", "—"
    else:
        d = best - 100 * clean["best_accuracy"]
        delta, ok = f"{d:+.2f}", ("yes" if d >= -3 else "no")
    print(f"| {n} | {attackers} | {final:.2f}% | {best:.2f}% | {delta} | {ok} |")
PY

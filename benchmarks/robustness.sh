#!/usr/bin/env bash
# Byzantine robustness: the same attacked job under each aggregator, against clean FedAvg; prints final and best test
# accuracy per aggregator as a Markdown table (docs/robust-aggregation.md, docs/benchmarks.md).
#
#   bash benchmarks/robustness.sh [--config examples/robustness/fmnist-dirichlet-signflip.yaml] [--rounds 30]
#        [--scale 10] [--out out/robustness] [--aggregators "fedavg-clean fedavg median trimmed_mean krum multi_krum"]
#        [--fedavg-rounds 10] [--skip-done] [--set key=value ...]
#
# Runs, one after the other (never at once, so none slows another):
#   fedavg-clean   FedAvg with every client honest (simulation.attack=none, simulation.attackers=0): the reference;
#   fedavg         FedAvg with the configuration's attackers, for at most --fedavg-rounds rounds (default 10): its model
#                  diverges within a few rounds, honest clients' training then diverges too and they upload nothing, so
#                  every later iteration fails only when round.update_model_time_window runs out;
#   median, trimmed_mean, krum, multi_krum
#                  fedsharp.robust_aggregation=<name> with the same attackers. Krum and Multi-Krum take
#                  f = ⌊attackers × clients⌋ (fedsharp.krum_byzantine), the number of attackers, unless --set gives it.
# Each run's JSON lines go to OUT/<name>.jsonl, its report to OUT/<name>/; the table to stdout and OUT/robustness.md.
# --skip-done keeps a run whose OUT/<name>.jsonl already ends with a summary (to resume an interrupted comparison).
# A run that fails (exit code not 0) is reported as failed in the table; the others still run.
# The issue's target: every robust aggregator within 3 points of clean FedAvg with 20% attackers on Dir(0.5).
set -euo pipefail
cd "$(dirname "$0")/.."
config=examples/robustness/fmnist-dirichlet-signflip.yaml rounds=30 scale=10 out=out/robustness
aggregators="fedavg-clean fedavg median trimmed_mean krum multi_krum"
fedavg_rounds=10 skip_done=0
sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --aggregators) aggregators="$2"; shift 2 ;;
    --fedavg-rounds) fedavg_rounds="$2"; shift 2 ;;
    --skip-done) skip_done=1; shift ;;
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
  if [ "$skip_done" -eq 1 ] && [ -f "$out/$name.jsonl" ] && tail -n 1 "$out/$name.jsonl" | grep -q '"final_accuracy"'; then
    echo "$name: kept from an earlier run" >&2
    continue
  fi
  run_rounds=$rounds
  [ "$name" = fedavg ] && [ "$fedavg_rounds" -lt "$rounds" ] && run_rounds=$fedavg_rounds
  common=(--config "$config" --set "fl_iteration_num=$run_rounds" --set "simulation.report_dir=$out/$name" "${sets[@]}")
  case "$name" in
    fedavg-clean) extra=(--set simulation.attack=none --set simulation.attackers=0) ;;
    fedavg) extra=(--set "simulation.attack_scale=$scale") ;;
    median|trimmed_mean) extra=(--set "simulation.attack_scale=$scale" --set "fedsharp.robust_aggregation=$name") ;;
    krum|multi_krum) extra=(--set "simulation.attack_scale=$scale" --set "fedsharp.robust_aggregation=$name" "${krum_set[@]}") ;;
    *) echo "unknown aggregator '$name'; use fedavg-clean, fedavg, median, trimmed_mean, krum or multi_krum" >&2; exit 2 ;;
  esac
  echo "$name: $run_rounds rounds ..." >&2
  start=$(date +%s)
  rc=0
  "${fedsharp[@]}" simulate "${common[@]}" "${extra[@]}" --json > "$out/$name.jsonl" || rc=$?
  echo "$name: $(( $(date +%s) - start )) s, exit $rc" >&2
done

python3 - "$out" "$config" "$rounds" "$scale" "$byzantine" $aggregators <<'PY' | tee "$out/robustness.md"
import json, os, sys
out, config, rounds, scale, byzantine, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
def summary(name):
    path = os.path.join(out, name + ".jsonl")
    lines = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()] if os.path.exists(path) else []
    rounds = [l for l in lines if "round" in l]
    return (lines[-1] if lines and "final_accuracy" in lines[-1] else None), rounds
results = {n: summary(n) for n in names}
clean = results.get("fedavg-clean", (None, []))[0]
print(f"{config}; {rounds} rounds (attacked FedAvg: at most the rounds shown); sign-flip scale {scale}; Krum f = {byzantine}")
print()
print("| aggregator | attackers (clients) | rounds (valid) | final accuracy | best accuracy | best − clean FedAvg | final − clean FedAvg | within 3 points (best / final) |")
print("|---|---|---|---|---|---|---|---|")
for n in names:
    r, rounds_seen = results[n]
    attackers = "none" if n == "fedavg-clean" else f"{byzantine}"
    if r is None:
        best = max((x["accuracy"] for x in rounds_seen), default=None)
        shown = f"{100 * best:.2f}%" if best is not None else "—"
        print(f"| {n} | {attackers} | {len(rounds_seen)} (run failed) | — | {shown} | — | — | — |")
        continue
    final, best = 100 * r["final_accuracy"], 100 * r["best_accuracy"]
    if clean is None or n == "fedavg-clean":
        db = df = ok = "—"
    else:
        b, f = best - 100 * clean["best_accuracy"], final - 100 * clean["final_accuracy"]
        db, df = f"{b:+.2f}", f"{f:+.2f}"
        ok = ("yes" if b >= -3 else "no") + " / " + ("yes" if f >= -3 else "no")
    print(f"| {n} | {attackers} | {r['rounds']} ({r['valid_rounds']}) | {final:.2f}% | {best:.2f}% | {db} | {df} | {ok} |")
PY

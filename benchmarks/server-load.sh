#!/usr/bin/env bash
# Server load on loopback: one FedSharp server (in-memory store, HTTP/1.1 and h2c endpoints) and a bare-Kestrel ceiling that only
# reads the same updateModel bodies and answers startFLJob-sized replies, driven by benchmarks/FedSharp.LoadTool
# (a distinct client id per request: h2c through HttpClient, HTTP/1.1 on raw sockets) and by h2load (fixed bodies, so
# only the paths a repeated body takes). Every FedSharp figure has its ceiling from the same generator in the same
# run. Bounded and self-stopping.
#
#   bash benchmarks/server-load.sh [--seconds 10] [--connections 4] [--streams 16] [--clients 120000] [--no-h2load]
#
# The job joins every startFLJob (start_fl_job_threshold 1,000,000, one-hour windows), so the iteration never
# closes: startFLJob always takes the accepted path (reply with the 44,426-parameter simple-cnn model), and each
# updateModel comes from its own client that joined first (a client contributes once per iteration). --clients is
# how many clients are joined for each updateModel run (the ceiling reuses their bodies); if the load outruns them
# the window ends early and the result says ran_out_of_bodies. Each measurement is --seconds (at most 20) after a 2 s warm-up.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=10 connections=4 streams=16 clients=120000 use_h2load=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --streams) streams="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --no-h2load) use_h2load=0; shift ;;
    *) echo "unknown option $1; see the usage at the top of $0" >&2; exit 2 ;;
  esac
done
if [ "$seconds" -gt 20 ] || [ "$seconds" -lt 1 ]; then echo "--seconds must be 1..20" >&2; exit 2; fi
if [ "$use_h2load" = 1 ] && ! command -v h2load >/dev/null; then echo "h2load not found (apt-get install nghttp2-client), or pass --no-h2load" >&2; exit 2; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/fedsharp-server-load.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "building Release (fedsharp CLI and the load tool)..." >&2
dotnet build "$root/src/FedSharp.Cli" -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dotnet build "$root/benchmarks/FedSharp.LoadTool" -c Release -v q -nologo >>"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fedsharp="$root/src/FedSharp.Cli/bin/Release/net10.0/fedsharp.dll"
loadtool="$root/benchmarks/FedSharp.LoadTool/bin/Release/net10.0/fedsharp-load.dll"

cat >"$work/job.yaml" <<YAML
fl_name: server-load
fl_iteration_num: 1
server_mode: FEDERATED_LEARNING
round:
  start_fl_job_threshold: 1000000
  start_fl_job_time_window: 3600000
  update_model_ratio: 1.0
  update_model_time_window: 3600000
  global_iteration_time_window: 7200000
summary:
  metrics_file: "$work/metrics.json"
  failure_event_file: "$work/event.txt"
fedsharp:
  model: simple-cnn
  checkpoint_dir: "$work/checkpoints"
YAML

# Waits up to 30 s for the first line of $1 to name a URL; prints the $2-th URL of it.
wait_url() {
  for _ in $(seq 300); do
    if [ -s "$1" ]; then
      head -n 1 "$1" | grep -oE 'http://[0-9.:]+/' | sed -n "${2}p" && return 0
    fi
    sleep 0.1
  done
  echo "no listening line in $1 within 30 s" >&2; cat "$1" "${1%.jsonl}.err" >&2 2>/dev/null; return 1
}

dotnet "$fedsharp" server --config "$work/job.yaml" --http 127.0.0.1:0 --h2c 127.0.0.1:0 --json >"$work/server.jsonl" 2>"$work/server.err" &
pids+=($!)
dotnet "$loadtool" ceiling --port 0 --seconds 600 >"$work/ceiling.jsonl" 2>"$work/ceiling.err" &
pids+=($!)
server_h1="$(wait_url "$work/server.jsonl" 1)"  # the listening line lists the HTTP/1.1 URL, then the h2c URL
server="$(wait_url "$work/server.jsonl" 2)"
ceiling="$(wait_url "$work/ceiling.jsonl" 1)"    # the ceiling's h2c URL, then its HTTP/1.1 one
ceiling_h1="$(wait_url "$work/ceiling.jsonl" 2)"
echo "server h2c $server, HTTP/1.1 $server_h1; ceiling h2c $ceiling, HTTP/1.1 $ceiling_h1" >&2
echo "${seconds} s per measurement; h2c: $connections connections x $streams streams; HTTP/1.1: $((connections * 2)) connections" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

h2c=(--fl-name server-load --connections "$connections" --streams "$streams" --seconds "$seconds" --warmup 2)
h1=(--fl-name server-load --protocol http1 --connections "$((connections * 2))" --seconds "$seconds" --warmup 2)
declare -A rate
measure() { # name, then load tool arguments
  local name="$1"; shift
  local line
  line="$(dotnet "$loadtool" load "$@" | tail -n 1)"
  echo "$line"
  # Accepted replies per second: refused ones (another status or retcode) are counted apart and not in the figure.
  rate[$name]="$(sed -nE 's/.*"accepted_per_s":([0-9]+).*/\1/p' <<<"$line")"
}
measure start_h2c --server "$server" "${h2c[@]}" --round startFLJob
measure start_ceiling_h2c --server "$server" "${h2c[@]}" --round startFLJob --ceiling "$ceiling"
measure start_h1 --server "$server_h1" "${h1[@]}" --round startFLJob
measure start_ceiling_h1 --server "$server_h1" "${h1[@]}" --round startFLJob --ceiling "$ceiling_h1"
measure update_h2c --server "$server" "${h2c[@]}" --round updateModel --clients "$clients"
measure update_ceiling_h2c --server "$server" "${h2c[@]}" --round updateModel --clients "$clients" --ceiling "$ceiling"
measure update_h1 --server "$server_h1" "${h1[@]}" --round updateModel --clients "$clients"
measure update_ceiling_h1 --server "$server_h1" "${h1[@]}" --round updateModel --clients "$clients" --ceiling "$ceiling_h1"

if [ "$use_h2load" = 1 ]; then
  dotnet "$loadtool" bodies --server "$server" --fl-name server-load --out "$work" 2>/dev/null
  h2() { # name, body, url
    local out
    out="$(h2load -c "$connections" -m "$streams" -w 24 -W 30 --warm-up-time=2 -D "$seconds" -d "$2" -H 'content-type: application/x-protobuf' "$3" 2>&1)"
    rate[$1]="$(sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' <<<"$out" | cut -d. -f1)"
    echo "h2load $1: ${rate[$1]} req/s; $(grep -E '^requests:|^status codes:' <<<"$out" | tr '\n' ' ')"
  }
  h2 h2load_ceiling "$work/updateModel.bin" "$ceiling"
  # One body, one fl_id: after its first update every request is refused as a second update, but only once the
  # 44,426 parameters were decoded and checked, so this is the decode path without accumulation.
  h2 h2load_update_repeat "$work/updateModel.bin" "${server}updateModel"
  # One fl_id: every startFLJob after the first is refused without the model; the cheap refusal path.
  h2 h2load_start_repeat "$work/startFLJob.bin" "${server}startFLJob"
fi

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo
echo "| measurement | FedSharp accepted/s | bare-Kestrel ceiling accepted/s | share |"
echo "|---|---|---|---|"
row() { awk -v n="$1" -v u="$2" -v c="$3" 'BEGIN { printf "| %s | %s | %s | %s |\n", n, u, c, (c > 0 ? sprintf("%.0f%%", 100 * u / c) : "-") }'; }
row "startFLJob, accepted with the model, distinct fl_id (h2c)" "${rate[start_h2c]}" "${rate[start_ceiling_h2c]}"
row "startFLJob, accepted with the model, distinct fl_id (HTTP/1.1)" "${rate[start_h1]}" "${rate[start_ceiling_h1]}"
row "updateModel, accepted, distinct joined clients (h2c)" "${rate[update_h2c]}" "${rate[update_ceiling_h2c]}"
row "updateModel, accepted, distinct joined clients (HTTP/1.1)" "${rate[update_h1]}" "${rate[update_ceiling_h1]}"
if [ "$use_h2load" = 1 ]; then
  row "updateModel, one repeated body: decoded then refused (h2load, h2c)" "${rate[h2load_update_repeat]}" "${rate[h2load_ceiling]}"
  row "startFLJob, one repeated fl_id: refused without the model (h2load, h2c)" "${rate[h2load_start_repeat]}" "-"
fi

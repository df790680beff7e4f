#!/usr/bin/env bash
# One FedSharp server and several device processes on loopback, each a separate `fedsharp` process:
#
#   bash examples/loopback/run.sh [--clients 4] [--workdir DIR] [--set key.path=value ...]
#
# Each --set goes to the server and to every client, e.g. --set aggregation.aggregation_type=FedProx
# --set aggregation.iid_rate=0.01 for FedProx, or --set fedsharp.server_optimizer=adam for FedAdam.
#
# The server picks a free port and names it in its first JSON line, which the script waits for; each client trains
# on its own IID share of the bundled Fashion-MNIST subset; the script waits for all of them and fails unless every
# iteration of the job was valid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
clients=4
workdir="$(mktemp -d)"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --set) extra+=(--set "$2"); shift 2 ;;
    *) echo "unknown argument $1; see the header of $0" >&2; exit 2 ;;
  esac
done
fedsharp="$root/fedsharp"
"$fedsharp" --version >/dev/null   # builds on first use, before any timing starts
cd "$workdir"
config="$here/fashion-mnist.yaml"
set_threshold="round.start_fl_job_threshold=$clients"

# The file exists before the server starts, so that the reader below never races the shell that creates it.
: > server.jsonl
"$fedsharp" server --config "$config" --set "$set_threshold" "${extra[@]}" --http 127.0.0.1:0 --json >> server.jsonl 2> server.err &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT

# Wait for the server's first JSON line (it names the address) instead of polling the file: tail follows the file as
# the server writes it and ends when the server exits, so `read` returns at the first whole line, or at end of input
# if the server died first. One-second slices let the shell reap a server that died (tail's --pid sees it only then);
# a slice that ends mid-line keeps what it read. The limit is generous for a loaded machine.
startup_seconds=300
exec 3< <(exec tail -n +1 -f --pid="$server_pid" server.jsonl)
tail_pid=$!
first=""
for ((waited = 0; waited < startup_seconds; waited++)); do
  chunk=""
  status=0
  IFS= read -r -t 1 -u 3 chunk || status=$?
  first+="$chunk"
  # 0: a whole line; above 128: the slice ran out; anything else: end of input (the server exited).
  if [ "$status" -le 128 ] || ! kill -0 "$server_pid" 2>/dev/null; then break; fi
done
kill "$tail_pid" 2>/dev/null || true
exec 3<&-
url=$(sed -nE 's/.*"urls":\["([^"]+)".*/\1/p' <<<"$first")
if [ -z "$url" ]; then
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "the server did not report its address within $startup_seconds s; its first line: '$first'" >&2
  else
    echo "the server exited before reporting its address:" >&2
  fi
  cat server.err >&2
  exit 1
fi
echo "server listening on $url"

pids=()
for ((i = 0; i < clients; i++)); do
  "$fedsharp" client --config "$config" --set "$set_threshold" "${extra[@]}" --server-urls "$url" \
    --dataset fashion-mnist-subset --partition iid --client-index "$i" --clients "$clients" --json > "client-$i.jsonl" 2> "client-$i.err" &
  pids+=($!)
done

status=0
for ((i = 0; i < clients; i++)); do
  if ! wait "${pids[$i]}"; then
    echo "client $i failed:" >&2; cat "client-$i.err" >&2; status=1
  fi
done
# Every device is done: stop the server as an operator would (SIGTERM); it prints its summary and exits 0.
kill -TERM $server_pid
wait $server_pid || { echo "the server failed:" >&2; cat server.err >&2; status=1; }
trap - EXIT

summary=$(tail -n 1 server.jsonl)
echo "server: $summary"
for ((i = 0; i < clients; i++)); do echo "client $i: $(tail -n 1 "client-$i.jsonl")"; done
valid=$(sed -nE 's/.*"valid_iterations":([0-9]+).*/\1/p' <<<"$summary")
total=$(sed -nE 's/.*"iterations":([0-9]+).*/\1/p' <<<"$summary")
if [ "$status" -ne 0 ] || [ -z "$valid" ] || [ "$valid" != "$total" ] || [ "$total" -eq 0 ]; then
  echo "FAILED: $valid of $total iterations valid" >&2
  exit 1
fi
echo "OK: $valid of $total iterations valid; files in $workdir"

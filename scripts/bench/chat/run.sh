#!/usr/bin/env bash
# Chat benchmark: AeThex /ws vs. a Socket.io broadcast server, same load generator, same machine.
# See scripts/bench/chat/README.md. Invoked by scripts/bench/chat/run.sh or scripts/bench/chat.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
build="${AETHEX_BENCH_BUILD_DIR:-$repo/build-bench-chat}"
sizes="${CHAT_BENCH_CLIENTS:-1000 5000}"
lat_senders="${CHAT_BENCH_SENDERS:-10}"
lat_rate="${CHAT_BENCH_RATE:-2}"          # messages/s per sender in the latency run
tput_senders="${CHAT_BENCH_TPUT_SENDERS:-50}"
tput_rate="${CHAT_BENCH_TPUT_RATE:-20}"   # offered load in the throughput run
seconds="${CHAT_BENCH_SECONDS:-10}"

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

binary="${AETHEX_BINARY:-}"
if [ -z "$binary" ]; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAETHEX_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target aethex -j2 >/dev/null
  binary="$build/aethex"
fi
mkdir -p "$build/bench"
loadgen="$build/bench/chat_loadgen"
if [ ! -x "$loadgen" ] || [ "$here/loadgen.cpp" -nt "$loadgen" ] ||
   [ "$here/../common/latency_histogram.hpp" -nt "$loadgen" ] ||
   [ "$here/../common/loadgen_runtime.hpp" -nt "$loadgen" ]; then
  g++ -O2 -std=c++20 -DBOOST_ASIO_NO_DEPRECATED "$here/loadgen.cpp" -o "$loadgen" -lpthread
fi
if [ ! -d "$here/node_modules/socket.io" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 150); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "timeout waiting for $2 in $1" >&2; cat "$1" >&2; return 1; }

work="$(mktemp -d /tmp/aethex-chat-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

run_aethex() {  # clients senders rate
  local port; port="$(free_port)"
  local log="$work/node-$1-$3.log"
  # Every client comes from 127.0.0.1: lift the per-address connection cap.
  "$binary" serve --data "$work/data-$1-$3" --http-port "$port" --rtmp-port 0 --srt-port 0 \
    --cluster-port 0 --http-max-connections-per-address 0 \
    ${CHAT_BENCH_SCHEDULER:+--scheduler "$CHAT_BENCH_SCHEDULER"} >"$log" 2>&1 &
  local pid=$!; pids+=("$pid")
  wait_for "$log" "ready: http"
  "$binary" channel create bench --connect "127.0.0.1:$port" --data "$work/data-$1-$3" >/dev/null
  "$loadgen" --proto aethex --port "$port" --clients "$1" --senders "$2" --rate "$3" \
    --seconds "$seconds" --channel bench --token "$(cat "$work/data-$1-$3/admin.token")" \
    --server-pid "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run_socketio() {  # clients senders rate
  local port; port="$(free_port)"
  local log="$work/sio-$1-$3.log"
  node "$here/socketio_server.js" "$port" >"$log" 2>&1 &
  local pid=$!; pids+=("$pid")
  wait_for "$log" "ready: socket.io"
  "$loadgen" --proto socketio --port "$port" --clients "$1" --senders "$2" --rate "$3" \
    --seconds "$seconds" --server-pid "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

results="$work/results.jsonl"
for n in $sizes; do
  for mode in latency throughput; do
    if [ "$mode" = latency ]; then s=$lat_senders; r=$lat_rate; else s=$tput_senders; r=$tput_rate; fi
    echo "running: $n clients, $mode ($s senders x $r msg/s, ${seconds}s)" >&2
    a="$(run_aethex "$n" "$s" "$r" | tail -1)"
    b="$(run_socketio "$n" "$s" "$r" | tail -1)"
    if [ -z "$a" ] || [ -z "$b" ]; then echo "run failed ($n clients, $mode)" >&2; exit 1; fi
    echo "{\"mode\":\"$mode\",\"aethex\":$a,\"socketio\":$b}" >>"$results"
  done
done

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print()
print("| clients | run | server | msgs/s offered | deliveries/s | delivered | p50 ms | p99 ms | max ms | dropped clients | idle B/client |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    for name in ("aethex", "socketio"):
        x = r[name]
        offered = x["senders"] * x["rate_per_sender"]
        print(f"| {x['clients']} | {r['mode']} | {name} | {offered:.0f} | {x['deliveries_per_s']:.0f} | "
              f"{100*x['delivery_ratio']:.1f}% | {x['p50_ms']:.2f} | {x['p99_ms']:.2f} | {x['max_ms']:.2f} | "
              f"{x['disconnected']} | {x['bytes_per_idle_client']:.0f} |")
print()
for r in rows:
    a, b = r["aethex"], r["socketio"]
    ratio = a["deliveries_per_s"] / b["deliveries_per_s"] if b["deliveries_per_s"] else float("inf")
    p99 = b["p99_ms"] / a["p99_ms"] if a["p99_ms"] else float("inf")
    print(f"{a['clients']} clients, {r['mode']}: deliveries/s ratio aethex/socket.io = {ratio:.2f}x, "
          f"p99 socket.io/aethex = {p99:.2f}x")
PY

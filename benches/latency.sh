#!/usr/bin/env bash
# The latency collector's cost, for BENCHMARKS.md: the exporter's CPU share and RSS while its
# background queries run and nothing scrapes it, measured from /proc (utime + stime, VmRSS).
#
#   - idle: `serve --demo` with no collector, for the floor (the demo's simulated API and DNS
#     listeners run in the process: the figures include answering the queries);
#   - default: `--collector.latency` (a query a second over udp and tcp);
#   - 10/s: `--collector.latency.interval 100ms` over udp, tcp, tls and https (ten queries a
#     second per transport), kept running until every transport has sent 3,600 queries (an
#     hour at the default interval), with its RSS before and after.
#
#   benches/latency.sh               build (cargo build --release --locked), then every figure
#   benches/latency.sh --no-build    use the existing target/release/technitium-exporter
# Environment: SECONDS_PER_FIGURE (60): how long each CPU share is measured; QUERIES (3600): the
# queries per transport the 10/s run sends before its second RSS reading.
# Tools: python3 (stdlib only). Everything runs on 127.0.0.1; every process started here is
# stopped on exit. CI does not run it (the figures need a quiet machine).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/target/release/technitium-exporter
DURATION=${SECONDS_PER_FIGURE:-60}
QUERIES=${QUERIES:-3600}
WORK=$(mktemp -d /tmp/technitium-latency.XXXXXX)
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '==> %s\n' "$*" >&2; }
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

if [[ ${1:-} != --no-build ]]; then
    log "cargo build --release --locked"
    cargo build --release --locked
fi
[[ -x $BIN ]] || { echo "latency.sh: no $BIN (build it, or drop --no-build)" >&2; exit 1; }

# start NAME FLAGS...: `serve --demo` with no collector but FLAGS; prints its PID. The demo's
# DNS listeners run in the same process, so the figures include answering the queries: an upper
# bound of the exporter's own cost (`--demo` starts the listeners before logging does, so a
# second process cannot learn their ports).
start() {
    local name=$1 port
    shift
    port=$(free_port)
    "$BIN" serve --demo --collector.disable-defaults --web.listen-address "127.0.0.1:$port" "$@" \
        >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    echo $!
}

# cpu PID: the CPU share (% of one core) of PID over DURATION seconds.
cpu() {
    local before after hz
    hz=$(getconf CLK_TCK)
    before=$(ticks "$1")
    sleep "$DURATION"
    after=$(ticks "$1")
    python3 -c "print(f'{($after - $before) / $hz / $DURATION * 100:.3f}')"
}

log "idle: serve with no collector, ${DURATION}s"
pid=$(start idle)
sleep 5
idle=$(cpu "$pid")
kill "$pid"

log "default: --collector.latency (1s, udp,tcp), ${DURATION}s"
pid=$(start default --collector.latency)
sleep 5
default=$(cpu "$pid")
kill "$pid"

log "10/s: --collector.latency.interval 100ms over udp,tcp,tls,https, ${DURATION}s, then to 3,600 queries each"
pid=$(start fast --collector.latency --collector.latency.interval 100ms \
    --collector.latency.transports udp,tcp,tls,https)
sleep 5
rss_before=$(rss_kib "$pid")
fast=$(cpu "$pid")
rest=$((QUERIES / 10 - 5 - DURATION))
((rest <= 0)) || sleep "$rest"
rss_after=$(rss_kib "$pid")
kill "$pid"

cat <<EOF
| run | exporter CPU (% of one core) | RSS |
|---|---|---|
| serve --demo, no collector (floor) | $idle | |
| --collector.latency (1 s, udp+tcp: 2 queries/s) | $default | |
| interval 100ms, udp+tcp+tls+https (40 queries/s) | $fast | ${rss_before} KiB after 5 s, ${rss_after} KiB after $((QUERIES / 10)) s ($QUERIES queries per transport) |
EOF

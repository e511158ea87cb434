#!/usr/bin/env bash
# Round trip through Debian's node_exporter: `technitium-exporter textfile --demo` writes a .prom
# file, prometheus-node-exporter's textfile collector reads it, and its /metrics must show
# `node_textfile_scrape_error 0` (the file parsed and did not collide with node_exporter's own
# families) and the technitium_* series. Done twice: a healthy demo server (technitium_up 1) and a
# server that is down (technitium_up 0 with technitium_scrape_error{reason}).
#
# Usage: scripts/check-node-exporter.sh [--bin PATH]
#   --bin PATH   the exporter binary (default: $TECHNITIUM_EXPORTER_BIN, else
#                target/debug/technitium-exporter)
# Environment: NODE_EXPORTER (default /usr/bin/prometheus-node-exporter).
# Fails (never skips) when either binary is missing. Listens on loopback only.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${TECHNITIUM_EXPORTER_BIN:-target/debug/technitium-exporter}
while [[ $# -gt 0 ]]; do
    case $1 in
        --bin) [[ $# -ge 2 ]] || { echo "usage: $0 [--bin PATH]" >&2; exit 2; }; bin=$2; shift 2 ;;
        --bin=*) bin=${1#--bin=}; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "usage: $0 [--bin PATH]" >&2; exit 2 ;;
    esac
done
node_exporter=${NODE_EXPORTER:-/usr/bin/prometheus-node-exporter}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

[[ -x $bin ]] || fail "$bin is missing: build it first (cargo build)"
[[ -x $node_exporter ]] || fail "$node_exporter is missing: apt-get install prometheus-node-exporter"
command -v curl >/dev/null || fail "curl is missing"

tmp=$(mktemp -d)
ne_pid=
cleanup() {
    if [[ -n $ne_pid ]]; then
        kill "$ne_pid" 2>/dev/null || true
        wait "$ne_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

textdir=$tmp/textfile
mkdir "$textdir"

# The healthy case first, so node_exporter has something to read from its first scrape.
"$bin" textfile --demo --output.dir "$textdir" 2>"$tmp/textfile.log" \
    || { cat "$tmp/textfile.log" >&2; fail "textfile --demo exited $?"; }
[[ -s $textdir/technitium.prom ]] || fail "textfile --demo wrote no $textdir/technitium.prom"

# Start node_exporter on a free loopback port (retry on a port collision).
port=
for _ in $(seq 1 10); do
    candidate=$((20000 + RANDOM % 40000))
    "$node_exporter" \
        --web.listen-address="127.0.0.1:$candidate" \
        --collector.disable-defaults \
        --collector.textfile \
        --collector.textfile.directory="$textdir" \
        >"$tmp/node_exporter.log" 2>&1 &
    ne_pid=$!
    for _ in $(seq 1 50); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$candidate/metrics" 2>/dev/null; then
            port=$candidate
            break 2
        fi
        kill -0 "$ne_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$ne_pid" 2>/dev/null || true
    wait "$ne_pid" 2>/dev/null || true
    ne_pid=
done
[[ -n $port ]] || { cat "$tmp/node_exporter.log" >&2; fail "node_exporter did not start"; }
echo "node_exporter $("$node_exporter" --version 2>&1 | head -n1 | awk '{print $3}') on 127.0.0.1:$port"

scrape() {
    curl -fsS "http://127.0.0.1:$port/metrics" >"$tmp/metrics.txt" || fail "cannot scrape node_exporter"
}

expect_line() { # a whole line that must be present
    grep -qxF -- "$1" "$tmp/metrics.txt" || {
        grep -E '^(node_textfile|technitium_up|technitium_scrape_error)' "$tmp/metrics.txt" >&2 || true
        grep -iE 'textfile|error' "$tmp/node_exporter.log" >&2 || true
        fail "node_exporter's /metrics lacks the line: $1"
    }
}

check_round() {
    local name=$1 up=$2
    scrape
    expect_line "node_textfile_scrape_error 0"
    expect_line "technitium_up $up"
    grep -q "^node_textfile_mtime_seconds{file=\"$textdir/technitium.prom\"} " "$tmp/metrics.txt" \
        || grep -q '^node_textfile_mtime_seconds{file="technitium.prom"} ' "$tmp/metrics.txt" \
        || fail "$name: node_exporter did not read technitium.prom"
    # A family that collides with node_exporter's own (go_*, process_*) or is inconsistent does
    # not raise node_textfile_scrape_error: node_exporter logs it and serves the rest.
    if grep -F 'error gathering metrics' "$tmp/node_exporter.log" >&2; then
        fail "$name: node_exporter rejected part of the file (see above)"
    fi
    local series in_file
    series=$(grep -c '^technitium_' "$tmp/metrics.txt")
    in_file=$(grep -c '^technitium_' "$textdir/technitium.prom")
    [[ $series == "$in_file" ]] || fail "$name: the file has $in_file technitium_* series, node_exporter serves $series"
    echo "ok: $name: node_textfile_scrape_error 0, technitium_up $up, all $series technitium_* series served"
}

check_round "healthy demo" 1

# A server that is down: the file is still written (exit 0), with technitium_up 0.
dead_port=$((20000 + RANDOM % 40000))
[[ $dead_port == "$port" ]] && dead_port=$((dead_port + 1))
"$bin" textfile --technitium.url "http://127.0.0.1:$dead_port" --technitium.token dummy \
    --output.dir "$textdir" 2>"$tmp/textfile.log" \
    || { cat "$tmp/textfile.log" >&2; fail "textfile against a down server exited non-zero"; }
check_round "down server" 0
expect_line 'technitium_scrape_error{reason="unreachable"} 1'

# No temp files left behind for node_exporter to trip over.
leftover=$(find "$textdir" -mindepth 1 ! -name technitium.prom)
[[ -z $leftover ]] || fail "stray files in the textfile directory: $leftover"
echo "PASS"

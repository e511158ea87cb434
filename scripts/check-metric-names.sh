#!/usr/bin/env bash
# Cross-check: every metric name the dashboard and the rules use must exist in
# what technitium-exporter emits, and every literal label matcher
# (rcode="SERVFAIL", state="unreachable", collector="dhcp", section=~"...") must
# match an emitted series. Grouping labels (by/on/ignoring/group_*) and legend
# labels ({{rcode}}) must be on some emitted metric. Recording-rule names,
# PromQL functions and keywords, and Prometheus's / node_exporter's own metrics
# (up, node_textfile_*) are left out.
#
# What "emitted" means is the union of:
#   - scrape --demo with every collector on (the list read from the binary's
#     `scrape --help`), for a v15.6 (the default) and a v13.6 demo server;
#   - scrape against a server that rejects the token (technitium_scrape_error
#     with reason="invalid_token"): a tiny loopback stand-in that answers every
#     call with Technitium's invalid-token envelope;
#   - /metrics of serve --demo (the exporter's own metrics).
#
# Usage:
#   scripts/check-metric-names.sh [--bin PATH]     default: target/debug/technitium-exporter
#   scripts/check-metric-names.sh --prom-dir DIR   use DIR/*.prom instead of running the binary
#
# Exit status: 0 all names found, 1 a name or label value is missing or the
# binary misbehaved, 2 usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
dashboard="$root/contrib/grafana/technitium.json"
rules=("$root/contrib/prometheus/alerts.yml")
[[ -f $root/contrib/prometheus/rules.yml ]] && rules+=("$root/contrib/prometheus/rules.yml")

bin="$root/target/debug/technitium-exporter"
prom_dir=""
while (($#)); do
    case $1 in
        --bin) bin=${2:?--bin needs a path}; shift 2 ;;
        --prom-dir) prom_dir=${2:?--prom-dir needs a directory}; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "check-metric-names: unknown argument: $1" >&2; exit 2 ;;
    esac
done

command -v python3 >/dev/null || { echo "check-metric-names: python3 is required" >&2; exit 1; }
python3 "$here/lib/promql_refs.py" selftest >/dev/null || {
    python3 "$here/lib/promql_refs.py" selftest
    exit 1
}

if [[ -n $prom_dir ]]; then
    shopt -s nullglob
    files=("$prom_dir"/*.prom)
    ((${#files[@]})) || { echo "check-metric-names: no .prom files in $prom_dir" >&2; exit 1; }
    exec python3 "$here/lib/promql_refs.py" names "$dashboard" "${rules[@]}" --prom "${files[@]}"
fi

[[ -x $bin ]] || {
    echo "check-metric-names: $bin is not an executable (build it first: cargo build)" >&2
    exit 1
}

tmp=$(mktemp -d)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=scripts/lib/collectors.sh
source "$here/lib/collectors.sh"

# GET URL into FILE; returns non-zero unless the answer is 200
http_get() {
    python3 - "$1" "$2" <<'PY'
import sys, urllib.request
url, out = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(url, timeout=10) as r:
        data = r.read()
except Exception as e:
    sys.exit(f"GET {url}: {e}")
open(out, "wb").write(data)
PY
}

wait_ready() { # URL TIMEOUT_SECONDS
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        http_get "$1" /dev/null 2>/dev/null && return 0
        sleep 0.1
    done
    echo "check-metric-names: $1 did not answer within $2s" >&2
    return 1
}

run_scrape() { # OUT EXPECTED_STATUSES ARGS...
    local out=$1 ok=$2 status=0
    shift 2
    "$bin" scrape "$@" >"$out" 2>"$out.log" || status=$?
    if [[ " $ok " != *" $status "* ]]; then
        echo "check-metric-names: '$bin scrape $*' exited $status (expected one of: $ok); its stderr:" >&2
        cat "$out.log" >&2
        exit 1
    fi
    if ! grep -q '^technitium_up ' "$out"; then
        echo "check-metric-names: '$bin scrape $*' printed no technitium_up sample" >&2
        exit 1
    fi
}

flags=$(every_collector "$bin") || exit 1
mapfile -t all <<<"$flags"

echo "check-metric-names: scrape --demo (v15.6 and v13.6, every collector)"
run_scrape "$tmp/demo-15.prom" "0" --demo "${all[@]}"
run_scrape "$tmp/demo-13.prom" "0" --demo --demo.version 13.6 "${all[@]}"

echo "check-metric-names: scrape against a server that rejects the token"
reject_port=$(free_port)
python3 "$here/lib/reject_server.py" "$reject_port" >"$tmp/reject.log" 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$reject_port/" 10
run_scrape "$tmp/rejected.prom" "0 1" --technitium.url "http://127.0.0.1:$reject_port" \
    --technitium.token check-metric-names-rejected-token
if ! grep -q '^technitium_scrape_error{.*reason="invalid_token"' "$tmp/rejected.prom"; then
    echo "check-metric-names: a rejected token did not give technitium_scrape_error{reason=\"invalid_token\"}:" >&2
    cat "$tmp/rejected.prom" >&2
    exit 1
fi

echo "check-metric-names: serve --demo /metrics"
port=$(free_port)
"$bin" serve --demo "${all[@]}" --web.listen-address "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pids+=($!)
if ! wait_ready "http://127.0.0.1:$port/-/ready" 30; then
    cat "$tmp/serve.log" >&2
    exit 1
fi
# twice: counters of the exporter's own scrapes exist after the first one
http_get "http://127.0.0.1:$port/metrics" "$tmp/serve-1.prom"
http_get "http://127.0.0.1:$port/metrics" "$tmp/serve.prom"
rm -f "$tmp/serve-1.prom"

python3 "$here/lib/promql_refs.py" names "$dashboard" "${rules[@]}" --prom "$tmp"/*.prom

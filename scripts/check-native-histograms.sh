#!/usr/bin/env bash
# Native histograms over protobuf, in a real Prometheus, on loopback ports:
#
#   - the exporter: serve --demo (plus $exporter_flags below);
#   - Prometheus "native": Debian's prometheus with --enable-feature=native-histograms, which
#     asks for the delimited protobuf format first; every histogram the exporter writes with
#     native buckets must be ingested as a native histogram. (Prometheus 2.42 then keeps no
#     classic _bucket series of it: it has no scrape_classic_histograms, which came in 2.45.)
#   - Prometheus "classic": the same binary without the flag, which negotiates OpenMetrics and
#     ingests the classic _bucket, _sum and _count series.
#
# On each it waits (up to 60 s) until every check of its list passes, then fails on any that
# does not, and when Prometheus logged a warning or an error. A check is
#   KIND|EXPR|LABEL|VALUES
# KIND `native`: every series EXPR returns is a native histogram sample; `value`: a finite
# number. EXPR must return at least one series, and when LABEL is set, one for each of the
# comma-separated VALUES (then only those are checked: another path's may be NaN). The
# dashboard's panel over the exporter's own histogram (classic buckets, or the native
# histogram) is run on both.
#
# The latency collector (--collector.latency, every second over udp and tcp to the demo's
# listeners) gives its histogram per transport: p99 from the native histogram on one, from the
# classic buckets on the other.
#
# Usage: scripts/check-native-histograms.sh [--bin PATH]
#   --bin PATH   the exporter binary (default target/debug/technitium-exporter)
# Environment: PROMETHEUS (default: prometheus on PATH). A missing prometheus is a failure,
# never a skip (install it: apt-get install -y --no-install-recommends prometheus).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

exporter_flags=(--demo --collector.latency)
# The exporter's own histogram: native buckets per API path.
upstream=technitium_exporter_upstream_request_duration_seconds
native_checks=(
    "native|$upstream|endpoint|/api/user/session/get,/api/dashboard/stats/get"
    "value|histogram_count(rate($upstream[1m]))|endpoint|/api/user/session/get"
    "value|histogram_quantile(0.99, sum by (endpoint) (rate($upstream[1m])))|endpoint|/api/user/session/get"
    "native|technitium_dns_latency_seconds|transport|udp,tcp"
    "value|histogram_quantile(0.99, sum by (transport) (rate(technitium_dns_latency_seconds[1m])))|transport|udp,tcp"
)
classic_checks=(
    "value|${upstream}_bucket{le=\"+Inf\"}|endpoint|/api/user/session/get,/api/dashboard/stats/get"
    "value|histogram_quantile(0.99, sum by (le, endpoint) (rate(${upstream}_bucket[1m])))|endpoint|/api/user/session/get"
    "value|technitium_dns_latency_seconds_bucket{le=\"+Inf\"}|transport|udp,tcp"
    "value|histogram_quantile(0.99, sum by (le, transport) (rate(technitium_dns_latency_seconds_bucket[1m])))|transport|udp,tcp"
)
panel="Upstream request duration (p90)"

bin="$root/target/debug/technitium-exporter"
while (($#)); do
    case $1 in
        --bin) bin=${2:?--bin needs a path}; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "check-native-histograms: unknown argument: $1" >&2; exit 2 ;;
    esac
done

prometheus=${PROMETHEUS:-$(command -v prometheus || true)}
if [[ -z $prometheus || ! -x $prometheus ]]; then
    echo "check-native-histograms: prometheus not found (install it: apt-get install -y --no-install-recommends prometheus)" >&2
    exit 1
fi
[[ -x $bin ]] || {
    echo "check-native-histograms: $bin is not an executable (build it first: cargo build)" >&2
    exit 1
}

# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"

tmp=$(mktemp -d)
pids=()
cleanup() {
    local status=$? pid f
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if ((status != 0)); then
        for f in "$tmp"/*.log; do
            [[ -s $f ]] || continue
            echo "--- last lines of $(basename "$f")" >&2
            tail -n 15 "$f" >&2
        done
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_ready() { # URL PID
    local i
    for ((i = 0; i < 300; i++)); do
        kill -0 "$2" 2>/dev/null || { echo "check-native-histograms: the process serving $1 exited" >&2; return 1; }
        python3 -c 'import sys, urllib.request as u
u.build_opener(u.ProxyHandler({})).open(sys.argv[1], timeout=2).read()' "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "check-native-histograms: $1 did not answer within 30 s" >&2
    return 1
}

step "the exporter: serve ${exporter_flags[*]}"
port_e=$(free_port)
"$bin" serve "${exporter_flags[@]}" --web.listen-address "127.0.0.1:$port_e" >"$tmp/exporter.log" 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$port_e/-/ready" "${pids[-1]}"

# start_prometheus NAME FLAGS...: a Prometheus scraping the exporter every second; prints its URL.
start_prometheus() {
    local name=$1 port
    shift
    port=$(free_port)
    cat >"$tmp/$name.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: technitium
    static_configs:
      - targets: ['127.0.0.1:$port_e']
EOF
    "$prometheus" --config.file="$tmp/$name.yml" --storage.tsdb.path="$tmp/$name-data" \
        --web.listen-address="127.0.0.1:$port" --log.level=warn "$@" >"$tmp/prometheus-$name.log" 2>&1 &
    pids+=($!)
    wait_ready "http://127.0.0.1:$port/-/ready" "${pids[-1]}" >&2
    echo "http://127.0.0.1:$port"
}

step "Prometheus with --enable-feature=native-histograms (protobuf), and one without (OpenMetrics)"
"$prometheus" --version 2>&1 | head -n 1
native_url=$(start_prometheus native --enable-feature=native-histograms)
classic_url=$(start_prometheus classic)
panel_expr=$(python3 "$here/lib/promql_refs.py" queries "$root/contrib/grafana/technitium.json" |
    python3 -c 'import json, sys
for line in sys.stdin:
    q = json.loads(line)
    if q["title"] == sys.argv[1]:
        print(q["expr"])
        break' "$panel")
[[ -n $panel_expr ]] || { echo "check-native-histograms: no dashboard panel titled \"$panel\"" >&2; exit 1; }

# run URL CHECK...: waits until every check passes (60 s at most), then reports each.
run() {
    python3 - "$@" <<'PY'
import json, math, sys, time, urllib.parse, urllib.request as u

base, checks = sys.argv[1], sys.argv[2:]
opener = u.build_opener(u.ProxyHandler({}))


def query(expr):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with opener.open(url, timeout=10) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError(body.get("error", body))
    return body["data"]["result"]


def problem(check):
    kind, expr, label, values = check.split("|", 3)
    try:
        result = query(expr)
    except Exception as e:  # an error answer or a refused connection
        return f"query failed: {e}"
    if not result:
        return "no series"
    wanted = [v for v in values.split(",") if v]
    for r in result:
        if kind == "native" and "histogram" not in r:
            return f"not a native histogram: {json.dumps(r)[:200]}"
        # With LABEL set, the VALUES' series must be finite; others may be NaN (a path called
        # once, such as /api/status every 5 minutes, has no rate over a minute yet).
        if label and r["metric"].get(label, "") not in wanted:
            continue
        if kind == "value" and ("value" not in r or not math.isfinite(float(r["value"][1]))):
            return f"not a finite value: {json.dumps(r)[:200]}"
    seen = {r["metric"].get(label, "") for r in result} if label else set()
    missing = [v for v in wanted if v not in seen]
    return f"no series with {label} {missing} (seen: {sorted(seen)})" if missing else None


deadline = time.time() + 60
while True:
    problems = {c: problem(c) for c in checks}
    if not any(problems.values()) or time.time() > deadline:
        break
    time.sleep(1)
for c, p in problems.items():
    print(f"  {'FAIL' if p else 'ok'}: {c.split('|')[1]}" + (f": {p}" if p else ""))
sys.exit(1 if any(problems.values()) else 0)
PY
}

step "native: histograms from the protobuf answer"
check "every native check passes" run "$native_url" "${native_checks[@]}" "value|$panel_expr|endpoint|/api/user/session/get"
step "classic: _bucket series from the OpenMetrics answer"
check "every classic check passes" run "$classic_url" "${classic_checks[@]}" "value|$panel_expr|endpoint|/api/user/session/get"

for name in native classic; do
    if grep -E 'level=(warn|error)' "$tmp/prometheus-$name.log" >&2; then
        bad "Prometheus ($name) logged the warnings above"
    else
        ok "Prometheus ($name) logged no warnings or errors"
    fi
done
if ((failures > 0)); then
    echo "check-native-histograms: $failures check(s) failed" >&2
    exit 1
fi
echo "check-native-histograms: done in $((SECONDS - started))s"

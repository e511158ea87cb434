#!/usr/bin/env bash
# Proves the dashboard and the rules against a real Prometheus and the exporter's
# demo mode, all on loopback ports:
#
#   - exporter A: serve --demo (v15.6, every collector, the DNS probes of the
#     demo's own DNS listeners included), scraped on /metrics
#     (job technitium); its config file also names a probe target "rejected",
#     a loopback stand-in that rejects every token, scraped through /probe with
#     __param_target relabeling (job technitium-probe); and its /sd, consumed
#     through http_sd_configs with the README's relabeling (job technitium-sd):
#     the demo target's three cluster nodes (dns2 on an older version, dns3
#     unreachable) and "rejected", with no static target list;
#   - exporter B: serve --demo --demo.version 13.6 (a server without lifetime
#     counters or cluster), scraped on /metrics (job technitium-legacy);
#   - Debian's prometheus with a generated config (2s scrape and rule interval)
#     that loads contrib/prometheus/alerts.yml.
#
# It also waits (up to 150 s) until the derived counters have moved and checks
# that rate() of them is positive on both demo servers and that none went down.
#
# After a few scrapes it runs every dashboard panel query and variable query
# (with $__rate_interval=1m, $job/$instance=.+, $window=last_hour) and every
# rule expression through /api/v1/query. It fails when a query errors, when a
# panel or recording rule returns no series (each panel is meant to show data
# with these three targets), when an alert that the demo must trigger stays
# silent or one that must stay silent fires, when a rule's health is not ok,
# or when a scrape job is not up; and when a target /sd hands out is not up or
# the technitium_node labels are not exactly the demo's three nodes.
# Everything it starts is stopped on exit.
#
# Usage: scripts/check-prometheus.sh [--bin PATH] [-v]
#   --bin PATH   the exporter binary (default target/debug/technitium-exporter)
#   -v           print the number of series of every query
# Environment: PROMETHEUS (default: prometheus on PATH, else /usr/bin/prometheus).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
dashboard="$root/contrib/grafana/technitium.json"
rules=("$root/contrib/prometheus/alerts.yml")
[[ -f $root/contrib/prometheus/rules.yml ]] && rules+=("$root/contrib/prometheus/rules.yml")

# Alerts whose expression must return series on the demo (the design's demo has
# an expired zone, zones whose sync and notify failed, a cluster node that is
# unreachable — its own scrape through /sd is down — and one on an older version
# with a secondary zone behind the primary's serial; a forwarder that fails and
# one that is slow; the probe target rejects the token) ...
must_fire=(TechnitiumZoneExpired TechnitiumZoneSyncFailed TechnitiumZoneNotifyFailed
    TechnitiumClusterNodeUnreachable TechnitiumClusterVersionSkew TechnitiumZoneSerialBehind
    TechnitiumDown TechnitiumTokenRejected TechnitiumForwarderDown TechnitiumForwarderSlow)
# ... and alerts that must stay silent on it.
must_not_fire=(TechnitiumExporterDown TechnitiumMetricsAbsent TechnitiumMetricsMissing
    TechnitiumCollectorFailing TechnitiumPermissionMissing
    TechnitiumScrapeSlow TechnitiumZonesTruncated TechnitiumTextfileStale
    TechnitiumDerivedCountersMissing TechnitiumDnsProbeFailing
    TechnitiumDnsCertificateExpiringSoon TechnitiumDefaultCredentials
    TechnitiumTokenOverPrivileged TechnitiumDashboardStatsStale TechnitiumHealthCheckFailing)
# The demo cluster's nodes, as /sd must hand them out.
demo_nodes=dns1.demo.lan,dns2.demo.lan,dns3.demo.lan
# Panels or recording rules allowed to return nothing here (titles; none today).
allow_empty=()

bin="$root/target/debug/technitium-exporter"
verbose=()
while (($#)); do
    case $1 in
        --bin) bin=${2:?--bin needs a path}; shift 2 ;;
        -v | --verbose) verbose=(-v); shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "check-prometheus: unknown argument: $1" >&2; exit 2 ;;
    esac
done

prometheus=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
if [[ ! -x $prometheus ]]; then
    echo "check-prometheus: prometheus not found (install it: apt-get install -y --no-install-recommends prometheus)" >&2
    exit 1
fi
command -v python3 >/dev/null || { echo "check-prometheus: python3 is required" >&2; exit 1; }
[[ -x $bin ]] || {
    echo "check-prometheus: $bin is not an executable (build it first: cargo build)" >&2
    exit 1
}
lib="$here/lib/promql_refs.py"

tmp=$(mktemp -d)
pids=()
cleanup() {
    local status=$? pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if ((status != 0)) && [[ -d $tmp ]]; then
        local f
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

# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=scripts/lib/collectors.sh
source "$here/lib/collectors.sh"

wait_http() { # URL SECONDS PID
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        if ! kill -0 "$3" 2>/dev/null; then
            echo "check-prometheus: the process serving $1 exited" >&2
            return 1
        fi
        if python3 -c 'import sys, urllib.request as u
u.build_opener(u.ProxyHandler({})).open(sys.argv[1], timeout=2).read()' "$1" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "check-prometheus: $1 did not answer within $2s" >&2
    return 1
}


# A Technitium stand-in that rejects every token (HTTP 200, invalid-token envelope).
reject_port=$(free_port)
python3 "$here/lib/reject_server.py" "$reject_port" >"$tmp/reject.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$reject_port/" 10 "${pids[-1]}"

cat >"$tmp/exporter.toml" <<EOF
[targets.rejected]
url = "http://127.0.0.1:$reject_port"
token = "check-prometheus-rejected-token"
# the stand-in has no DNS listeners and no forwarders
collector = { dns = false, forwarders = false }
EOF

port_a=$(free_port)
flags=$(every_collector "$bin") || exit 1
mapfile -t all <<<"$flags"
"$bin" serve --demo "${all[@]}" \
    --config.file "$tmp/exporter.toml" --web.listen-address "127.0.0.1:$port_a" >"$tmp/exporter-a.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$port_a/-/ready" 30 "${pids[-1]}"

port_b=$(free_port)
"$bin" serve --demo --demo.version 13.6 --web.listen-address "127.0.0.1:$port_b" >"$tmp/exporter-b.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$port_b/-/ready" 30 "${pids[-1]}"

port_p=$(free_port)
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
rule_files:
$(for r in "${rules[@]}"; do echo "  - $r"; done)
scrape_configs:
  - job_name: technitium
    static_configs:
      - targets: ['127.0.0.1:$port_a']
  - job_name: technitium-probe
    metrics_path: /probe
    static_configs:
      - targets: ['rejected']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:$port_a
  - job_name: technitium-legacy
    static_configs:
      - targets: ['127.0.0.1:$port_b']
  - job_name: technitium-sd
    http_sd_configs:
      - url: http://127.0.0.1:$port_a/sd
        refresh_interval: 5s
    relabel_configs:
      - source_labels: [technitium_target]
        target_label: instance
      - source_labels: [technitium_node]
        regex: (.+)
        target_label: instance
EOF
"$prometheus" --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
    --web.listen-address="127.0.0.1:$port_p" --log.level=warn >"$tmp/prometheus.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$port_p/-/ready" 30 "${pids[-1]}"

jobs=(--job technitium --job technitium-probe --job technitium-legacy --job technitium-sd)
echo "check-prometheus: waiting for scrapes ($((SECONDS - started))s so far)"
python3 "$lib" live-wait --url "http://127.0.0.1:$port_p" "${jobs[@]}" --samples 5 --timeout 60

args=(--url "http://127.0.0.1:$port_p" --dashboard "$dashboard" "${jobs[@]}")
for r in "${rules[@]}"; do args+=(--rules "$r"); done
for a in "${must_fire[@]}"; do args+=(--must-fire "$a"); done
for a in "${must_not_fire[@]}"; do args+=(--must-not-fire "$a"); done
for a in "${allow_empty[@]}"; do args+=(--allow-empty "$a"); done
python3 "$lib" live "${args[@]}" "${verbose[@]}"

# The derived counters move once a minute, when the demo's next minute becomes final (up to
# about 70 s after the first scrape): wait for that, then rate() of them must be positive on
# both demo servers, technitium_queries_total included on the v13.6 one (where it is derived),
# and no derived counter may ever have gone down.
echo "check-prometheus: waiting for the derived counters to move ($((SECONDS - started))s so far)"
python3 - "http://127.0.0.1:$port_p" <<'PY'
import json, sys, time, urllib.parse, urllib.request as u

base = sys.argv[1]
opener = u.build_opener(u.ProxyHandler({}))


def query(expr):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with opener.open(url, timeout=10) as r:
        return json.load(r)["data"]["result"]


positive = [
    'rate(technitium_qtype_queries_total{job="technitium", qtype="A"}[1m]) > 0',
    'rate(technitium_protocol_queries_total{job="technitium", protocol="udp"}[1m]) > 0',
    'rate(technitium_qtype_queries_total{job="technitium-legacy", qtype="A"}[1m]) > 0',
    'rate(technitium_protocol_queries_total{job="technitium-legacy", protocol="udp"}[1m]) > 0',
    'rate(technitium_queries_total{job="technitium-legacy"}[1m]) > 0',
    'rate(technitium_responses_total{job="technitium-legacy", rcode="SERVFAIL"}[1m]) > 0',
    'instance:technitium_servfail:ratio_rate5m{job="technitium-legacy"} > 0',
]
deadline = time.time() + 150
missing = positive
while missing and time.time() < deadline:
    missing = [e for e in positive if not query(e)]
    if missing:
        time.sleep(2)
for e in missing:
    print(f"FAIL no series for: {e}")
resets = query(
    'resets(technitium_qtype_queries_total[10m]) > 0 or resets(technitium_protocol_queries_total[10m]) > 0'
    ' or resets(technitium_queries_total{job="technitium-legacy"}[10m]) > 0'
)
for r in resets:
    print(f"FAIL a derived counter went down: {json.dumps(r['metric'], sort_keys=True)}")
if missing or resets:
    sys.exit(1)
print(f"rate() of the derived counters is positive on both demo servers ({len(positive)} queries): OK")
PY
python3 "$lib" live-targets --url "http://127.0.0.1:$port_p" --job technitium-sd \
    --label technitium_node --expect "$demo_nodes"
# Prometheus logs at warn level what it could not scrape, parse or append (OpenMetrics or text
# problems included): its log must be clean.
if grep -E 'level=(warn|error)' "$tmp/prometheus.log" >&2; then
    echo "check-prometheus: FAIL: Prometheus logged the warnings above" >&2
    exit 1
fi
echo "check-prometheus: Prometheus logged no warnings or errors"
echo "check-prometheus: done in $((SECONDS - started))s"

#!/usr/bin/env bash
# Runs `promtool check metrics` on the output of `scrape --demo`, with every collector enabled
# (the list read from the binary's `scrape --help`), for each demo version (15.6, 15.2, 14.3, 13.6), and fails on
# any error or warning (promtool's lint findings, e.g. a counter without _total, a missing HELP,
# a non-base unit). promtool only validates the Prometheus text format 0.0.4, so the
# OpenMetrics output is checked for exactly one `# EOF` at its end, then validated as text once
# the terminator is dropped and counter headers carry `_total` again. The same for what
# `serve --demo` answers on /metrics (the exporter's own metrics and histograms, and what only
# `serve` collects). promtool cannot read the protobuf format: tests/integration/protobuf.rs
# decodes it, and scripts/check-native-histograms.sh has a real Prometheus ingest it.
#
# Usage: scripts/check-promtool-metrics.sh [--bin PATH]
#   --bin PATH   the exporter binary (default: build target/debug/technitium-exporter)
# Environment: PROMTOOL (default: promtool on PATH). A missing promtool is a failure, never a
# skip (install it: apt-get install -y --no-install-recommends prometheus).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

bin=""
while (($#)); do
    case $1 in
        --bin) bin=${2:?--bin needs a path}; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "check-promtool-metrics: unknown argument: $1" >&2; exit 2 ;;
    esac
done

promtool=${PROMTOOL:-$(command -v promtool || true)}
if [[ -z $promtool || ! -x $promtool ]]; then
    echo "check-promtool-metrics: promtool not found (install it: apt-get install -y --no-install-recommends prometheus)" >&2
    exit 1
fi

if [[ -z $bin ]]; then
    (cd "$root" && cargo build --quiet --bin technitium-exporter)
    bin="$root/target/debug/technitium-exporter"
fi
if [[ ! -x $bin ]]; then
    echo "check-promtool-metrics: no executable at $bin" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
# shellcheck source=scripts/lib/collectors.sh
source "$here/lib/collectors.sh"
flags=$(every_collector "$bin") || exit 1
mapfile -t all <<<"$flags"

# check NAME FILE: promtool must exit 0 and print nothing at all.
check() {
    local name=$1 file=$2 out status=0
    if [[ ! -s $file ]]; then
        echo "FAIL $name: empty output" >&2
        failures=$((failures + 1))
        return
    fi
    out=$("$promtool" check metrics <"$file" 2>&1) || status=$?
    if ((status != 0)) || [[ -n $out ]]; then
        echo "FAIL $name: promtool check metrics (exit $status):" >&2
        printf '%s\n' "$out" | sed 's/^/    /' >&2
        failures=$((failures + 1))
    else
        echo "ok   $name ($(grep -c '^# TYPE ' "$file") families, $(grep -vc '^#' "$file") samples)"
    fi
}

# scrape NAME ARGS...: runs `scrape --demo ARGS`, which must exit 0.
scrape() {
    local name=$1
    shift
    # --state.file: the derived counters (counters collector) are emitted only with a state.
    if ! "$bin" scrape --demo --state.file "$tmp/$name.state" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"; then
        echo "FAIL $name: scrape --demo $* exited non-zero:" >&2
        sed 's/^/    /' "$tmp/$name.err" >&2
        failures=$((failures + 1))
        return 1
    fi
}

for version in 15.6 15.2 14.3 13.6; do
    name="text-$version"
    scrape "$name" --demo.version "$version" "${all[@]}" && check "$name" "$tmp/$name.out"
done
# The defaults too (what most users get).
scrape text-defaults && check text-defaults "$tmp/text-defaults.out"

# serve NAME ACCEPT: /metrics of `serve --demo` with every collector, asked for with ACCEPT.
serve_port=""
serve() {
    local name=$1 accept=$2 i
    if [[ -z $serve_port ]]; then
        serve_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
        "$bin" serve --demo "${all[@]}" --web.listen-address "127.0.0.1:$serve_port" >"$tmp/serve.log" 2>&1 &
        serve_pid=$!
        trap 'kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
    fi
    for ((i = 0; i < 300; i++)); do
        if python3 - "http://127.0.0.1:$serve_port/metrics" "$accept" "$tmp/$name.out" 2>/dev/null <<'PY'
import sys, urllib.request as u
req = u.Request(sys.argv[1], headers={"Accept": sys.argv[2]})
body = u.build_opener(u.ProxyHandler({})).open(req, timeout=30).read()
open(sys.argv[3], "wb").write(body)
PY
        then
            return 0
        fi
        kill -0 "$serve_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "FAIL $name: serve --demo did not answer on /metrics:" >&2
    sed 's/^/    /' "$tmp/serve.log" >&2
    failures=$((failures + 1))
    return 1
}

serve serve-text "text/plain;version=0.0.4" && check serve-text "$tmp/serve-text.out"
openmetrics_outputs=()
for version in 15.6 15.2 13.6; do
    name="openmetrics-$version"
    scrape "$name" --demo.version "$version" --format openmetrics "${all[@]}" && openmetrics_outputs+=("$name")
done
serve serve-openmetrics "application/openmetrics-text;version=1.0.0" && openmetrics_outputs+=(serve-openmetrics)
for name in "${openmetrics_outputs[@]}"; do
    if [[ $(tail -n 1 "$tmp/$name.out") != "# EOF" ]]; then
        echo "FAIL $name: the OpenMetrics output does not end with '# EOF'" >&2
        failures=$((failures + 1))
        continue
    fi
    if (($(grep -c '^# EOF$' "$tmp/$name.out") != 1)); then
        echo "FAIL $name: more than one '# EOF'" >&2
        failures=$((failures + 1))
        continue
    fi
    # OpenMetrics names a counter family without `_total` (its samples keep it) and ends with
    # `# EOF`, and escapes `"` in HELP text, all of which the 0.0.4 parser rejects: undo those
    # three, so promtool still validates every header, sample and label.
    awk '
        $1 == "#" && $2 == "TYPE" && $4 == "counter" { counter[$3] = 1; $3 = $3 "_total"; print; next }
        $1 == "#" && $2 == "HELP" {
            gsub(/\\"/, "\"")
            if ($3 in counter) sub(/^# HELP [^ ]+/, "# HELP " $3 "_total")
            print; next
        }
        $0 == "# EOF" { next }
        { print }
    ' "$tmp/$name.out" >"$tmp/$name.as-text"
    check "$name (as text)" "$tmp/$name.as-text"
done

if ((failures > 0)); then
    echo "check-promtool-metrics: $failures check(s) failed" >&2
    exit 1
fi
echo "check-promtool-metrics: all outputs pass promtool check metrics"

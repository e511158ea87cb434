#!/usr/bin/env bash
# scripts/memory-budget.sh — the worst case of a scrape's memory, measured: a hostile upstream
# answers every API call of a scrape with a 63 MiB chunked body at once, and `scrape` runs with
# every dashboard window and the top lists (about 24 such calls). Prints the peak RSS of the
# scrape (GNU time's "Maximum resident set size"). Not part of CI: RELIABILITY.md records the
# figures.
#
# --shape padding: each body is one long string the parser skips (issue 12's defect 6: the
#   bodies being read are the cost); lists: each body is the longest list of the smallest
#   elements its endpoint's answer parses (zones, leases, chart labels, ...: what the bodies
#   parse into is the cost, issue 21's item 12); nodes: as lists, and session/get carries such
#   a cluster node list too.
#
# --targets N: `serve` instead, with N targets on the same upstream (N - 1 `[targets]` and the
#   default), all N scraped at once, three times; prints the process's peak RSS (VmHWM).
#
# Usage: scripts/memory-budget.sh [--bin PATH] [--size BYTES] [--shape padding|lists|nodes]
#                                 [--targets N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/target/release/technitium-exporter
size=$((63 * 1024 * 1024))
shape=padding
targets=0
while (($#)); do
    case $1 in
        --bin) bin=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --shape) shape=$2; shift 2 ;;
        --targets) targets=$2; shift 2 ;;
        *) echo "usage: $0 [--bin PATH] [--size BYTES] [--shape padding|lists|nodes] [--targets N]" >&2; exit 2 ;;
    esac
done
[[ -x $bin ]] || { echo "no binary at $bin: cargo build --release, or pass --bin" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
token=hostile-0123456789abcdef
# shellcheck source=scripts/lib/common.sh
source "$root/scripts/lib/common.sh"
port=$(free_port)
python3 "$root/scripts/lib/hostile_upstream.py" --port "$port" --token "$token" --size "$size" \
    --shape "$shape" --session "$root/tests/fixtures/technitium/15.2/user_session_get_apiToken.json" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
    sleep 0.1
done
if ((targets > 0)); then
    dir=$(mktemp -d)
    trap 'kill $server 2>/dev/null; [[ -n ${ex:-} ]] && kill $ex 2>/dev/null; rm -rf "$dir"' EXIT
    echo "$token" >"$dir/token"
    urls=(metrics)
    for i in $(seq 2 "$targets"); do
        printf '[targets.t%s]\nurl = "http://127.0.0.1:%s"\ntoken_file = "%s/token"\nper_node = false\n' \
            "$i" "$port" "$dir" >>"$dir/config.toml"
        urls+=("probe?target=t$i")
    done
    touch "$dir/config.toml"
    web=$(free_port)
    "$bin" serve --web.listen-address "127.0.0.1:$web" --technitium.url "http://127.0.0.1:$port" \
        --technitium.token-file "$dir/token" --config.file "$dir/config.toml" \
        --technitium.timeout 60s --log.level error >/dev/null 2>&1 &
    ex=$!
    for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$web/-/ready" && break; sleep 0.1; done
    for round in 1 2 3; do
        pids=()
        for u in "${urls[@]}"; do
            curl -s -m 120 -o "$dir/out.${#pids[@]}" "http://127.0.0.1:$web/$u" &
            pids+=($!)
        done
        wait "${pids[@]}"
        failed=$(cat "$dir"/out.* | grep -c '^technitium_scrape_collector_success{.*} 0$' || true)
        hwm=$(awk '/VmHWM/ {print $2}' "/proc/$ex/status")
        printf 'round %s: peak RSS (VmHWM) %s KiB (%.0f MiB); %s collectors failed\n' \
            "$round" "$hwm" "$(echo "$hwm/1024" | bc -l)" "$failed"
    done
    exit 0
fi
out=$(mktemp)
/usr/bin/time -v "$bin" scrape --technitium.url "http://127.0.0.1:$port" --technitium.token "$token" \
    --collector.top --collector.dashboard.window last_hour,last_day,last_week,last_month,last_year \
    --technitium.timeout 60s --log.level warn >/dev/null 2>"$out" || true
rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$out")
failed=$(grep -c "memory budget" "$out" || true)
printf 'peak RSS %s KiB (%.0f MiB); %s collectors failed on the memory budget\n' "$rss" "$(echo "$rss/1024" | bc -l)" "$failed"
rm -f "$out"

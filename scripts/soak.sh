#!/usr/bin/env bash
# Soak test (not part of the default test run): `serve --demo` under a steady scrape load for a
# long time, sampling the process's resident memory and open file descriptors, to show that
# nothing accumulates per scrape or per connection.
#
# The load is two curl streams of RATE/2 scrapes a second each: /metrics over one kept-alive
# connection, and /probe?target=demo with gzip and a new connection per request (Connection:
# close), so both the scrape path and connection set-up and teardown are exercised. Every answer
# must be HTTP 200. RSS (VmRSS) and the open descriptors (/proc/PID/fd) are sampled every
# INTERVAL seconds into a CSV. RSS: the last sample under load against the first sample taken
# after WARMUP seconds (allocator pools and connection buffers fill at first) must have grown by
# less than 1 MiB. Descriptors: under load their count moves with the connections in flight
# (the scrapers' and the pooled ones to the demo upstream), so the highest count of the last
# WARMUP seconds must not exceed the highest count of the first WARMUP seconds under load.
#
# Usage: scripts/soak.sh [--bin PATH] [--seconds N] [--rate N] [--out FILE]
#   --bin PATH     the exporter binary (default: build target/release/technitium-exporter)
#   --seconds N    how long the load runs (default 600)
#   --rate N       scrapes per second, both streams together (default 20)
#   --out FILE     the CSV of samples (default: target/soak/samples.csv)
# Environment: INTERVAL (default 10), WARMUP (default 60). Needs curl (7.84+ for --rate) and
# Linux's /proc. Traffic goes to 127.0.0.1 only; the run ends by itself.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

bin=""
seconds=600
rate=20
out="$root/target/soak/samples.csv"
interval=${INTERVAL:-10}
warmup=${WARMUP:-60}
while (($#)); do
    case $1 in
        --bin) bin=${2:?--bin needs a path}; shift 2 ;;
        --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
        --rate) rate=${2:?--rate needs a number}; shift 2 ;;
        --out) out=${2:?--out needs a path}; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "soak: unknown argument: $1" >&2; exit 2 ;;
    esac
done
command -v curl >/dev/null 2>&1 || { echo "soak: curl not found (apt-get install -y curl)" >&2; exit 1; }
if ((warmup >= seconds)); then
    echo "soak: --seconds ($seconds) must be longer than WARMUP ($warmup)" >&2
    exit 2
fi
if [[ -z $bin ]]; then
    (cd "$root" && cargo build --quiet --release --locked --bin technitium-exporter)
    bin="$root/target/release/technitium-exporter"
fi
[[ -x $bin ]] || { echo "soak: no executable at $bin" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"
port=$(free_port)
base="http://127.0.0.1:$port"
"$bin" serve --demo --web.listen-address "127.0.0.1:$port" --log.level warn 2>"$work/serve.log" &
server=$!
pids+=("$server")
for _ in $(seq 100); do
    curl -fsS -o /dev/null "$base/-/healthy" 2>/dev/null && break
    sleep 0.1
done
curl -fsS -o /dev/null "$base/-/healthy" || { echo "soak: serve did not come up" >&2; cat "$work/serve.log" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
echo "seconds,rss_kib,fds,scrapes" >"$out"
sample() {
    local t=$1 rss fds scrapes
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server/status")
    fds=$(find "/proc/$server/fd" -mindepth 1 -maxdepth 1 | wc -l)
    scrapes=$(cat "$work/keepalive.codes" "$work/close.codes" | wc -l)
    echo "$t,$rss,$fds,$scrapes" >>"$out"
    printf 'soak: %4ss  rss %6s KiB  fds %3s  scrapes %6s\n' "$t" "$rss" "$fds" "$scrapes"
}
: >"$work/keepalive.codes"
: >"$work/close.codes"
# The idle baseline, before any load.
sample 0

half=$(( (rate + 1) / 2 ))
count=$(( half * seconds ))
# URL globbing makes one curl process send COUNT requests, paced by --rate.
stdbuf -oL curl -s --rate "$half/s" -o /dev/null -w '%{http_code}\n' \
    "$base/metrics?n=[1-$count]" >"$work/keepalive.codes" 2>/dev/null &
pids+=("$!")
stdbuf -oL curl -s --rate "$half/s" --compressed -H 'Connection: close' -o /dev/null -w '%{http_code}\n' \
    "$base/probe?target=demo&n=[1-$count]" >"$work/close.codes" 2>/dev/null &
pids+=("$!")
loads=("${pids[@]:1}")

start=$(date +%s)
for ((t = interval; t <= seconds; t += interval)); do
    sleep $((start + t - $(date +%s) > 0 ? start + t - $(date +%s) : 0))
    kill -0 "$server" 2>/dev/null || { echo "soak: serve died" >&2; cat "$work/serve.log" >&2; exit 1; }
    sample "$t"
done
for p in "${loads[@]}"; do wait "$p" || true; done
sleep 2
idle_fds=$(find "/proc/$server/fd" -mindepth 1 -maxdepth 1 | wc -l)

total=$(cat "$work/keepalive.codes" "$work/close.codes" | wc -l)
bad=$(cat "$work/keepalive.codes" "$work/close.codes" | grep -vc '^200$' || true)
read -r base_rss _ < <(awk -F, -v w="$warmup" 'NR > 1 && $1 >= w {print $2, $3; exit}' "$out")
read -r first_rss first_fds < <(awk -F, 'NR == 2 {print $2, $3}' "$out")
read -r last_rss last_fds < <(tail -n 1 "$out" | awk -F, '{print $2, $3}')
max_rss=$(awk -F, 'NR > 1 && $2 > m {m = $2} END {print m}' "$out")
growth=$((last_rss - base_rss))
echo "soak: $total scrapes in ${seconds}s ($bad not HTTP 200); samples in $out"
echo "soak: RSS ${first_rss} KiB at start, ${base_rss} KiB at ${warmup}s, ${last_rss} KiB at the end (max ${max_rss}); growth after warm-up ${growth} KiB"
early_fds=$(awk -F, -v w="$warmup" 'NR > 2 && $1 <= w && $3 > m {m = $3} END {print m}' "$out")
late_fds=$(awk -F, -v from="$((seconds - warmup))" 'NR > 2 && $1 > from && $3 > m {m = $3} END {print m}' "$out")
echo "soak: open fds ${first_fds} idle before the load; under load at most ${early_fds} in the first ${warmup}s and ${late_fds} in the last ${warmup}s (${last_fds} at the end); ${idle_fds} idle 2s after it"
if [[ -s $work/serve.log ]]; then
    echo "soak: serve logged:" && sed 's/^/  /' "$work/serve.log" | head -20
fi
status=0
((bad == 0)) || { echo "soak: FAILED: $bad scrapes were not HTTP 200" >&2; status=1; }
((growth < 1024)) || { echo "soak: FAILED: RSS grew by ${growth} KiB after warm-up (limit 1024)" >&2; status=1; }
((late_fds <= early_fds)) || { echo "soak: FAILED: open fds grew from at most ${early_fds} to ${late_fds}" >&2; status=1; }
((total >= rate * seconds * 9 / 10)) || { echo "soak: FAILED: only $total of $((rate * seconds)) scrapes were made" >&2; status=1; }
((status == 0)) && echo "soak: passed"
exit "$status"

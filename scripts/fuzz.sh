#!/usr/bin/env bash
# Fuzzes the exporter's parsers of untrusted input with cargo-fuzz (libFuzzer): every upstream
# JSON answer as the client decodes it (envelope, status, payload), the config file, the state
# file (--state.file), the X-Prometheus-Scrape-Timeout-Seconds header and the Authorization:
# Basic header. The targets
# live in fuzz/ (a crate of its own, so `cargo test` never needs it).
#
# cargo-fuzz wants a nightly compiler; only stable is installed here, so the build runs with
# RUSTC_BOOTSTRAP=1 (stable rustc accepting the unstable flags libFuzzer's instrumentation
# uses). The sanitizer defaults to none (the exporter forbids unsafe code; libFuzzer still finds
# panics, overflows, with -a debug assertions, and runaway memory or time); FUZZ_SANITIZER=address
# builds with AddressSanitizer, whose runtime ships with stable Rust, at about half the speed.
#
# Each target starts from seeds made from tests/fixtures (the recorded Technitium answers, the
# packaged config file, typical header values) plus whatever fuzz/corpus/TARGET holds from
# earlier runs; new inputs are added there. A crash, a panic or a leak fails the run: the input
# is in fuzz/artifacts/TARGET/ (replay: cargo fuzz run TARGET fuzz/artifacts/TARGET/crash-...).
#
# Usage: scripts/fuzz.sh [--seconds N | --runs N] [--jobs N] [TARGET...]
#   --seconds N   run each target for N seconds (default 30: the short run .ci/run makes)
#   --runs N      run each target for N executions instead (the long run: --runs 10000000)
#   --jobs N      targets fuzzed at once (default 1)
#   TARGET...     the targets (default: all of `cargo fuzz list`)
# Environment: FUZZ_SANITIZER (none | address; default none), FUZZ_NICE (default 10).
# Needs cargo-fuzz (cargo install --locked cargo-fuzz) and a C++ compiler (libFuzzer).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

seconds=30
runs=""
jobs=1
targets=()
while (($#)); do
    case $1 in
        --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz: unknown option: $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
sanitizer=${FUZZ_SANITIZER:-none}
nice_level=${FUZZ_NICE:-10}

cargo fuzz --version >/dev/null 2>&1 || {
    echo "fuzz: cargo-fuzz not found (cargo install --locked cargo-fuzz)" >&2
    exit 1
}
export RUSTC_BOOTSTRAP=1
fuzz=(cargo fuzz)
build_flags=(-O -a --sanitizer "$sanitizer")

((${#targets[@]})) || mapfile -t targets < <("${fuzz[@]}" list)

# Seeds: where each target's real-world inputs come from.
seeds=fuzz/target/seeds
rm -rf "$seeds"
fixtures=tests/fixtures/technitium
seed_json() {
    local target=$1
    shift
    mkdir -p "$seeds/$target"
    for pattern in "$@"; do
        for f in $fixtures/*/$pattern; do
            [[ -f $f ]] && cp "$f" "$seeds/$target/$(basename "$(dirname "$f")")_$(basename "$f")"
        done
    done
    # Every target also sees the error envelopes.
    for f in $fixtures/*/error_*.json; do
        cp "$f" "$seeds/$target/$(basename "$(dirname "$f")")_$(basename "$f")"
    done
}
seed_json session_get 'user_session_get*.json'
seed_json metrics_json 'dashboard_metrics_json.json'
seed_json stats_get 'dashboard_stats_get_*.json'
seed_json stats_get_top 'dashboard_stats_getTop_*.json'
seed_json zones_list 'zones_list*.json'
seed_json dhcp_scopes_list 'dhcp_scopes_list.json'
seed_json dhcp_leases_list 'dhcp_leases_list.json'
seed_json settings_get 'settings_get.json'
seed_json check_for_update 'user_checkForUpdate*.json'
seed_json dns_client_resolve 'dnsClient_resolve.json'
seed_json admin_cluster_state 'admin_cluster_state.json'
seed_json status 'status*.json'
seed_json health_check 'dnsClient_healthCheck*.json'
mkdir -p "$seeds/config_file" "$seeds/scrape_timeout_header" "$seeds/basic_auth_header"
cp deploy/deb/config.toml "$seeds/config_file/deb.toml"
# The README's example configuration (the first ```toml block).
awk '/^```toml$/ {on = 1; next} on && /^```$/ {exit} on' README.md >"$seeds/config_file/readme.toml"
i=0
for v in 10 9.5 0.5 120 1e3 1e20 inf -1 0 NaN ' 15 ' 18446744073709551616; do
    printf '%s' "$v" >"$seeds/scrape_timeout_header/$((i++))"
done
# The state file as `save` writes it, for the URL and near the time the target uses, with no
# warning and with each kind of warning.
state_seed() {
    local name=$1 watermark=$2 warning=$3
    mkdir -p "$seeds/state_file"
    cat >"$seeds/state_file/$name.json" <<EOF
{
  "format": "technitium-exporter-derived-counters",
  "version": 1,
  "url": "http://127.0.0.1:5380",
  "engine": {
    "watermark": $watermark,
    "server": "dns1.lan",
    "totals": {
      "queries": 12345,
      "rcodes": { "NOERROR": 12000, "NXDOMAIN": 300, "REFUSED": 5, "SERVFAIL": 40 },
      "outcomes": { "authoritative": 10, "blocked": 20, "cached": 3000, "dropped": 1, "recursive": 9000 },
      "qtypes": { "A": 999, "AAAA": 10, "CNAME": 0, "HTTPS": 4, "MX": 0, "NS": 1, "PTR": 7, "SOA": 0, "SRV": 0, "TXT": 2, "other": 3, "65280": 1 },
      "protocols": { "https": 0, "quic": 0, "tcp": 12, "tls": 0, "udp": 12333 },
      "missed_minutes": 3
    },
    "custom_agrees": true,
    "warning": $warning
  }
}
EOF
}
state_seed plain 1778416140 null
state_seed first null null
state_seed behind 1778329980 null
state_seed mismatch 1778416140 '{ "kind": "mismatch", "start": 1778409000, "end": 1778416140, "minutes": 3 }'
state_seed clock-back 1778416140 '{ "kind": "clock_back", "watermark": 1778416140, "newest_final": 1778410000 }'
state_seed restarted 1778416140 '{ "kind": "restarted", "reason": { "server_changed": { "from": "a.lan", "to": "b.lan" } } }'
state_seed restarted-clock 1778416140 '{ "kind": "restarted", "reason": { "clock_back": { "watermark": 1, "newest_final": 2 } } }'
state_seed skipped 1778416140 '{ "kind": "skipped", "minutes": 90 }'
printf 'Basic cHJvbWV0aGV1czpzM2NyZXQ=' >"$seeds/basic_auth_header/basic"
printf 'basic cHJvbTp4' >"$seeds/basic_auth_header/lower-unpadded"
printf 'prometheus\0s3cr:et' >"$seeds/basic_auth_header/round-trip"

echo "==> building ${#targets[@]} fuzz targets (sanitizer $sanitizer)"
nice -n "$nice_level" "${fuzz[@]}" build "${build_flags[@]}"

limit=(-max_total_time="$seconds")
[[ -n $runs ]] && limit=(-runs="$runs")
logs=fuzz/target/logs
mkdir -p "$logs"

run_one() {
    local target=$1 log="$logs/$1.log"
    mkdir -p "fuzz/corpus/$target" "$seeds/$target"
    # -rss_limit_mb and -timeout turn runaway memory or time into failures; -max_len fits the
    # largest recorded answer (about 14 KB).
    if nice -n "$nice_level" "${fuzz[@]}" run "${build_flags[@]}" "$target" \
        "fuzz/corpus/$target" "$seeds/$target" -- \
        "${limit[@]}" -max_len=32768 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        >"$log" 2>&1; then
        local done_runs
        done_runs=$(grep -Eo '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)
        echo "fuzz: $target: ok (${done_runs:-see $log}s)"
    else
        echo "fuzz: $target: FAILED (log: $log; input: fuzz/artifacts/$target/)" >&2
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -n 5 >&2 || true
        return 1
    fi
}

failed=0
running=0
for t in "${targets[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if ((running >= jobs)); then
        wait -n || failed=1
        running=$((running - 1))
    fi
done
while ((running > 0)); do
    wait -n || failed=1
    running=$((running - 1))
done
((failed == 0)) || { echo "fuzz: a target failed" >&2; exit 1; }
echo "fuzz: all ${#targets[@]} targets passed"

#!/usr/bin/env bash
# Fuzzes the exporter's parsers of untrusted input with cargo-fuzz (libFuzzer): every upstream
# JSON answer as the client decodes it (envelope, status, payload), the config file, the
# X-Prometheus-Scrape-Timeout-Seconds header and the Authorization: Basic header. The targets
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

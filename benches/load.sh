#!/usr/bin/env bash
# Whole-process figures for BENCHMARKS.md: the release binary, run as a service would run it,
# against the built-in demo Technitium server. All traffic stays on 127.0.0.1; every request loop
# is bounded in count or time; every process started here is stopped on exit.
#
#   benches/load.sh               build (cargo build --release --locked), then every figure
#   benches/load.sh --no-build    use the existing target/release/technitium-exporter
#   benches/load.sh measure NAME URL PID UPSTREAM_LOG [SCRAPES]
#                                 CPU, RSS, latency and upstream calls per scrape of any running
#                                 exporter at URL (process PID) whose upstream is a demo started
#                                 as `benches/load.sh upstream` describes (its log counts calls)
#   benches/load.sh upstream [ZONES]
#                                 start a demo upstream and print its URL, token file, log and PID
#                                 (stop it with kill PID)
#   benches/load.sh zones         only the 100 000-zone figures, with the existing binary
#
# BIN=PATH measures another binary (e.g. an earlier build kept for a before/after comparison).
# Tools: curl, python3 (stdlib only), wrk and hyperfine (installed with apt-get when missing and
# running as root). CI only compiles the benches; it does not run this script.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-$ROOT/target/release/technitium-exporter}
WORK=$(mktemp -d /tmp/technitium-load.XXXXXX)
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP_WORK:-0}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { printf '==> %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# Helpers in python3 (stdlib only): an HTTP client that times requests on one keep-alive
# connection, a burst of simultaneous requests, and /proc readings.
cat >"$WORK/lib.py" <<'PY'
import http.client, json, re, sys, threading, time, urllib.parse

def conn_for(url):
    u = urllib.parse.urlsplit(url)
    path = u.path + (("?" + u.query) if u.query else "")
    return http.client.HTTPConnection(u.hostname, u.port, timeout=120), path or "/"

def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]

def seq(url, n, gzip=False):
    """n sequential GETs on one keep-alive connection (reopened if the server closes it)."""
    conn, path = conn_for(url)
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    lat, errors, size, series = [], 0, 0, 0
    for _ in range(n):
        t = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            body = r.read()
            if r.status != 200:
                errors += 1
            size = len(body)
            if not gzip:
                series = sum(1 for l in body.split(b"\n") if l and not l.startswith(b"#"))
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn, path = conn_for(url)
            continue
        lat.append((time.perf_counter() - t) * 1000)
    conn.close()
    return {"n": n, "errors": errors, "bytes": size, "series": series, "p50_ms": pct(lat, 0.5),
            "p99_ms": pct(lat, 0.99), "mean_ms": sum(lat) / len(lat), "max_ms": max(lat)}

def burst(url, n):
    """n requests released at once from n threads, each on its own connection."""
    barrier = threading.Barrier(n)
    results = [None] * n
    def one(i):
        conn, path = conn_for(url)
        conn.connect()
        barrier.wait()
        t = time.perf_counter()
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            results[i] = (r.status, (time.perf_counter() - t) * 1000)
        except (OSError, http.client.HTTPException):
            results[i] = (0, (time.perf_counter() - t) * 1000)
        conn.close()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads: t.start()
    for t in threads: t.join()
    ok = sum(1 for s, _ in results if s == 200)
    return {"n": n, "ok": ok, "max_ms": max(l for _, l in results)}

def upstream_counts(url):
    """technitium_exporter_upstream_requests_total by endpoint, from the exporter's /metrics."""
    conn, path = conn_for(url)
    conn.request("GET", path)
    text = conn.getresponse().read().decode()
    counts = {}
    for m in re.finditer(r'^technitium_exporter_upstream_requests_total\{endpoint="([^"]+)",result="success",target="default"\} (\d+)', text, re.M):
        counts[m.group(1)] = int(m.group(2))
    return counts

def proc(pid):
    """CPU ticks (utime + stime), VmRSS, VmHWM, RssAnon and RssFile (KiB) of a process."""
    stat = open(f"/proc/{pid}/stat").read()
    fields = stat[stat.rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])
    status = open(f"/proc/{pid}/status").read()
    kb = lambda k: int(re.search(rf"^{k}:\s+(\d+)", status, re.M).group(1))
    return {"ticks": ticks, "rss_kib": kb("VmRSS"), "hwm_kib": kb("VmHWM"),
            "anon_kib": kb("RssAnon"), "file_kib": kb("RssFile"), "threads": kb("Threads")}

def demo_calls(log):
    return sum(1 for line in open(log, errors="replace") if "demo request" in line)

def measure(name, url, pid, log, n):
    """CPU per scrape, RSS, latency and upstream calls per scrape of a running exporter."""
    import os
    hz = os.sysconf("SC_CLK_TCK")
    seq(url, 10)  # warm-up
    before, calls0 = proc(pid), demo_calls(log)
    s = seq(url, n)
    after, calls1 = proc(pid), demo_calls(log)
    return {"name": name, "scrapes": n, "errors": s["errors"],
            "cpu_ms_per_scrape": (after["ticks"] - before["ticks"]) * 1000 / hz / n,
            "rss_mib": after["rss_kib"] / 1024, "hwm_mib": after["hwm_kib"] / 1024,
            "anon_mib": after["anon_kib"] / 1024, "file_mib": after["file_kib"] / 1024,
            "threads": after["threads"],
            "p50_ms": s["p50_ms"], "p99_ms": s["p99_ms"],
            "upstream_calls_per_scrape": (calls1 - calls0) / n, "bytes": s["bytes"],
            "series": s["series"]}

if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "seq":
        out = seq(args[0], int(args[1]), gzip=len(args) > 2 and args[2] == "gzip")
    elif cmd == "burst":
        out = burst(args[0], int(args[1]))
    elif cmd == "counts":
        out = upstream_counts(args[0])
    elif cmd == "proc":
        out = proc(int(args[0]))
    elif cmd == "calls":
        out = demo_calls(args[0])
    elif cmd == "measure":
        out = measure(args[0], args[1], int(args[2]), args[3], int(args[4]))
    else:
        sys.exit(f"unknown command {cmd}")
    print(json.dumps(out))
PY
py() { python3 "$WORK/lib.py" "$@"; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, d))' "$1"; }

# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh  # free_port (the working directory is the repository)

wait_ready() { # URL
  local i
  for i in $(seq 1 200); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "not ready: $1" >&2
  return 1
}

# start_upstream NAME ZONES [DELAY_MS]: a demo Technitium server in its own process (a `serve
# --demo` whose own listener is unused). Sets UP_URL, UP_TOKEN_FILE, UP_LOG, UP_PID.
start_upstream() {
  local name=$1 zones=$2 delay=${3:-0} port i
  port=$(free_port)
  UP_LOG=$WORK/$name.log
  UP_TOKEN_FILE=$WORK/$name.token
  TECHNITIUM_EXPORTER_DEMO_PRINT=1 TECHNITIUM_EXPORTER_DEMO_DELAY_MS=$delay \
    RUST_LOG=technitium_exporter::demo=debug \
    "$BIN" serve --demo --demo.zones "$zones" --web.listen-address "127.0.0.1:$port" \
    >/dev/null 2>"$UP_LOG" &
  UP_PID=$!
  PIDS+=("$UP_PID")
  for i in $(seq 1 400); do
    if grep -q '^demo: url=' "$UP_LOG"; then break; fi
    sleep 0.05
  done
  UP_URL=$(sed -n 's/^demo: url=\([^ ]*\) token=.*/\1/p' "$UP_LOG" | head -n1)
  UP_URL=${UP_URL%/}
  sed -n 's/^demo: url=[^ ]* token=\(.*\)$/\1/p' "$UP_LOG" | head -n1 >"$UP_TOKEN_FILE"
  [ -n "$UP_URL" ] || { echo "upstream $name did not start" >&2; cat "$UP_LOG" >&2; exit 1; }
}

# start_exporter NAME ARGS...: `serve` against the current upstream. Sets EX_URL, EX_PID.
start_exporter() {
  local name=$1 port
  shift
  port=$(free_port)
  "$BIN" serve --web.listen-address "127.0.0.1:$port" --technitium.url "$UP_URL" \
    --technitium.token-file "$UP_TOKEN_FILE" "$@" >/dev/null 2>"$WORK/$name.log" &
  EX_PID=$!
  PIDS+=("$EX_PID")
  EX_URL=http://127.0.0.1:$port
  wait_ready "$EX_URL/-/ready"
}

# start_demo_exporter NAME ARGS...: `serve --demo` (the demo inside the exporter's process).
start_demo_exporter() {
  local name=$1 port
  shift
  port=$(free_port)
  "$BIN" serve --demo --web.listen-address "127.0.0.1:$port" "$@" >/dev/null 2>"$WORK/$name.log" &
  EX_PID=$!
  PIDS+=("$EX_PID")
  EX_URL=http://127.0.0.1:$port
  wait_ready "$EX_URL/-/ready"
}

# curl_times URL N [curl args]: end-to-end time of N sequential requests with curl (a python
# client would spend more time than the exporter reading 40 MB), as JSON.
curl_times() {
  local url=$1 n=$2
  shift 2
  for _ in $(seq 1 "$n"); do
    curl -fsS -o /dev/null -w '%{time_total} %{size_download}\n' "$@" "$url"
  done | python3 -c '
import json, sys
rows = [line.split() for line in sys.stdin if line.strip()]
t = sorted(float(a) * 1000 for a, _ in rows)
print(json.dumps({"p50_ms": t[len(t) // 2], "max_ms": t[-1], "bytes": int(rows[-1][1])}))'
}

stop() { # PID
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# wrk_run: prints "p50_ms p99_ms requests_per_s non_2xx" of a wrk --latency run.
wrk_run() { # CONNECTIONS THREADS SECONDS URL [wrk args]
  local c=$1 t=$2 d=$3 url=$4
  shift 4
  wrk -c "$c" -t "$t" -d "${d}s" --latency "$@" "$url" | python3 -c '
import re, sys
text = sys.stdin.read()
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
p = {k: ms(v, u) for k, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)}
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
p50, p99 = p["50"], p["99"]
print(f"{p50:.3f} {p99:.3f} {rps:.0f} {errors.group(1) if errors else 0}")'
}

need_tools() {
  local missing=() tool
  for tool in curl python3 wrk hyperfine; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      log "installing ${missing[*]} with apt-get"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
    else
      echo "missing tools: ${missing[*]}" >&2
      exit 1
    fi
  fi
}

# zones_100k: the 100 000-zone figures (`serve --demo` with the demo in its process, then the
# exporter alone against a 100 000-zone upstream in another process).
zones_100k() {
  log "100 000 zones, per-zone series on: serve --demo --demo.zones 100000 --collector.zones.limit 0"
  start_demo_exporter big --demo.zones 100000 --collector.zones.limit 0
  idle=$(py proc "$EX_PID")
  plain=$(curl_times "$EX_URL/metrics" 5)
  gz=$(curl_times "$EX_URL/metrics" 5 --compressed)
  peak=$(py proc "$EX_PID")
  result "100k zones, serve --demo: RSS before the first scrape" "$(jget 'f"{rss_kib/1024:.1f} MiB"' <<<"$idle")"
  result "100k zones, serve --demo: scrape p50 / max (plain)" "$(jget 'f"{p50_ms:.0f} / {max_ms:.0f} ms, {bytes/1048576:.1f} MiB"' <<<"$plain")"
  result "100k zones, serve --demo: scrape p50 / max (gzip)" "$(jget 'f"{p50_ms:.0f} / {max_ms:.0f} ms, {bytes/1048576:.1f} MiB"' <<<"$gz")"
  result "100k zones, serve --demo: peak RSS (VmHWM)" "$(jget 'f"{hwm_kib/1024:.1f} MiB (RSS after {rss_kib/1024:.1f} MiB)"' <<<"$peak")"
  stop "$EX_PID"

  log "100 000 zones, exporter alone (demo upstream in another process)"
  start_upstream up100k 100000
  start_exporter big-alone --collector.zones.limit 0
  idle=$(py proc "$EX_PID")
  plain=$(curl_times "$EX_URL/metrics" 5)
  gz=$(curl_times "$EX_URL/metrics" 5 --compressed)
  peak=$(py proc "$EX_PID")
  result "100k zones, serve alone: RSS before the first scrape" "$(jget 'f"{rss_kib/1024:.1f} MiB"' <<<"$idle")"
  result "100k zones, serve alone: scrape p50 / max (plain)" "$(jget 'f"{p50_ms:.0f} / {max_ms:.0f} ms, {bytes/1048576:.1f} MiB"' <<<"$plain")"
  result "100k zones, serve alone: scrape p50 / max (gzip)" "$(jget 'f"{p50_ms:.0f} / {max_ms:.0f} ms, {bytes/1048576:.1f} MiB"' <<<"$gz")"
  result "100k zones, serve alone: peak RSS (VmHWM)" "$(jget 'f"{hwm_kib/1024:.1f} MiB (RSS after {rss_kib/1024:.1f} MiB)"' <<<"$peak")"
  M=$(py measure ours-100k "$EX_URL/metrics" "$EX_PID" "$UP_LOG" 10)
  result "100k zones, serve alone: exporter CPU per scrape" "$(jget 'f"{cpu_ms_per_scrape:.0f} ms"' <<<"$M")"
  stop "$EX_PID"
  stop "$UP_PID"
}

# ---------------------------------------------------------------------------------------------
case "${1:-}" in
  measure)
    [ $# -ge 5 ] || { echo "usage: $0 measure NAME URL PID UPSTREAM_LOG [SCRAPES]" >&2; exit 2; }
    py measure "$2" "$3" "$4" "$5" "${6:-200}"
    exit 0
    ;;
  upstream)
    [ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 1; }
    KEEP_WORK=1
    start_upstream upstream "${2:-40}"
    PIDS=()  # leave it running
    printf 'url=%s token_file=%s log=%s pid=%s\n' "$UP_URL" "$UP_TOKEN_FILE" "$UP_LOG" "$UP_PID"
    exit 0
    ;;
  --no-build) ;;
  zones) ONLY_ZONES=1 ;;
  "")
    log "cargo build --release --locked"
    cargo build --release --locked
    ;;
  *)
    echo "usage: $0 [--no-build] | measure NAME URL PID UPSTREAM_LOG [SCRAPES] | upstream [ZONES] | zones" >&2
    exit 2
    ;;
esac

need_tools
[ -x "$BIN" ] || { echo "missing $BIN" >&2; exit 1; }
RESULTS=$WORK/results.txt
: >"$RESULTS"
result() { printf '%-58s %s\n' "$1" "$2" | tee -a "$RESULTS"; }

if [ "${ONLY_ZONES:-0}" = 1 ]; then
  zones_100k
  exit 0
fi

log "machine"
result "cpus" "$(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
result "memory" "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
result "kernel" "$(uname -r)"

log "binary size"
result "binary size (stripped release)" "$(stat -c %s "$BIN") bytes ($(awk -v b="$(stat -c %s "$BIN")" 'BEGIN {printf "%.2f MiB", b/1048576}'))"
result "binary" "$(file -b "$BIN" 2>/dev/null | cut -d, -f1-2,6- || echo n/a)"

# --- steady-state RSS ------------------------------------------------------------------------
log "steady-state RSS of serve --demo after 50 scrapes"
start_demo_exporter steady
py seq "$EX_URL/metrics" 50 >/dev/null
sleep 1
result "serve --demo: steady RSS after 50 scrapes" "$(py proc "$EX_PID" | jget 'f"{rss_kib/1024:.1f} MiB (anonymous {anon_kib/1024:.1f}, file {file_kib/1024:.1f}; VmHWM {hwm_kib/1024:.1f} MiB)"')"
stop "$EX_PID"

log "steady-state RSS of serve alone (demo upstream in another process)"
start_upstream up40 40
# The same upstream as a /probe target too: /probe carries the target's metrics only.
printf '[targets.demo]\nurl = "%s"\ntoken_file = "%s"\n' "$UP_URL" "$UP_TOKEN_FILE" >"$WORK/probe.toml"
start_exporter steady-alone --config.file "$WORK/probe.toml"
py seq "$EX_URL/metrics" 50 >/dev/null
sleep 1
result "serve (upstream elsewhere): steady RSS after 50 scrapes" "$(py proc "$EX_PID" | jget 'f"{rss_kib/1024:.1f} MiB (anonymous {anon_kib/1024:.1f}, file {file_kib/1024:.1f}; VmHWM {hwm_kib/1024:.1f} MiB)"')"

# --- CPU per default scrape ------------------------------------------------------------------
log "CPU, latency and upstream calls per default scrape (1000 sequential scrapes)"
M=$(py measure ours "$EX_URL/metrics" "$EX_PID" "$UP_LOG" 1000)
result "default scrape: exporter CPU per scrape" "$(jget 'f"{cpu_ms_per_scrape:.3f} ms"' <<<"$M")"
result "default scrape: latency p50 / p99 (python client)" "$(jget 'f"{p50_ms:.2f} / {p99_ms:.2f} ms"' <<<"$M")"
result "default scrape: upstream calls per scrape" "$(jget 'f"{upstream_calls_per_scrape:.2f}"' <<<"$M")"
result "default scrape: /metrics body" "$(jget 'f"{bytes} bytes, {series} series"' <<<"$M")"
result "default scrape: RSS after (anonymous + file-backed)" "$(jget 'f"{rss_mib:.1f} MiB ({anon_mib:.1f} + {file_mib:.1f}), {threads} threads"' <<<"$M")"

# What the derived counters (on by default since 0.2) add to that: the same 1000 scrapes
# without them, from a second exporter on the same upstream.
MAIN_PID=$EX_PID MAIN_URL=$EX_URL
start_exporter no-counters --no-collector.counters
M=$(py measure ours "$EX_URL/metrics" "$EX_PID" "$UP_LOG" 1000)
result "default scrape without counters: exporter CPU per scrape" "$(jget 'f"{cpu_ms_per_scrape:.3f} ms, {series} series"' <<<"$M")"
stop "$EX_PID"
EX_PID=$MAIN_PID EX_URL=$MAIN_URL

# --- added latency ---------------------------------------------------------------------------
log "upstream's own latency per endpoint (wrk, 1 connection, 3 s each)"
TOKEN=$(cat "$UP_TOKEN_FILE")
declare -A UP50
for ep in "/api/user/session/get" "/api/dashboard/metrics/json" \
  "/api/dashboard/stats/get?type=LastHour&utc=true&dontTrimQueryTypeData=true" \
  "/api/zones/list" "/api/dhcp/scopes/list" "/api/dhcp/leases/list"; do
  read -r p50 p99 _ _ < <(wrk_run 1 1 3 "$UP_URL$ep" -H "Authorization: Bearer $TOKEN")
  UP50[$ep]=$p50
  result "upstream ${ep%%\?*}: p50 / p99" "$p50 / $p99 ms"
done
UPSTREAM_CP=$(python3 -c '
import sys
s = float(sys.argv[1]); rest = [float(x) for x in sys.argv[2:]]
print(f"{s + max(rest):.3f}")' "${UP50[/api/user/session/get]}" \
  "${UP50[/api/dashboard/metrics/json]}" \
  "${UP50[/api/dashboard/stats/get?type=LastHour&utc=true&dontTrimQueryTypeData=true]}" \
  "${UP50[/api/zones/list]}" "${UP50[/api/dhcp/scopes/list]}" "${UP50[/api/dhcp/leases/list]}")
result "upstream critical path (session p50 + slowest other p50)" "$UPSTREAM_CP ms"

# Closed loop: each scraper sends its next request as soon as the last one is answered, which on
# 2 cores saturates the machine. Paced: each scraper waits 10 ms between requests (still far more
# often than Prometheus scrapes), so the figure is latency rather than queueing.
printf 'function delay()\n  return 10\nend\n' >"$WORK/paced.lua"
for conc in 1 10; do
  threads=$([ "$conc" = 1 ] && echo 1 || echo 2)
  for mode in closed paced; do
    extra=()
    [ "$mode" = paced ] && extra=(-s "$WORK/paced.lua")
    log "/metrics latency at $conc concurrent scrapers, $mode loop (wrk, 10 s)"
    read -r p50 p99 rps errs < <(wrk_run "$conc" "$threads" 10 "$EX_URL/metrics" "${extra[@]}")
    added=$(python3 -c 'import sys; a,b,c=map(float,sys.argv[1:]); print(f"{a-c:.3f} / {b-c:.3f} ms")' "$p50" "$p99" "$UPSTREAM_CP")
    result "/metrics at $conc scrapers ($mode): p50 / p99, req/s" "$p50 / $p99 ms, $rps req/s (non-2xx: $errs)"
    result "/metrics at $conc scrapers ($mode): added p50 / p99" "$added"
  done
done
log "/probe (no self or process metrics) at 10 concurrent scrapers, closed loop (wrk, 10 s)"
read -r p50 p99 rps errs < <(wrk_run 10 2 10 "$EX_URL/probe?target=demo")
added=$(python3 -c 'import sys; a,b,c=map(float,sys.argv[1:]); print(f"{a-c:.3f} / {b-c:.3f} ms")' "$p50" "$p99" "$UPSTREAM_CP")
result "/probe at 10 scrapers (closed): p50 / p99, req/s" "$p50 / $p99 ms, $rps req/s (non-2xx: $errs)"
result "/probe at 10 scrapers (closed): added p50 / p99" "$added"
stop "$EX_PID"

# --- warm min-interval cache -----------------------------------------------------------------
log "requests/s with a warm min-interval cache (10 connections, 10 s)"
start_exporter cached --collector.lifetime.min-interval 1m --collector.dashboard.min-interval 1m \
  --collector.zones.min-interval 1m --collector.dhcp.min-interval 1m
py seq "$EX_URL/metrics" 3 >/dev/null
read -r p50 p99 rps errs < <(wrk_run 10 2 10 "$EX_URL/metrics")
result "/metrics, warm min-interval cache, 10 scrapers" "$rps req/s, p50 / p99 $p50 / $p99 ms (non-2xx: $errs)"
stop "$EX_PID"

# --- exec-to-exit ----------------------------------------------------------------------------
log "scrape and textfile exec-to-exit (hyperfine)"
mkdir -p "$WORK/textfile"
hyperfine -N --warmup 3 --runs 30 --export-json "$WORK/hf.json" \
  "$BIN scrape --demo" \
  "$BIN textfile --demo --output.dir $WORK/textfile" \
  "$BIN textfile --technitium.url $UP_URL --technitium.token-file $UP_TOKEN_FILE --output.dir $WORK/textfile" \
  >"$WORK/hyperfine.txt" 2>&1
python3 - "$WORK/hf.json" <<'PY' | while IFS=$'\t' read -r k v; do result "$k" "$v"; done
import json, sys
names = ["scrape --demo", "textfile --demo", "textfile against a local upstream"]
for name, r in zip(names, json.load(open(sys.argv[1]))["results"]):
    print(f"{name}: exec-to-exit mean / median\t{r['mean']*1000:.1f} / {r['median']*1000:.1f} ms (min {r['min']*1000:.1f}, max {r['max']*1000:.1f})")
PY
stop "$UP_PID"

# --- coalescing ------------------------------------------------------------------------------
log "coalescing: 100 simultaneous scrapes of one target, upstream answering after 200 ms"
start_upstream slow 40 200
start_exporter coalesce
before=$(py counts "$EX_URL/metrics")
calls0=$(py calls "$UP_LOG")
burst=$(py burst "$EX_URL/metrics" 100)
calls1=$(py calls "$UP_LOG")
after=$(py counts "$EX_URL/metrics")
result "coalescing: 100 simultaneous scrapes" "$(jget 'f"{ok}/{n} answered 200, slowest {max_ms:.0f} ms"' <<<"$burst")"
result "coalescing: upstream calls seen by the upstream" "$((calls1 - calls0))"
python3 - "$before" "$after" <<'PY' | while IFS=$'\t' read -r k v; do result "$k" "$v"; done
import json, sys
before, after = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for ep in sorted(after):
    # The scrape that reads the counters makes one call per endpoint itself.
    print(f"coalescing: requests to {ep}\t{after[ep] - before.get(ep, 0) - 1}")
PY
stop "$EX_PID"
stop "$UP_PID"

# --- 100k zones ------------------------------------------------------------------------------
zones_100k

log "done; results:"
cat "$RESULTS"

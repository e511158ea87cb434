#!/usr/bin/env bash
# The status page and the debug output in a real browser: headless Chromium (Debian's package)
# loads them from `serve --demo`, whose config file adds a target on a refused port (its token
# sent in the query string, as to a server before v15), after a scrape of every target and of
# two of the demo cluster's nodes.
#
# It checks the DOM Chromium built (--dump-dom, read by scripts/lib/browser_dom.py): the
# "Targets" table has a row for the default target, both configured targets and the demo's
# three nodes, each with a link to its debug output; the refused target and the unreachable
# node show the session as failed with the reason and the error; the debug page of the refused
# target shows its call and why it failed, the demo's shows its calls; no page and no log line
# holds either token; no script element. Screenshots (the page on a desktop and on a phone's
# width, the debug page) and the DOMs are kept in target/browser/ as CI artifacts.
#
# Chromium runs with a fresh profile and without network services (the network is closed):
# --headless --no-sandbox --disable-gpu --disable-background-networking
# --disable-component-update --disable-sync --no-first-run.
#
# Usage: scripts/check-browser.sh [--bin PATH] [--out DIR]
#   --bin PATH   the exporter binary (default target/debug/technitium-exporter)
#   --out DIR    where screenshots and DOMs go (default target/browser)
# Environment: CHROMIUM (default: chromium on PATH). As root with apt-get, a missing chromium
# is installed from Debian's packages; otherwise its absence fails the check.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
bin="$root/target/debug/technitium-exporter"
out="$root/target/browser"
while (($#)); do
    case $1 in
        --bin) bin=${2:?--bin needs a path}; shift 2 ;;
        --out) out=${2:?--out needs a directory}; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "check-browser: unknown argument: $1" >&2; exit 2 ;;
    esac
done

chromium=${CHROMIUM:-$(command -v chromium || true)}
if [[ -z $chromium ]] && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "check-browser: installing chromium from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
    chromium=$(command -v chromium || true)
fi
if [[ -z $chromium || ! -x $chromium ]]; then
    echo "check-browser: chromium not found: install it (apt-get install -y chromium) or set CHROMIUM" >&2
    exit 1
fi
command -v python3 >/dev/null || { echo "check-browser: python3 is required" >&2; exit 1; }
[[ -x $bin ]] || { echo "check-browser: $bin is not an executable (build it first: cargo build)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
    local status=$? pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if ((status != 0)) && [[ -s $tmp/exporter.log ]]; then
        echo "--- last lines of the exporter's log" >&2
        tail -n 20 "$tmp/exporter.log" >&2
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"

fetch() { # URL: GET it (status 200) without a proxy, body to stdout
    python3 -c 'import sys, urllib.request as u
print(u.build_opener(u.ProxyHandler({})).open(sys.argv[1], timeout=15).read().decode())' "$1"
}

# Chromium, headless, a fresh profile per run, nothing that calls out; killed after 60 s.
browser() {
    local profile
    profile=$(mktemp -d "$tmp/profile.XXXXXX")
    timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --disable-extensions \
        --hide-scrollbars --user-data-dir="$profile" "$@" 2>>"$tmp/chromium.log"
}

step "serve --demo, with a target on a refused port"
broken_token=check-browser-5f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433
refused_port=$(free_port) # free a moment ago: nothing listens there
cat >"$tmp/exporter.toml" <<EOF
[targets.broken]
url = "http://127.0.0.1:$refused_port"
token = "$broken_token"
auth = "query"
EOF
port=$(free_port)
base="http://127.0.0.1:$port"
TECHNITIUM_EXPORTER_DEMO_PRINT=1 "$bin" --log.level debug --config.file "$tmp/exporter.toml" \
    serve --demo --web.listen-address "127.0.0.1:$port" >"$tmp/exporter.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 300; i++)); do
    fetch "$base/-/ready" >/dev/null 2>&1 && break
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "check-browser: serve exited" >&2; exit 1; }
    sleep 0.1
done
demo_token=$(sed -n 's/^demo: url=[^ ]* token=\([^ ]*\)$/\1/p' "$tmp/exporter.log" | head -n 1)
[[ -n $demo_token ]] || { echo "check-browser: the demo did not print its token" >&2; exit 1; }
for path in /metrics "/probe?target=broken" "/probe?target=demo" \
    "/probe?target=demo&node=dns2.demo.lan" "/probe?target=demo&node=dns3.demo.lan"; do
    fetch "$base$path" >/dev/null
done
ok "scraped every target and two cluster nodes"

mkdir -p "$out"
rm -f "$out"/*.png "$out"/*.html
step "the status page in headless Chromium"
browser --dump-dom "$base/" >"$out/status.html"
python3 "$here/lib/browser_dom.py" status "$out/status.html" \
    --row default --row broken --row demo \
    --row "demo / dns1.demo.lan" --row "demo / dns2.demo.lan" --row "demo / dns3.demo.lan" \
    --failed "broken:session:Connection refused" \
    --failed "demo / dns3.demo.lan:session:could not reach the node" \
    --secret "$broken_token" --secret "$demo_token" || failures=$((failures + 1))
browser --screenshot="$out/status-desktop.png" --window-size=1280,1000 "$base/"
browser --screenshot="$out/status-phone.png" --window-size=390,1600 "$base/"

step "the debug output in headless Chromium"
browser --dump-dom "$base/probe?target=broken&debug=true" >"$out/debug-broken.html"
python3 "$here/lib/browser_dom.py" debug "$out/debug-broken.html" \
    --has "upstream calls (1, in the order they started)" --has "/api/user/session/get" \
    --has "unreachable" --has "Connection refused" --has "query (configured)" \
    --has "technitium_up 0" \
    --secret "$broken_token" --secret "$demo_token" || failures=$((failures + 1))
browser --dump-dom "$base/probe?target=demo&debug=true" >"$out/debug-demo.html"
python3 "$here/lib/browser_dom.py" debug "$out/debug-demo.html" \
    --has "/api/user/session/get" --has "/api/zones/list" --has "technitium_up 1" \
    --secret "$broken_token" --secret "$demo_token" || failures=$((failures + 1))
browser --screenshot="$out/debug.png" --window-size=1280,1000 "$base/probe?target=demo&debug=true"

step "no token in the exporter's log (debug level)"
# The demo's own line announcing its URL and token (TECHNITIUM_EXPORTER_DEMO_PRINT) is the
# one exception: it is the demo's, not the exporter's.
no_token_logged() { ! grep -v '^demo: url=' "$tmp/exporter.log" | grep -qF -e "$broken_token" -e "$demo_token"; }
check "neither token is logged" no_token_logged

for f in status-desktop.png status-phone.png debug.png; do
    check "screenshot $f" test -s "$out/$f"
done
if ((failures)); then
    echo "check-browser: $failures check(s) failed; screenshots and DOMs in $out" >&2
    exit 1
fi
echo "check-browser: all checks passed; screenshots and DOMs in $out"

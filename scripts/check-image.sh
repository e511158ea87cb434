#!/usr/bin/env bash
# scripts/check-image.sh — build the container image and prove it runs as documented; check the
# compose quick start as far as CI can without pulling its images.
#
# Run as root on Debian (CI does; no image registry is reachable, nothing is pulled):
#   bash scripts/check-image.sh [--bin PATH]
#
#  1. installs what it needs when root (apt-get: podman, runc, docker-compose, python3-yaml,
#     curl) and fails, never skips, when a tool is missing;
#  2. configures podman for this check only (a temporary CONTAINERS_CONF, storage and registries
#     file; none of it is what users run): runc with the cgroupfs manager (crun and the systemd
#     manager fail on cgroups on the CI hosts), default ulimits cleared (the default nofile limit
#     is above the hosts' hard limit), vfs storage in a temporary directory, no search registries;
#  3. builds the image with scripts/build-image.sh (static release binary, FROM scratch);
#  4. inspects it: user 65532:65532, entrypoint, `serve` as the default command, port 9274, the
#     OCI labels (version = the binary's), exactly the five expected files (no shell), under 20 MB;
#  5. runs `serve --demo` with --read-only (no tmpfs either) --user 65532:65532 --cap-drop=ALL
#     and no-new-privileges, scrapes /metrics and /probe?target=demo from the host
#     (technitium_up 1), and checks in /proc that the process is not root and has no capability;
#  6. in that container's network namespace, runs `check` and `scrape` against the demo server
#     through a name that exists only in the container's /etc/hosts (--add-host), with the token
#     from a bind-mounted /run/secrets/technitium-token (how compose passes a file secret);
#  7. runs `scrape --demo` and `check --demo` (exit 0), `check` of a closed port (exit 1), an
#     unreadable token file (exit 2), the image with no arguments (serve on :9274 without a
#     token: technitium_up 0), and stops the demo container with SIGTERM (exit 0);
#  8. deploy/compose: `docker-compose config -q` (the Compose schema), then
#     scripts/lib/check_compose.py (services, hardening, the token secret, the shipped rules and
#     dashboard mounted rather than copied, promtool check config on Prometheus's view);
#  9. prints the image size and the times.
#
# Usage: scripts/check-image.sh [--bin PATH]   (PATH: a static binary to package instead of building)
# Environment: KEEP_WORK=1 keeps the work directory (podman storage included); PROMTOOL.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
readonly UID_GID=65532
readonly MAX_BYTES=20000000
readonly IMAGE_NAME=localhost/technitium-exporter

bin_args=()
while (($#)); do
    case $1 in
        --bin) bin_args=(--bin "${2:?--bin needs a path}"); shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "check-image: unknown argument: $1" >&2; exit 2 ;;
    esac
done

# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh"
die() { printf 'check-image: %s\n' "$*" >&2; exit 1; }

# --- 1. tools -------------------------------------------------------------------------------
step "tools"
yaml_python() {
    local py
    for py in python3 /usr/bin/python3; do
        if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import yaml' 2>/dev/null; then
            command -v "$py"; return 0
        fi
    done
    return 1
}
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    missing=()
    command -v podman >/dev/null 2>&1 || missing+=(podman)
    # runc by name: podman depends on crun | runc, and crun fails on these hosts' cgroups.
    command -v runc >/dev/null 2>&1 || missing+=(runc)
    command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    yaml_python >/dev/null || missing+=(python3-yaml)
    if ((${#missing[@]})); then
        echo "  apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi
for tool in podman runc docker-compose curl; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found: install it (apt-get install $tool); the image check cannot run without it"
done
python=$(yaml_python) || die "no python3 with PyYAML: apt-get install python3-yaml"
promtool=${PROMTOOL:-$(command -v promtool || echo /usr/bin/promtool)}
[[ -x $promtool ]] || die "promtool not found: apt-get install prometheus"
ok "$(podman --version), runc $(runc --version | awk 'NR==1{print $3}'), $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')"

# --- 2. podman for this check only ------------------------------------------------------------
WORK=$(mktemp -d /var/tmp/technitium-exporter-image.XXXXXX)
readonly WORK
containers=()
cleanup() {
    local status=$? c
    if ((status != 0 || failures)); then
        for c in "${containers[@]}"; do
            echo "--- podman logs $c (last lines)" >&2
            podman logs "$c" 2>&1 | tail -n 15 >&2 || true
        done
    fi
    for c in "${containers[@]}"; do podman rm -f -t 2 "$c" >/dev/null 2>&1 || true; done
    if [[ ${KEEP_WORK:-} == 1 ]]; then
        echo "check-image: work directory kept: $WORK (CONTAINERS_CONF=$WORK/containers.conf CONTAINERS_STORAGE_CONF=$WORK/storage.conf)" >&2
    else
        podman rmi -a -f >/dev/null 2>&1 || true
        # Whatever podman left mounted below the work directory, then the directory.
        awk -v w="$WORK" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
            umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
        done
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$WORK/containers.conf" <<EOF
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$WORK/events.log"
tmp_dir = "$WORK/libpod-tmp"
EOF
cat >"$WORK/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$WORK/storage"
runroot = "$WORK/run"
EOF
cat >"$WORK/registries.conf" <<'EOF'
unqualified-search-registries = []
EOF
export CONTAINERS_CONF=$WORK/containers.conf CONTAINERS_STORAGE_CONF=$WORK/storage.conf \
    CONTAINERS_REGISTRIES_CONF=$WORK/registries.conf
ok "podman: runc, cgroupfs, no default ulimits, vfs storage in $WORK"

# --- 3. build -----------------------------------------------------------------------------------
step "build the image (scripts/build-image.sh)"
build_started=$SECONDS
image=$("$REPO/scripts/build-image.sh" --engine podman --name "$IMAGE_NAME" "${bin_args[@]}" | tail -n 1)
build_seconds=$((SECONDS - build_started))
[[ -n $image ]] || die "build-image.sh printed no image reference"
ok "built $image in ${build_seconds}s"

# --- 4. inspect ---------------------------------------------------------------------------------
step "inspect the image"
inspect() { podman image inspect --format "$1" "$image"; }
version=${image##*:}
check "user is $UID_GID:$UID_GID" test "$(inspect '{{.Config.User}}')" = "$UID_GID:$UID_GID"
check "entrypoint is the binary" test "$(inspect '{{json .Config.Entrypoint}}')" = '["/usr/bin/technitium-exporter"]'
check "default command is serve" test "$(inspect '{{json .Config.Cmd}}')" = '["serve"]'
# shellcheck disable=SC2016 # a Go template, not a shell expansion
check "exposes 9274/tcp" test "$(inspect '{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}')" = "9274/tcp "
label() { inspect "{{index .Config.Labels \"org.opencontainers.image.$1\"}}"; }
check "label version = $version (the binary's)" test "$(label version)" = "$version"
check "label licenses = Apache-2.0" test "$(label licenses)" = "Apache-2.0"
check "label source = $(label source)" test -n "$(label source)"
check "label revision = $(label revision)" test -n "$(label revision)"
size=$(inspect '{{.Size}}')
size_mb=$(awk -v b="$size" 'BEGIN {printf "%.1f", b / 1000000}')
check "image size ${size_mb} MB (limit $((MAX_BYTES / 1000000)) MB)" test "$size" -lt "$MAX_BYTES"
mnt=$(podman image mount "$image")
files=$(cd "$mnt" && find . \( -type f -o -type l \) -printf '%p %m %U:%G\n' | sort)
podman image unmount "$image" >/dev/null
expected=$(printf '%s\n' \
    "./etc/group 644 0:0" "./etc/nsswitch.conf 644 0:0" "./etc/passwd 644 0:0" \
    "./etc/ssl/certs/ca-certificates.crt 644 0:0" "./usr/bin/technitium-exporter 755 0:0")
if [[ $files == "$expected" ]]; then
    ok "exactly the binary, the CA bundle, passwd, group and nsswitch.conf, root-owned (no shell)"
else
    bad "unexpected files in the image:"; diff <(echo "$expected") <(echo "$files") >&2 || true
fi

# --- 5. serve --demo, hardened ------------------------------------------------------------------
step "serve --demo under --read-only --user $UID_GID --cap-drop=ALL"
# Nothing writable at all: podman's --read-only would add tmpfs on /run, /tmp and /var/tmp.
hardened=(--pull=never --read-only --read-only-tmpfs=false --user "$UID_GID:$UID_GID" --cap-drop=ALL
    --security-opt=no-new-privileges)
wait_ready() { # NAME URL
    local i
    for ((i = 0; i < 300; i++)); do
        [[ $(podman inspect --format '{{.State.Running}}' "$1" 2>/dev/null) == true ]] || {
            echo "  container $1 is not running" >&2; return 1; }
        curl -fsS --max-time 2 -o /dev/null "$2" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "  $2 did not answer within 30s" >&2
    return 1
}
port=$(free_port)
podman run -d --name te-serve "${hardened[@]}" -p "127.0.0.1:$port:9274" \
    --add-host technitium.test:127.0.0.1 -e TECHNITIUM_EXPORTER_DEMO_PRINT=1 \
    "$image" serve --demo >/dev/null
containers+=(te-serve)
wait_ready te-serve "http://127.0.0.1:$port/-/ready" || die "serve --demo did not become ready"
ok "ready on 127.0.0.1:$port (published from :9274)"
metrics=$(curl -fsS --max-time 10 "http://127.0.0.1:$port/metrics")
check "/metrics: technitium_up 1" grep -qx 'technitium_up 1' <<<"$metrics"
check "/metrics: the exporter's own metrics" grep -q '^technitium_exporter_build_info{' <<<"$metrics"
probe=$(curl -fsS --max-time 10 "http://127.0.0.1:$port/probe?target=demo")
check "/probe?target=demo: technitium_up 1" grep -qx 'technitium_up 1' <<<"$probe"
pid=$(podman inspect --format '{{.State.Pid}}' te-serve)
status=$(cat "/proc/$pid/status")
field() { awk -v k="$1:" '$1 == k {$1 = ""; sub(/^ /, ""); print}' <<<"$status"; }
check "process uids are $UID_GID (real, effective, saved, fs): $(field Uid)" \
    test "$(field Uid)" = "$UID_GID $UID_GID $UID_GID $UID_GID"
check "process gids are $UID_GID: $(field Gid)" \
    test "$(field Gid)" = "$UID_GID $UID_GID $UID_GID $UID_GID"
no_root_group() { [[ " $1 " != *" 0 "* ]]; }
check "no supplementary root group (groups: $(field Groups))" no_root_group "$(field Groups)"
for cap in CapPrm CapEff CapBnd CapAmb; do
    check "$cap is empty" test "$(field $cap)" = 0000000000000000
done
check "no_new_privs is set" test "$(field NoNewPrivs)" = 1
check "root filesystem is read-only" test "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' te-serve)" = true

# --- 6. /etc/hosts and the token file -----------------------------------------------------------
step "a name from the container's /etc/hosts, the token from /run/secrets"
demo_line=$(podman logs te-serve 2>&1 | grep -m1 '^demo: url=' || true)
[[ $demo_line =~ ^demo:\ url=http://127\.0\.0\.1:([0-9]+)/?\ token=([^[:space:]]+)$ ]] ||
    die "the demo server's URL and token are not in the container's log"
demo_port=${BASH_REMATCH[1]}
install -d -m 0700 "$WORK/secrets"
# Readable by the container's user, inside a directory only root can enter (deploy/compose/README.md).
printf '%s\n' "${BASH_REMATCH[2]}" | install -m 0644 /dev/stdin "$WORK/secrets/technitium-token"
token_mount=(-v "$WORK/secrets/technitium-token:/run/secrets/technitium-token:ro")
upstream=(--technitium.url "http://technitium.test:$demo_port" --technitium.token-file /run/secrets/technitium-token)
# Same network namespace (and so the same /etc/hosts) as te-serve, where the demo server listens.
beside=(--rm "${hardened[@]}" --network container:te-serve "${token_mount[@]}")
rc=0
json=$(podman run "${beside[@]}" "$image" check "${upstream[@]}" --format json) || rc=$?
check "check via technitium.test with the token file: exit 0 (got $rc)" test "$rc" = 0
"$python" - "$json" <<'EOF' || bad "check's JSON report (above)"
import json, sys
d = json.loads(sys.argv[1])
steps = {s["id"]: s for s in d["targets"][0]["steps"]}
good = True
for ok, what in [
    (d["verdict"] == "ok", f"verdict {d['verdict']}"),
    (steps["dns"]["status"] == "ok" and steps["dns"]["detail"] == "technitium.test → 127.0.0.1",
     f"DNS step: {steps['dns']['detail']} (from /etc/hosts only)"),
    (steps["token"]["status"] == "ok", f"token step: {steps['token']['detail']}"),
]:
    print(f"  {'ok' if ok else 'FAIL'}: {what}", file=sys.stdout if ok else sys.stderr)
    good &= ok
sys.exit(0 if good else 1)
EOF
rc=0
out=$(podman run "${beside[@]}" "$image" scrape "${upstream[@]}") || rc=$?
check "scrape via technitium.test with the token file: exit 0 (got $rc)" test "$rc" = 0
check "scrape via technitium.test: technitium_up 1" grep -qx 'technitium_up 1' <<<"$out"
chmod 0600 "$WORK/secrets/technitium-token"
rc=0
err=$(podman run "${beside[@]}" "$image" scrape "${upstream[@]}" 2>&1 >/dev/null) || rc=$?
check "a token file the user cannot read: exit 2 (got $rc)" test "$rc" = 2
check "... and the error names the file: ${err:0:90}" grep -q 'cannot read token file /run/secrets/technitium-token' <<<"$err"

# --- 7. the other modes and exit codes ----------------------------------------------------------
step "scrape --demo, check --demo, exit codes, the default command, SIGTERM"
alone=(--rm "${hardened[@]}" --network none)
rc=0
out=$(podman run "${alone[@]}" "$image" scrape --demo) || rc=$?
check "scrape --demo: exit 0 (got $rc)" test "$rc" = 0
check "scrape --demo: technitium_up 1" grep -qx 'technitium_up 1' <<<"$out"
rc=0
out=$(podman run "${alone[@]}" "$image" check --demo) || rc=$?
check "check --demo: exit 0 (got $rc)" test "$rc" = 0
check "check --demo: all good" grep -q 'all good' <<<"$out"
rc=0
podman run "${alone[@]}" "$image" check --technitium.url http://127.0.0.1:9 >/dev/null || rc=$?
check "check of a closed port: exit 1 (got $rc)" test "$rc" = 1

port2=$(free_port)
podman run -d --name te-default "${hardened[@]}" -p "127.0.0.1:$port2:9274" "$image" >/dev/null
containers+=(te-default)
if wait_ready te-default "http://127.0.0.1:$port2/-/ready"; then
    ok "no arguments: serve answers on :9274"
    metrics=$(curl -fsS --max-time 15 "http://127.0.0.1:$port2/metrics")
    check "no arguments: technitium_up 0 (no Technitium, no token)" grep -qx 'technitium_up 0' <<<"$metrics"
    check "no arguments: technitium_scrape_error says why" grep -q '^technitium_scrape_error{reason="' <<<"$metrics"
else
    bad "no arguments: serve did not answer on :9274"
fi

stop_started=$SECONDS
podman stop -t 10 te-serve >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' te-serve)
check "SIGTERM: serve exits 0 (got $code) after $((SECONDS - stop_started))s, not killed" test "$code" = 0

# --- 8. compose quick start ---------------------------------------------------------------------
step "deploy/compose"
compose=$REPO/deploy/compose/compose.yaml
if docker-compose -f "$compose" config -q; then
    ok "docker-compose config: compose.yaml is valid against the Compose schema"
else
    bad "docker-compose config rejected compose.yaml"
fi
mkdir -p "$WORK/compose"
"$python" "$REPO/scripts/lib/check_compose.py" --repo "$REPO" --promtool "$promtool" --work "$WORK/compose" ||
    bad "scripts/lib/check_compose.py (above)"

# --- 9. summary ---------------------------------------------------------------------------------
step "summary"
echo "  image: $image, $size_mb MB ($size bytes)"
echo "  build: ${build_seconds}s (binary and image), whole check: $((SECONDS - started))s"
if ((failures)); then
    echo "check-image: $failures check(s) FAILED" >&2
    exit 1
fi
echo "check-image: all checks passed"

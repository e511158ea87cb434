#!/usr/bin/env bash
# scripts/ci-package.sh — build the .deb and prove it installs, runs and purges.
#
# Run as root on Debian (CI does; network only to package registries):
#   bash scripts/ci-package.sh
#
#  1. installs what it needs (apt-get: lintian, dpkg-dev, debootstrap,
#     systemd-container, acl; `cargo install --locked cargo-deb` if missing)
#  2. builds the package with `cargo deb --locked`
#  3. lintian: zero errors and zero warnings
#  4. systemd-analyze: `verify` on every unit, `security --offline=true` on
#     both services with an exposure threshold of 1.5
#  5. installs the .deb with dpkg into a throwaway minimal bookworm root
#     (debootstrap, cached as a tarball under $CACHE_DIR) and checks the
#     user, owners and modes, conffiles, `--version`, enabled units, the
#     textfile directory ACL; reinstalls (idempotence); purges and checks
#     that nothing but the system user is left
#  6. boots that root with systemd-nspawn (systemd as PID 1, private
#     network), installs the .deb under the running manager and checks that
#     nothing was started; then runs the real units with their sandbox: the
#     HTTP exporter without a token and with --demo, reload, the textfile
#     service feeding node_exporter's textfile collector; then purges. When
#     no container can be booted, this step says so and is skipped.
#
# Environment: CACHE_DIR (default /var/cache/technitium-exporter-ci),
# DEBIAN_MIRROR (default: the first Debian archive in this machine's apt sources), KEEP_WORK=1 keeps the
# work directory, SKIP_BUILD=1 packages the existing release build.
set -euo pipefail

readonly PKG=technitium-exporter
readonly SUITE=bookworm
readonly THRESHOLD=1.5
readonly CACHE_DIR=${CACHE_DIR:-/var/cache/technitium-exporter-ci}
# The archive this machine's apt already uses, so the script reaches only what apt reaches.
apt_mirror() {
    local uri
    uri=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
        | grep -v -- '-security' | sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' \
        | awk '{print $1; exit}')
    printf '%s' "${uri:?no Debian archive found in the apt sources; set DEBIAN_MIRROR}"
}
MIRROR=${DEBIAN_MIRROR:-$(apt_mirror)}
readonly MIRROR
# Packages the throwaway root needs beyond minbase: our Depends (adduser, acl,
# ca-certificates), /bin/kill for ExecReload (procps), systemd to boot it and
# to verify units against it, and node_exporter for the textfile round trip.
readonly ROOT_PACKAGES=adduser,acl,ca-certificates,procps,systemd,prometheus-node-exporter
readonly UNITS=(technitium-exporter.service technitium-exporter-textfile.service technitium-exporter-textfile.timer)
readonly TEXTFILE_DIR=/var/lib/prometheus/node-exporter

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
cd "$REPO"

# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh"
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (dpkg, chroot and systemd-nspawn need it)"
[ -r /etc/debian_version ] || die "needs a Debian host (apt-get, dpkg, debootstrap)"

WORK=$(mktemp -d /var/tmp/technitium-exporter-ci.XXXXXX)
readonly WORK
NSPAWN_PID=
CT_PID=
stop_container() {
    [ -n "$NSPAWN_PID" ] || return 0
    if kill -0 "$NSPAWN_PID" 2>/dev/null; then
        # SIGRTMIN+4 asks systemd (PID 1 in the container) to power off.
        [ -n "${CT_PID:-}" ] && kill -s RTMIN+4 "$CT_PID" 2>/dev/null
        for _ in $(seq 1 30); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$NSPAWN_PID" 2>/dev/null && kill "$NSPAWN_PID" 2>/dev/null
        for _ in $(seq 1 10); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.5; done
    fi
    NSPAWN_PID=
}
cleanup() {
    set +e
    stop_container
    for m in "$WORK/root/proc" "$WORK/root/dev"; do
        mountpoint -q "$m" && umount -l "$m"
    done
    if [ "${KEEP_WORK:-0}" = 1 ]; then
        echo "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- tools ---
step "tools"
need=()
for p in lintian dpkg-dev debootstrap systemd systemd-container acl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if ! cargo deb --version >/dev/null 2>&1; then
    # --debug: 49 s to build on 2 cores instead of 88 s; cargo-deb's own dev profile optimizes
    # its compressors (xz2, lzma-sys, zopfli), and packaging took 10 s.
    echo "cargo install --locked --debug cargo-deb"
    cargo install --locked --debug cargo-deb --version '^3' --quiet
fi
echo "$(cargo deb --version), $(lintian --version), $(systemd-analyze --version | head -1)"

# ---------------------------------------------------------------- build ---
step "build the package"
pkgid=$(cargo pkgid)
VERSION=${pkgid##*[#@]}
readonly VERSION
mkdir -p "$WORK/out"
build_args=(--locked --output "$WORK/out/")
[ "${SKIP_BUILD:-0}" = 1 ] && build_args+=(--no-build)
cargo deb "${build_args[@]}"
DEB=$(find "$WORK/out" -name "${PKG}_${VERSION}-1_*.deb" | head -1)
readonly DEB
[ -n "$DEB" ] || die "cargo deb made no ${PKG}_${VERSION}-1_*.deb"
ok "built $(basename "$DEB") ($(du -h "$DEB" | cut -f1))"
changelog_version=$(dpkg-parsechangelog -l deploy/deb/changelog -S Version)
check "deploy/deb/changelog's version $changelog_version is ${VERSION}-1" \
    test "$changelog_version" = "${VERSION}-1"
dpkg-deb --info "$DEB" | sed -n '/Package:/,$p' | sed 's/^/  | /'

# ---------------------------------------------------------------- lint ----
step "lintian"
# lintian refuses nothing as root, but there is no reason to give it root.
chmod 0755 "$WORK" "$WORK/out"
chmod 0644 "$DEB"
if setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
    env HOME=/tmp lintian --fail-on error,warning --display-info "$DEB"; then
    ok "lintian: no errors, no warnings"
else
    bad "lintian found errors or warnings (above)"
fi

# ---------------------------------------------------------------- units ---
step "systemd units (offline)"
dpkg-deb -x "$DEB" "$WORK/extract"
for u in "${UNITS[@]}"; do
    [ -f "$WORK/extract/usr/lib/systemd/system/$u" ] || bad "$u is not under /usr/lib/systemd/system"
done
for u in technitium-exporter.service technitium-exporter-textfile.service; do
    line=$(systemd-analyze security --offline=true --no-pager "$WORK/extract/usr/lib/systemd/system/$u" 2>&1 \
        | grep 'Overall exposure level' || true)
    score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$line")
    if [ -z "$score" ]; then
        bad "systemd-analyze security printed no score for $u"
    elif awk -v s="$score" -v t="$THRESHOLD" 'BEGIN { exit !(s <= t) }'; then
        ok "systemd-analyze security --offline=true $u: $score <= $THRESHOLD"
    else
        bad "systemd-analyze security --offline=true $u: $score > $THRESHOLD"
        systemd-analyze security --offline=true --no-pager "$WORK/extract/usr/lib/systemd/system/$u" | grep '✗' || true
    fi
done

# ------------------------------------------------------------- the root ---
step "throwaway $SUITE root"
key=$(printf '%s %s %s' "$SUITE" "$ROOT_PACKAGES" "$MIRROR" | sha256sum | cut -c1-12)
tarball="$CACHE_DIR/$SUITE-minbase-$key.tar"
mkdir -p "$CACHE_DIR"
# A root older than two weeks is rebuilt, so point releases come in; roots
# made for another package list are dropped.
find "$CACHE_DIR" -maxdepth 1 -name "$SUITE-minbase-*.tar" -mtime +14 -delete
find "$CACHE_DIR" -maxdepth 1 -name "$SUITE-minbase-*.tar" ! -name "${tarball##*/}" -delete
if [ ! -s "$tarball" ]; then
    echo "debootstrap --variant=minbase --include=$ROOT_PACKAGES $SUITE (cached afterwards in $CACHE_DIR)"
    rm -rf "$CACHE_DIR/build-root"
    debootstrap --variant=minbase --include="$ROOT_PACKAGES" "$SUITE" "$CACHE_DIR/build-root" "$MIRROR" \
        >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; die "debootstrap failed"; }
    rm -rf "$CACHE_DIR/build-root/var/cache/apt/archives/"*.deb
    tar -C "$CACHE_DIR/build-root" --numeric-owner --xattrs --acls -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$CACHE_DIR/build-root"
else
    echo "cached: $tarball"
fi
ROOT=$WORK/root
readonly ROOT
new_root() {
    rm -rf "$ROOT"
    mkdir -p "$ROOT"
    tar -C "$ROOT" --numeric-owner --xattrs --acls -xf "$tarball"
    cp "$DEB" "$ROOT/var/tmp/pkg.deb" # not /tmp: nspawn mounts a tmpfs there
}

# Files of the root, less the places that change by themselves.
snapshot() {
    (cd "$ROOT" && find . -xdev \
        \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run -o -path ./tmp \
           -o -path ./var/cache -o -path ./var/log -o -path ./var/lib/dpkg \
           -o -path ./var/lib/systemd -o -path ./var/tmp -o -path ./etc/systemd/system/multi-user.target.wants/prometheus-node-exporter.service \) -prune \
        -o -print | sort)
}
# stat inside the root, so user and group names come from its own passwd.
perms() { chroot "$ROOT" stat -c '%U:%G %a' "$1" 2>/dev/null || echo "missing"; }
expect_perms() { # PATH "USER:GROUP MODE"
    local got
    got=$(perms "$1")
    if [ "$got" = "$2" ]; then ok "$1 is $2"; else bad "$1 is $got, want $2"; fi
}
has_acl() { chroot "$ROOT" getfacl -cp "$TEXTFILE_DIR" 2>/dev/null | grep -qx "group:$PKG:rwx"; }

assert_installed() {
    local pw
    pw=$(chroot "$ROOT" getent passwd "$PKG" || true)
    if [ -z "$pw" ]; then
        bad "user $PKG exists"
    else
        IFS=: read -r _ _ uid gid _ home shell <<<"$pw"
        check "user $PKG is a system user (uid $uid < 1000)" test "$uid" -lt 1000
        check "its primary group is $PKG" test "$(chroot "$ROOT" getent group "$gid" | cut -d: -f1)" = "$PKG"
        check "its home is /nonexistent (got $home), not created" \
            sh -c "[ '$home' = /nonexistent ] && [ ! -e '$ROOT/nonexistent' ]"
        check "its shell is /usr/sbin/nologin (got $shell)" test "$shell" = /usr/sbin/nologin
    fi
    expect_perms /usr/bin/$PKG "root:root 755"
    expect_perms /etc/$PKG "root:$PKG 750"
    expect_perms /etc/$PKG/config.toml "root:$PKG 640"
    expect_perms /etc/default/$PKG "root:root 644"
    for u in "${UNITS[@]}"; do expect_perms "/usr/lib/systemd/system/$u" "root:root 644"; done
    expect_perms /usr/share/man/man1/$PKG.1.gz "root:root 644"
    expect_perms /usr/share/bash-completion/completions/$PKG "root:root 644"
    expect_perms /usr/share/zsh/vendor-completions/_$PKG "root:root 644"
    expect_perms /usr/share/fish/vendor_completions.d/$PKG.fish "root:root 644"
    expect_perms /usr/share/doc/$PKG/copyright "root:root 644"
    expect_perms /usr/share/doc/$PKG/changelog.Debian.gz "root:root 644"
    local conffiles
    conffiles=$(chroot "$ROOT" dpkg-query --control-show "$PKG" conffiles 2>/dev/null | sort | tr '\n' ' ')
    check "conffiles are /etc/default/$PKG and /etc/$PKG/config.toml (got: $conffiles)" \
        test "$conffiles" = "/etc/default/$PKG /etc/$PKG/config.toml "
    local v
    v=$(chroot "$ROOT" /usr/bin/$PKG --version 2>&1 || true)
    check "'$PKG --version' in the root says $VERSION (got: $v)" grep -qF "$VERSION" <<<"$v"
    check "$PKG.service is enabled" \
        test "$(systemctl --root="$ROOT" is-enabled $PKG.service 2>&1)" = enabled
    check "the multi-user.target.wants symlink points at the unit" \
        sh -c "readlink '$ROOT/etc/systemd/system/multi-user.target.wants/$PKG.service' | grep -q 'systemd/system/$PKG.service\$'"
    check "$PKG-textfile.timer is shipped disabled" \
        test "$(systemctl --root="$ROOT" is-enabled $PKG-textfile.timer 2>&1)" = disabled
    check "no timers.target.wants symlink for the timer" \
        test ! -e "$ROOT/etc/systemd/system/timers.target.wants/$PKG-textfile.timer"
    check "$TEXTFILE_DIR has the ACL entry group:$PKG:rwx" has_acl
    check "$TEXTFILE_DIR is still owned by root:root" test "$(perms $TEXTFILE_DIR | cut -d' ' -f1)" = root:root
}

assert_purged() { # BEFORE_SNAPSHOT_FILE
    check "dpkg no longer knows $PKG" \
        sh -c "! chroot '$ROOT' dpkg-query -W -f='\${Status}' $PKG 2>/dev/null | grep -q installed"
    check "the system user $PKG is kept (Debian practice)" sh -c "chroot '$ROOT' getent passwd $PKG >/dev/null"
    check "the ACL entry on $TEXTFILE_DIR is gone" sh -c "! chroot '$ROOT' getfacl -cp $TEXTFILE_DIR 2>/dev/null | grep -q '$PKG'"
    snapshot >"$WORK/after"
    local left
    left=$(comm -13 "$1" "$WORK/after")
    if [ -z "$left" ]; then
        ok "nothing of the package is left in the root"
    else
        bad "left after purge:"
        while IFS= read -r l; do printf '      %s\n' "$l"; done <<<"$left"
    fi
    check "no unit state left under /var/lib/systemd/deb-systemd-helper-*" \
        sh -c "! grep -rqs '$PKG' '$ROOT/var/lib/systemd/deb-systemd-helper-enabled' '$ROOT/var/lib/systemd/deb-systemd-helper-masked'"
}

# ------------------------------------------------------- dpkg in chroot ---
step "install with dpkg into the root (chroot)"
new_root
snapshot >"$WORK/before"
mount -t proc proc "$ROOT/proc"
if chroot "$ROOT" dpkg -i /var/tmp/pkg.deb >"$WORK/install.log" 2>&1; then
    ok "dpkg -i"
else
    cat "$WORK/install.log"
    die "dpkg -i failed in the root"
fi
sed 's/^/  | /' "$WORK/install.log"
check "postinst says where the token goes" grep -q "/etc/$PKG/token, then run: systemctl start $PKG" "$WORK/install.log"
assert_installed

# The units against the real root: binaries in ExecStart= etc. must exist there.
if systemd-analyze verify --man=no --root="$ROOT" "${UNITS[@]}" >"$WORK/verify.log" 2>&1 && [ ! -s "$WORK/verify.log" ]; then
    ok "systemd-analyze verify --root: ${UNITS[*]}"
else
    bad "systemd-analyze verify --root:"
    sed 's/^/      /' "$WORK/verify.log"
fi

step "reinstall (upgrade path) and a token file with loose permissions"
printf 'not-a-real-token\n' >"$ROOT/etc/$PKG/token"
chmod 0644 "$ROOT/etc/$PKG/token"
chroot "$ROOT" dpkg -i /var/tmp/pkg.deb >"$WORK/reinstall.log" 2>&1 || { cat "$WORK/reinstall.log"; die "reinstall failed"; }
ok "dpkg -i again"
check "no token hint once the token exists" sh -c "! grep -q 'write the Technitium API token' '$WORK/reinstall.log'"
expect_perms /etc/$PKG/token "root:$PKG 640"
assert_installed

step "purge (chroot)"
chroot "$ROOT" dpkg --purge "$PKG" >"$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; die "dpkg --purge failed"; }
ok "dpkg --purge"
assert_purged "$WORK/before"
umount "$ROOT/proc"

# ------------------------------------------------ under a booted systemd ---
step "under systemd: install, start, sandbox, textfile, purge (systemd-nspawn)"
# Run a command inside the container, with a clean environment.
ct() { nsenter -t "$CT_PID" -a -- /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# GET a path from a loopback port inside the container (bash /dev/tcp: no curl needed).
http_get() { # PORT PATH
    # shellcheck disable=SC2016 # expanded by the inner bash
    ct timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$0 && printf "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n" "$1" >&3 && cat <&3' "$1" "$2"
}
unit_diag() { # UNIT: status and log, for a failure
    ct systemctl status --no-pager --lines=0 "$1" 2>&1 | sed 's/^/      /' || true
    ct journalctl --no-pager -o cat -n 30 -u "$1" 2>&1 | sed 's/^/      /' || true
}
wait_active() { # UNIT: active within 10 s and still active 2 s later (no crash loop)
    local s
    for _ in $(seq 1 20); do
        s=$(ct systemctl is-active "$1" 2>/dev/null || true)
        [ "$s" = active ] && break
        sleep 0.5
    done
    sleep 2
    [ "$(ct systemctl is-active "$1" 2>/dev/null || true)" = active ] \
        && [ "$(ct systemctl show -P NRestarts "$1")" = 0 ]
}
wait_metrics() { # PATTERN: /metrics on :9274 matches within 10 s
    for _ in $(seq 1 20); do
        http_get 9274 /metrics 2>/dev/null | grep -Eq "$1" && return 0
        sleep 0.5
    done
    return 1
}

boot_skip_reason=
new_root
snapshot >"$WORK/before"
systemd-nspawn --quiet --register=no --keep-unit --private-network --boot \
    --directory="$ROOT" --machine=technitium-ci --console=pipe \
    </dev/null >"$WORK/nspawn.log" 2>&1 &
NSPAWN_PID=$!
CT_PID=
for _ in $(seq 1 60); do
    kill -0 "$NSPAWN_PID" 2>/dev/null || break
    CT_PID=$(pgrep -P "$NSPAWN_PID" | head -1 || true)
    if [ -n "$CT_PID" ]; then
        st=$(ct systemctl is-system-running 2>/dev/null || true)
        case "$st" in running|degraded) break ;; esac
    fi
    sleep 0.5
done
st=
[ -n "$CT_PID" ] && st=$(ct systemctl is-system-running 2>/dev/null || true)
case "$st" in
    running|degraded) ok "booted $SUITE under systemd-nspawn: $st" ;;
    *) boot_skip_reason="systemd-nspawn could not boot the root (state '${st:-none}'): $(tail -3 "$WORK/nspawn.log" | tr '\n' ' ')" ;;
esac

if [ -n "$boot_skip_reason" ]; then
    stop_container
    printf '\n  SKIPPED: the units were NOT run under a systemd manager: %s\n' "$boot_skip_reason"
    printf '  The offline checks above still ran; a sandbox setting that kills the binary would go unnoticed.\n'
else
    ct dpkg -i /var/tmp/pkg.deb >"$WORK/ct-install.log" 2>&1 || { cat "$WORK/ct-install.log"; bad "dpkg -i under systemd"; }
    check "installed under a running systemd" grep -q "Setting up $PKG" "$WORK/ct-install.log"
    check "$PKG.service is enabled" test "$(ct systemctl is-enabled $PKG.service)" = enabled
    check "$PKG.service was not started by the install" \
        test "$(ct systemctl is-active $PKG.service || true)" = inactive
    check "$PKG-textfile.timer is disabled and inactive" \
        test "$(ct systemctl is-enabled $PKG-textfile.timer || true)/$(ct systemctl is-active $PKG-textfile.timer || true)" = disabled/inactive

    # No token yet: the service must run and say so in its metrics.
    ct systemctl start $PKG.service || true
    if wait_active $PKG.service; then
        ok "$PKG.service runs under its sandbox without a token"
    else
        bad "$PKG.service does not stay up without a token"; unit_diag $PKG.service
    fi
    if wait_metrics '^technitium_up 0'; then
        ok "/metrics on :9274 says technitium_up 0 without a token"
        http_get 9274 /metrics | grep -E '^technitium_(up|scrape_error)' | sed 's/^/      /' || true
    else
        bad "/metrics on :9274 without a token"; unit_diag $PKG.service
    fi

    # The demo server behind the same sandbox: a full scrape, then a reload.
    # A token file as the admin writes it (the demo ignores its value).
    ct sh -c "umask 027 && printf 'ci-dummy-token\n' > /etc/$PKG/token && chgrp $PKG /etc/$PKG/token"
    sed -i 's/^ARGS=.*/ARGS="--demo"/; s/^TEXTFILE_ARGS=.*/TEXTFILE_ARGS="--demo"/' "$ROOT/etc/default/$PKG" || true
    ct systemctl restart $PKG.service || true
    if wait_active $PKG.service && wait_metrics '^technitium_up 1'; then
        ok "$PKG.service with --demo: technitium_up 1, $(http_get 9274 /metrics | grep -c '^technitium_') technitium_* series"
    else
        bad "$PKG.service with --demo"; unit_diag $PKG.service
    fi
    # process_* comes from /proc/self; ProcSubset=pid hides /proc/stat, where
    # a naive start time computation finds the boot time.
    start_line=$(http_get 9274 /metrics 2>/dev/null | grep '^process_start_time_seconds ' || true)
    check "process_start_time_seconds is a real time under ProcSubset=pid (${start_line:-absent})" \
        awk -v l="$start_line" 'BEGIN { split(l, a, " "); exit !(a[2] > 1000000000) }'
    pid=$(ct systemctl show -P MainPID $PKG.service)
    ct systemctl reload $PKG.service || bad "systemctl reload $PKG.service"
    sleep 1
    check "reload (SIGHUP) keeps the same process running" \
        test "$(ct systemctl show -P MainPID $PKG.service)/$(ct systemctl is-active $PKG.service || true)" = "$pid/active"
    check "the service runs as $PKG" test "$(ct ps -o user= -p "$pid" 2>/dev/null | tr -d ' ')" = "$PKG"
    check "the token is handed over as a credential, not a flag" \
        sh -c "! nsenter -t '$CT_PID' -a cat /proc/$pid/cmdline | tr '\0' ' ' | grep -q token"
    check "the credential technitium-token is in place for the service" \
        ct test -e /run/credentials/$PKG.service/technitium-token
    ct systemctl stop $PKG.service || true

    # The textfile unit: write access through the ACL, node_exporter reads it.
    if ct systemctl start $PKG-textfile.service; then
        ok "$PKG-textfile.service ran: $(ct systemctl show -P Result $PKG-textfile.service)"
    else
        bad "$PKG-textfile.service failed"; unit_diag $PKG-textfile.service
    fi
    expect_perms $TEXTFILE_DIR/technitium.prom "$PKG:$PKG 644"
    check "technitium.prom holds technitium_up 1" grep -q '^technitium_up 1' "$ROOT$TEXTFILE_DIR/technitium.prom"
    node=$(http_get 9100 /metrics 2>/dev/null || true)
    check "node_exporter serves technitium_up from the file" grep -q '^technitium_up 1' <<<"$node"
    check "node_exporter reports node_textfile_scrape_error 0" grep -q '^node_textfile_scrape_error 0' <<<"$node"
    ct systemctl enable --now $PKG-textfile.timer >/dev/null 2>&1 || true
    check "$PKG-textfile.timer can be enabled and waits" \
        test "$(ct systemctl is-active $PKG-textfile.timer || true)" = active

    # Purge under the running manager: units stopped, disabled, forgotten.
    ct dpkg --purge $PKG >"$WORK/ct-purge.log" 2>&1 || { cat "$WORK/ct-purge.log"; bad "dpkg --purge under systemd"; }
    check "nothing of ours runs after purge" \
        sh -c "! nsenter -t '$CT_PID' -a pgrep -f /usr/bin/$PKG >/dev/null"
    check "systemd no longer has $PKG.service" \
        test "$(ct systemctl show -P LoadState $PKG.service)" = not-found
    check "technitium.prom is removed" test ! -e "$ROOT$TEXTFILE_DIR/technitium.prom"
    stop_container
    assert_purged "$WORK/before"
fi

# ---------------------------------------------------------------- result ---
step "done"
if [ "$failures" -gt 0 ]; then
    echo "ci-package: $failures check(s) failed"
    exit 1
fi
echo "ci-package: all checks passed"

#!/usr/bin/env bash
# scripts/build-image.sh — build the container image described by ./Containerfile.
#
#  1. builds the release binary with glibc linked statically
#     (RUSTFLAGS=-C target-feature=+crt-static, --target <host triple>, so the output goes to
#     target/<host triple>/release and the .deb's dynamic target/release build is untouched);
#     refuses a glibc older than 2.34, whose static builds cannot resolve names without NSS
#     modules (the Containerfile's header explains the choice);
#  2. checks that the binary has no ELF interpreter (it runs on an empty base);
#  3. assembles the build context in target/image/context: the binary, the CA bundle,
#     passwd/group (technitium-exporter, 65532) and nsswitch.conf, all root-owned in the image;
#  4. builds FROM scratch with podman, docker or buildah (nothing is pulled), labelled with the
#     version and git revision, tagged <name>:<version> and <name>:latest.
#
# Usage: scripts/build-image.sh [--bin PATH] [--name NAME] [--engine podman|docker|buildah]
#   --bin PATH    package this binary instead of building one (it must be statically linked)
#   --name NAME   image name (default localhost/technitium-exporter)
#   --engine E    the builder (default $CONTAINER_ENGINE, else podman, docker, buildah: the first
#                 one installed)
# Environment: CA_BUNDLE (default: the first of /etc/ssl/certs/ca-certificates.crt,
# /etc/pki/tls/certs/ca-bundle.crt, /etc/ssl/cert.pem), CARGO_TARGET_DIR.
# Prints the image reference on the last line of stdout.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly UID_GID=65532
bin=
name=localhost/technitium-exporter
engine=${CONTAINER_ENGINE:-}

die() { printf 'build-image: %s\n' "$*" >&2; exit 1; }
while (($#)); do
    case $1 in
        --bin) bin=${2:?--bin needs a path}; shift 2 ;;
        --name) name=${2:?--name needs an image name}; shift 2 ;;
        --engine) engine=${2:?--engine needs podman, docker or buildah}; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-image: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [[ -z $engine ]]; then
    for e in podman docker buildah; do
        if command -v "$e" >/dev/null 2>&1; then engine=$e; break; fi
    done
    [[ -n $engine ]] || die "no container builder found: install podman (apt-get install podman), docker or buildah"
fi
case $engine in
    podman | docker | buildah) command -v "$engine" >/dev/null 2>&1 || die "$engine is not installed" ;;
    *) die "--engine must be podman, docker or buildah, not $engine" ;;
esac

target_dir=${CARGO_TARGET_DIR:-$root/target}

# 1. The static binary.
if [[ -z $bin ]]; then
    command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (https://rustup.rs)"
    triple=$(rustc -vV | sed -n 's/^host: //p')
    [[ $triple == *-linux-gnu* ]] || die "the image is built on a glibc Linux host; this one is $triple"
    glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
    [[ -n $glibc ]] || die "cannot tell the glibc version (getconf GNU_LIBC_VERSION)"
    IFS=. read -r major minor _ <<<"$glibc"
    if ((major < 2 || (major == 2 && minor < 34))); then
        die "glibc $glibc is older than 2.34: its static builds need NSS modules to resolve names; build on Debian 12, Ubuntu 22.04 or later"
    fi
    echo "build-image: building the static release binary for $triple (glibc $glibc)" >&2
    built=$SECONDS
    (cd "$root" && RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C target-feature=+crt-static" \
        cargo build --release --locked --target "$triple")
    bin=$target_dir/$triple/release/technitium-exporter
    echo "build-image: binary built in $((SECONDS - built))s" >&2
fi
[[ -x $bin ]] || die "$bin is not an executable"

# 2. No PT_INTERP (program header type 3) in a 64-bit little-endian ELF: no loader, no libraries.
elf_u() { od -An -t "u$2" -j "$1" -N "$2" "$bin" | tr -d ' '; }
[[ $(od -An -c -N 4 "$bin" | tr -d ' ') == 177ELF ]] || die "$bin is not an ELF executable"
[[ $(elf_u 4 1) == 2 && $(elf_u 5 1) == 1 ]] || die "$bin is not a 64-bit little-endian ELF"
phoff=$(elf_u 32 8) phentsize=$(elf_u 54 2) phnum=$(elf_u 56 2)
for ((i = 0; i < phnum; i++)); do
    if [[ $(elf_u $((phoff + i * phentsize)) 4) == 3 ]]; then
        die "$bin is dynamically linked (it names an ELF interpreter); the image has no libraries: build it with RUSTFLAGS='-C target-feature=+crt-static' or leave out --bin"
    fi
done
version=$("$bin" --version | awk '{print $2}')
[[ -n $version ]] || die "$bin --version printed no version"

# 3. The build context.
ca=${CA_BUNDLE:-}
if [[ -z $ca ]]; then
    for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
        if [[ -s $f ]]; then ca=$f; break; fi
    done
fi
[[ -n $ca && -s $ca ]] || die "no CA bundle found: install ca-certificates or set CA_BUNDLE"
grep -q 'BEGIN CERTIFICATE' "$ca" || die "$ca holds no PEM certificate"

ctx=$target_dir/image/context
rm -rf "$ctx"
install -d -m 0755 "$ctx" "$ctx/etc" "$ctx/etc/ssl" "$ctx/etc/ssl/certs"
install -m 0755 "$bin" "$ctx/technitium-exporter"
install -m 0644 "$ca" "$ctx/etc/ssl/certs/ca-certificates.crt"
write() { # write PATH: stdin to PATH, mode 0644
    install -m 0644 /dev/stdin "$ctx/$1"
}
write etc/passwd <<EOF
root:x:0:0:root:/nonexistent:/nonexistent
technitium-exporter:x:$UID_GID:$UID_GID:technitium-exporter:/nonexistent:/nonexistent
EOF
write etc/group <<EOF
root:x:0:
technitium-exporter:x:$UID_GID:
EOF
# glibc's built-in sources only: /etc/hosts first (what --add-host and compose write), then DNS.
write etc/nsswitch.conf <<'EOF'
passwd: files
group:  files
hosts:  files dns
EOF

# 4. The image.
revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
args=(-f "$root/Containerfile" --build-arg "VERSION=$version" --build-arg "REVISION=$revision"
    -t "$name:$version" -t "$name:latest" "$ctx")
echo "build-image: building $name:$version with $engine" >&2
built=$SECONDS
case $engine in
    podman) podman build --format oci "${args[@]}" >&2 ;;
    buildah) buildah build --format oci "${args[@]}" >&2 ;;
    docker) docker build "${args[@]}" >&2 ;;
esac
echo "build-image: image built in $((SECONDS - built))s" >&2
echo "$name:$version"

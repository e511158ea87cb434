#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (deny.toml says what is allowed and why): licenses, bans
# (no OpenSSL, no wildcard versions) and sources (crates.io only) always; RustSec advisories
# (vulnerable, unsound, unmaintained or yanked crates) when a copy of the advisory database is
# given, because the database is a git repository on GitHub, which this network cannot reach.
# Without one, the advisories check is reported as not run, never as passed.
#
# Usage: scripts/audit.sh [--advisory-db DIR]
#   --advisory-db DIR   a clone of the RustSec advisory database (github.com/rustsec/advisory-db);
#                       also TECHNITIUM_EXPORTER_ADVISORY_DB
# Installs cargo-deny from crates.io when the pinned version is not already installed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

db=${TECHNITIUM_EXPORTER_ADVISORY_DB:-}
while (($#)); do
    case $1 in
        --advisory-db) db=${2:?--advisory-db needs a directory}; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "audit: unknown argument: $1" >&2; exit 2 ;;
    esac
done

deny_version=0.20.2
if [[ $(cargo deny --version 2>/dev/null) != "cargo-deny $deny_version" ]]; then
    # --debug: the tool runs for seconds on one lock file; its release profile (fat LTO, one
    # codegen unit) took 3 min 59 s to build on 2 cores, --debug 1 min 39 s.
    cargo install --locked --debug cargo-deny --version "$deny_version"
fi

cargo deny --locked check --hide-inclusion-graph licenses bans sources

if [[ -z $db ]]; then
    echo "audit: advisories NOT checked: no RustSec database here (pass --advisory-db DIR or set TECHNITIUM_EXPORTER_ADVISORY_DB; RELIABILITY.md has the last result)"
    exit 0
fi
[[ -d $db ]] || { echo "audit: advisory database $db is not a directory" >&2; exit 1; }
# cargo-deny looks for the database under db-path in a directory named after the URL; a
# temporary db-path holding a clone of DB lets it run offline against exactly that copy.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$db" "$work/advisory-db-3157b0e258782691"
sed "s|^db-urls = .*|&\ndb-path = \"$work\"|" deny.toml >"$work/deny.toml"
echo "audit: advisory database $(git -C "$work/advisory-db-3157b0e258782691" log -1 --format='%H of %cs')"
cargo deny --locked --offline --config "$work/deny.toml" check --hide-inclusion-graph advisories

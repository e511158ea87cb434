# shellcheck shell=bash
# What the check scripts share; sourced, never run:
#   step TEXT                 a heading, with the seconds since the script started
#   ok TEXT, bad TEXT         one check's result; bad counts it in $failures
#   check TEXT COMMAND...     runs COMMAND and reports ok or bad
#   free_port                 a free TCP port on 127.0.0.1 (with $python, else python3)
# and requests to loopback never go through a proxy from the environment.

started=$SECONDS
failures=0
step() { printf '\n==> %s (%ds)\n' "$*" "$((SECONDS - started))"; }
ok() { printf '  ok: %s\n' "$*"; }
bad() {
    printf '  FAIL: %s\n' "$*" >&2
    failures=$((failures + 1))
}
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}
free_port() {
    "${python:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

#!/usr/bin/env bash
# Checks the Prometheus rules in contrib/prometheus with promtool:
#   promtool check rules   (syntax, templates, duplicate rules)
#   promtool test rules    (contrib/prometheus/*_test.yml unit tests)
# promtool comes with Debian's prometheus package:
#   apt-get install -y --no-install-recommends prometheus
# A missing promtool is an error, never a skip.
# Environment: PROMTOOL (default: promtool on PATH, else /usr/bin/promtool).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$root/contrib/prometheus"

promtool=${PROMTOOL:-$(command -v promtool || echo /usr/bin/promtool)}
if [[ ! -x $promtool ]]; then
    echo "check-rules: promtool not found (install it: apt-get install -y --no-install-recommends prometheus)" >&2
    exit 1
fi

shopt -s nullglob
tests=("$dir"/*_test.yml)
rules=()
for f in "$dir"/*.yml; do
    [[ $f == *_test.yml ]] || rules+=("$f")
done
((${#rules[@]})) || { echo "check-rules: no rules files in $dir" >&2; exit 1; }
((${#tests[@]})) || { echo "check-rules: no *_test.yml files in $dir" >&2; exit 1; }

echo "check-rules: $("$promtool" --version 2>&1 | head -n 1)"
"$promtool" check rules "${rules[@]}"
"$promtool" test rules "${tests[@]}"

# shellcheck shell=bash
# What the metric checks need to know about the collectors; sourced, never run:
#   every_collector BIN   the flags that turn every collector on, one `--collector.NAME` a line,
#                         in the order BIN's `scrape --help` lists them (the registry's). Read from
#                         the binary, so a new collector is checked without editing a list here;
#                         fails when the help lists none.
every_collector() {
    local names
    names=$("$1" scrape --help | grep -oE -- '--no-collector\.[a-z0-9_]+' | sed 's/^--no-/--/' | awk '!seen[$0]++') || true
    if [[ -z $names ]]; then
        echo "$1 scrape --help lists no --no-collector.NAME flag: cannot tell which collectors there are" >&2
        return 1
    fi
    printf '%s\n' "$names"
}

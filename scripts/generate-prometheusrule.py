#!/usr/bin/env python3
"""Writes deploy/kubernetes/components/prometheus-operator/prometheusrule.yaml from
contrib/prometheus/alerts.yml: the Prometheus Operator's PrometheusRule whose spec is the rules
file's `groups:` block, copied line for line (comments included) and indented by two spaces.

    python3 scripts/generate-prometheusrule.py           # write it
    python3 scripts/generate-prometheusrule.py --check   # exit 1 with a diff when it is stale

Only the standard library: the copy is textual, so the PrometheusRule holds exactly the YAML
that promtool tests in contrib/prometheus. scripts/check-kubernetes.sh also compares the two
structurally after kustomize has rendered the rule, and tests/integration/kubernetes.rs compares
them textually, so `cargo test` alone notices a stale file.
"""

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("contrib/prometheus/alerts.yml")
TARGET = Path("deploy/kubernetes/components/prometheus-operator/prometheusrule.yaml")

HEADER = f"""\
# GENERATED from {SOURCE} by scripts/generate-prometheusrule.py: do not edit.
# After changing the rules, run `python3 scripts/generate-prometheusrule.py` and commit both
# files (CI fails while they differ). spec.groups is the rules file's groups, line for line.
#
# Prometheus picks this up when its ruleSelector matches these labels (kube-prometheus-stack
# selects `release: <its release name>` by default: add that label in an overlay).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: technitium-exporter
  labels:
    app.kubernetes.io/name: technitium-exporter
    app.kubernetes.io/component: exporter
spec:
"""


def groups_block(text: str) -> list[str]:
    """The lines of the rules file from its top-level `groups:` key to the end.

    Refuses a file whose only top-level key is not `groups` (a second key would be left out of
    the PrometheusRule, or land inside its spec)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.rstrip() == "groups:"]
    if len(starts) != 1:
        sys.exit(f"generate-prometheusrule: {SOURCE} must have one top-level `groups:` line")
    for i, line in enumerate(lines):
        top_level = line[:1] not in ("", " ", "#")
        if top_level and i != starts[0]:
            sys.exit(
                f"generate-prometheusrule: {SOURCE}:{i + 1}: a top-level line other than "
                f"`groups:` ({line!r}); a PrometheusRule's spec holds only the groups"
            )
        if "\t" in line[: len(line) - len(line.lstrip())]:
            sys.exit(f"generate-prometheusrule: {SOURCE}:{i + 1}: a tab in the indentation")
    return lines[starts[0] :]


def render(text: str) -> str:
    body = ["  " + line if line else "" for line in groups_block(text)]
    while body and not body[-1]:
        body.pop()
    return HEADER + "\n".join(body) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when stale")
    args = parser.parse_args()
    want = render((ROOT / SOURCE).read_text(encoding="utf-8"))
    target = ROOT / TARGET
    if args.check:
        have = target.read_text(encoding="utf-8") if target.exists() else ""
        if have == want:
            print(f"generate-prometheusrule: {TARGET} is current")
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                have.splitlines(keepends=True),
                want.splitlines(keepends=True),
                str(TARGET),
                f"{TARGET} (generated)",
            )
        )
        print(
            f"generate-prometheusrule: {TARGET} is stale: "
            "run python3 scripts/generate-prometheusrule.py and commit it",
            file=sys.stderr,
        )
        return 1
    target.write_text(want, encoding="utf-8")
    print(f"generate-prometheusrule: wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

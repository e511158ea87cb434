#!/usr/bin/env python3
"""Checks deploy/compose/compose.yaml without running it (CI cannot pull its images).

Used by scripts/check-image.sh, after `docker-compose config -q` has validated the file against
the Compose schema. Needs PyYAML.

  - the four services are there, with the expected images;
  - the exporter runs hardened (read-only, no capabilities, the image's numeric user) and gets
    its token from the compose secret at /run/secrets/technitium-token, the Technitium URL
    naming the technitium service;
  - every bind-mount source exists (the token is created by the user: only its directory);
  - Prometheus mounts every shipped rule file (contrib/prometheus/*.yml but *_test.yml) and its
    configuration from deploy/compose, the rule_files globs match the mounted rules, and the
    scrape target names the exporter service; then the container's /etc/prometheus is rebuilt
    from the bind mounts (symlinks to the sources) and `promtool check config` runs on it, so
    the configuration and the rules are checked exactly as the container would load them;
  - Grafana mounts every shipped dashboard (contrib/grafana/*.json) under the provisioning
    provider's path, and its provisioned data source is the prometheus service;
  - nothing under deploy/compose is a copy of a shipped rule file or dashboard.

Usage: check_compose.py --repo ROOT --promtool PATH --work DIR
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path

import yaml

failures = 0


def ok(msg: str) -> None:
    print(f"  ok: {msg}")


def bad(msg: str) -> None:
    global failures
    failures += 1
    print(f"  FAIL: {msg}", file=sys.stderr)


def check(cond: bool, msg: str) -> bool:
    (ok if cond else bad)(msg)
    return cond


def binds(service: dict, base: Path) -> list[tuple[Path, str]]:
    """(host source, container target) of a service's bind mounts, short or long syntax."""
    out = []
    for v in service.get("volumes", []) or []:
        if isinstance(v, str):
            parts = v.split(":")
            src, dst = parts[0], parts[1] if len(parts) > 1 else parts[0]
            if not (src.startswith(".") or src.startswith("/") or src.startswith("~")):
                continue  # a named volume
        elif v.get("type") == "bind":
            src, dst = v["source"], v["target"]
        else:
            continue
        out.append(((base / os.path.expanduser(src)).resolve(), dst))
    return out


def command_flags(service: dict) -> dict[str, str]:
    cmd = service.get("command", [])
    if isinstance(cmd, str):
        cmd = cmd.split()
    flags, i = {}, 0
    while i < len(cmd):
        arg = cmd[i]
        if arg.startswith("--") and "=" in arg:
            k, v = arg.split("=", 1)
            flags[k] = v
        elif arg.startswith("--") and i + 1 < len(cmd) and not cmd[i + 1].startswith("--"):
            flags[arg] = cmd[i + 1]
            i += 1
        i += 1
    return flags


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True, type=Path)
    ap.add_argument("--promtool", required=True)
    ap.add_argument("--work", required=True, type=Path)
    a = ap.parse_args()
    repo = a.repo.resolve()
    base = repo / "deploy" / "compose"
    compose = yaml.safe_load((base / "compose.yaml").read_text())
    services = compose.get("services", {})

    # Services and images.
    want = {
        "technitium": "technitium/dns-server",
        "exporter": "technitium-exporter",
        "prometheus": "prom/prometheus",
        "grafana": "grafana/grafana",
    }
    for name, image in want.items():
        s = services.get(name)
        if not check(s is not None, f"service {name} is defined"):
            return 1
        # ${VAR:-default}: the default is what runs unless the user overrides it.
        ref = re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", str(s.get("image", "")))
        check(image in ref, f"service {name} runs {image} ({ref})")

    # The exporter.
    ex = services["exporter"]
    flags = command_flags(ex)
    check((ex.get("command") or [None])[0] == "serve", "exporter runs serve")
    m = re.search(r"^\s*USER\s+(\S+)", (repo / "Containerfile").read_text(), re.M)
    image_user = m.group(1) if m else None
    check(str(ex.get("user")) == image_user, f"exporter user {ex.get('user')} is the image's USER {image_user}")
    check(ex.get("read_only") is True, "exporter has a read-only root filesystem")
    check("ALL" in (ex.get("cap_drop") or []), "exporter drops all capabilities")
    check("no-new-privileges:true" in (ex.get("security_opt") or []), "exporter sets no-new-privileges")
    url = flags.get("--technitium.url", "")
    host = re.match(r"https?://([^:/]+)", url)
    check(bool(host) and host.group(1) in services, f"--technitium.url {url} names a compose service")
    secret_names = [s if isinstance(s, str) else s.get("source") for s in ex.get("secrets", []) or []]
    check("technitium-token" in secret_names, "exporter gets the technitium-token secret")
    check(flags.get("--technitium.token-file") == "/run/secrets/technitium-token",
          "exporter reads its token from /run/secrets/technitium-token")
    sec = (compose.get("secrets") or {}).get("technitium-token") or {}
    token_file = (base / sec.get("file", "")).resolve() if sec.get("file") else None
    check(token_file is not None and token_file.parent.is_dir(),
          f"the technitium-token secret is a file in an existing directory ({token_file})")
    for name, s in services.items():
        for src, dst in binds(s, base):
            check(src.exists(), f"{name}: bind source {src.relative_to(repo) if src.is_relative_to(repo) else src} exists (-> {dst})")

    # Prometheus: its configuration, the shipped rules, then promtool on the container's view.
    prom = services["prometheus"]
    pflags = command_flags(prom)
    config_target = pflags.get("--config.file", "/etc/prometheus/prometheus.yml")
    prom_binds = binds(prom, base)
    config_src = next((s for s, d in prom_binds if d == config_target), None)
    check(config_src == (base / "prometheus.yml").resolve(),
          f"prometheus loads deploy/compose/prometheus.yml as {config_target}")
    shipped_rules = sorted(p.resolve() for p in (repo / "contrib" / "prometheus").glob("*.yml")
                           if not p.name.endswith("_test.yml"))
    check(bool(shipped_rules), "contrib/prometheus has rule files")
    config_dir = posixpath.dirname(config_target)
    pconf = yaml.safe_load(config_src.read_text()) if config_src else {}
    globs = [g if g.startswith("/") else posixpath.join(config_dir, g) for g in pconf.get("rule_files", [])]
    for rule in shipped_rules:
        targets = [d for s, d in prom_binds if s == rule]
        if check(bool(targets), f"prometheus mounts the shipped {rule.relative_to(repo)} (not a copy)"):
            check(any(fnmatch.fnmatch(t, g) for t in targets for g in globs),
                  f"{targets[0]} is matched by rule_files {pconf.get('rule_files')}")
    scrape_targets = [t for j in pconf.get("scrape_configs", []) for sc in j.get("static_configs", [])
                      for t in sc.get("targets", [])]
    check("exporter:9274" in scrape_targets, f"prometheus scrapes the exporter service ({scrape_targets})")

    view = a.work / "prometheus-view"
    for src, dst in prom_binds:
        if dst == config_dir or dst.startswith(config_dir + "/"):
            link = view / posixpath.relpath(dst, config_dir)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(src)
    view_config = view / posixpath.relpath(config_target, config_dir)
    res = subprocess.run([a.promtool, "check", "config", str(view_config)], capture_output=True, text=True)
    out = (res.stdout + res.stderr).strip()
    found = re.search(r"SUCCESS: (\d+) rule files found", out)
    if check(res.returncode == 0, "promtool check config passes on the container's /etc/prometheus"):
        check(bool(found) and int(found.group(1)) == len(shipped_rules),
              f"promtool loaded {found.group(1) if found else 0} rule file(s), {len(shipped_rules)} shipped")
    for line in out.splitlines():
        print(f"    promtool: {line}")

    # Grafana: the provisioned data source and the shipped dashboards.
    gr = services["grafana"]
    gr_binds = binds(gr, base)

    def provisioning(kind: str) -> list[dict]:
        docs = []
        for src, dst in gr_binds:
            if dst.rstrip("/") == f"/etc/grafana/provisioning/{kind}" and src.is_dir():
                for f in sorted(src.glob("*.y*ml")):
                    docs.append(yaml.safe_load(f.read_text()))
        return docs

    sources = [d for doc in provisioning("datasources") for d in doc.get("datasources", [])]
    check(any(d.get("type") == "prometheus" and d.get("url") == "http://prometheus:9090" and d.get("isDefault")
              for d in sources), "grafana's default data source is the prometheus service")
    providers = [p for doc in provisioning("dashboards") for p in doc.get("providers", [])]
    paths = [p.get("options", {}).get("path", "") for p in providers if p.get("type", "file") == "file"]
    check(bool(paths), f"grafana has a file dashboard provider ({paths})")
    shipped_dashboards = sorted(p.resolve() for p in (repo / "contrib" / "grafana").glob("*.json"))
    check(bool(shipped_dashboards), "contrib/grafana has dashboards")
    for dash in shipped_dashboards:
        targets = [d for s, d in gr_binds if s == dash]
        if check(bool(targets), f"grafana mounts the shipped {dash.relative_to(repo)} (not a copy)"):
            check(any(t.startswith(p.rstrip("/") + "/") for t in targets for p in paths),
                  f"{targets[0]} is under the provider path")
        d = json.loads(dash.read_text())
        check(not d.get("__inputs"), f"{dash.name} asks for no import inputs (file provisioning cannot fill them)")
    home = (gr.get("environment") or {}).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        check(home in [d for _, d in gr_binds], f"the home dashboard {home} is a mounted dashboard")

    # No copies of the shipped files anywhere in deploy/compose.
    shipped = {p.read_bytes(): p for p in shipped_rules + shipped_dashboards}
    copies = [f for f in base.rglob("*") if f.is_file() and f.read_bytes() in shipped]
    check(not copies, "deploy/compose holds no copy of a shipped rule file or dashboard"
          + (f": {', '.join(str(c) for c in copies)}" if copies else ""))

    if failures:
        print(f"check-compose: {failures} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

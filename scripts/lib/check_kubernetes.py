#!/usr/bin/env python3
"""Checks what `kubectl kustomize` rendered from each variant under deploy/kubernetes.

Used by scripts/check-kubernetes.sh, which renders the variants, then validates the core objects
this writes out with kubernetes-validate and the rules with promtool. Needs PyYAML.

For each rendered variant:
  - no Secret: the token's Secret is created with kubectl, never rendered from the repository;
  - every object is a known kind: core objects (v1, apps/v1, ...) go to WORK/NAME/core.yaml for
    kubernetes-validate; of the Prometheus Operator's, PrometheusRule, ServiceMonitor and
    ScrapeConfig are checked here (kubernetes-validate has no schema for them), any other
    custom kind fails, so a new one gets a check;
  - the Service selects the Deployment's pods, and its target port is a named container port;
    the Deployment's ConfigMap volumes name a rendered ConfigMap;
  - a PrometheusRule's spec holds exactly the groups of contrib/prometheus/alerts.yml, compared
    as data after kustomize's round trip; its groups are written to WORK/NAME/alerts.yml, next
    to a copy of contrib/prometheus/alerts_test.yml, for `promtool check rules` and
    `promtool test rules`;
  - a ServiceMonitor selects one rendered Service in its namespace, names a port of it, and
    scrapes /metrics or /probe (a /probe endpoint with a `target` parameter);
  - a ScrapeConfig's http_sd URL is a rendered Service's /sd at its cluster DNS name (the
    overlay's namespace), and it sets a job that the alerts' job=~"technitium.*" matches.
Also every ```yaml block of deploy/kubernetes/README.md parses.

Usage: check_kubernetes.py --repo ROOT --work DIR NAME=RENDERED.yaml...
Prints the core.yaml and alerts_test.yml paths it wrote, one "core PATH" / "rules PATH" a line,
on stdout after the checks; exits 1 when a check failed.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import yaml

failures = 0
RULES = Path("contrib/prometheus/alerts.yml")
RULE_TESTS = Path("contrib/prometheus/alerts_test.yml")
OPERATOR_KINDS = {"PrometheusRule", "ServiceMonitor", "ScrapeConfig"}


def ok(msg: str) -> None:
    print(f"  ok: {msg}", file=sys.stderr)


def bad(msg: str) -> None:
    global failures
    failures += 1
    print(f"  FAIL: {msg}", file=sys.stderr)


def check(cond: bool, msg: str) -> bool:
    (ok if cond else bad)(msg)
    return cond


def is_core(api_version: str) -> bool:
    """v1, apps/v1, policy/v1, networking.k8s.io/v1: Kubernetes' own groups."""
    if "/" not in api_version:
        return True
    group = api_version.split("/", 1)[0]
    return "." not in group or group.endswith(".k8s.io")


def name_of(obj: dict) -> str:
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


def namespace_of(obj: dict) -> str | None:
    return obj.get("metadata", {}).get("namespace")


def selects(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_workloads(variant: str, objs: list[dict]) -> None:
    deployments = [o for o in objs if o.get("kind") == "Deployment"]
    services = [o for o in objs if o.get("kind") == "Service"]
    config_maps = {o["metadata"]["name"] for o in objs if o.get("kind") == "ConfigMap"}
    for dep in deployments:
        pod = dep["spec"]["template"]
        labels = pod.get("metadata", {}).get("labels", {})
        ports = {
            p.get("name")
            for c in pod["spec"].get("containers", [])
            for p in c.get("ports", [])
            if p.get("name")
        }
        check(
            selects(dep["spec"]["selector"].get("matchLabels", {}), labels),
            f"{variant}: {name_of(dep)} selects its own pods",
        )
        for svc in services:
            if not selects(svc["spec"].get("selector", {}), labels):
                continue
            ok(f"{variant}: {name_of(svc)} selects the pods of {name_of(dep)}")
            for p in svc["spec"].get("ports", []):
                target = p.get("targetPort")
                check(
                    target in ports or target == p.get("port"),
                    f"{variant}: {name_of(svc)} port {p.get('name')} targets container port {target}",
                )
        for vol in pod["spec"].get("volumes", []):
            if "configMap" in vol:
                check(
                    vol["configMap"]["name"] in config_maps,
                    f"{variant}: volume {vol['name']} names the rendered ConfigMap {vol['configMap']['name']}",
                )
    check(bool(deployments), f"{variant}: renders a Deployment")
    check(bool(services), f"{variant}: renders a Service")


def check_prometheus_rule(variant: str, rule: dict, repo: Path, out: Path) -> Path | None:
    want = yaml.safe_load((repo / RULES).read_text(encoding="utf-8"))
    spec = rule.get("spec", {})
    same = check(
        spec == {"groups": want["groups"]},
        f"{variant}: {name_of(rule)} holds exactly the groups of {RULES} ({len(want['groups'])} groups, "
        f"{sum(len(g['rules']) for g in want['groups'])} rules)",
    )
    if not same:
        have = {g.get("name"): g for g in spec.get("groups", [])}
        for g in want["groups"]:
            if have.get(g["name"]) != g:
                bad(f"{variant}: group {g['name']} differs (run python3 scripts/generate-prometheusrule.py)")
    out.mkdir(parents=True, exist_ok=True)
    (out / "alerts.yml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    shutil.copy(repo / RULE_TESTS, out / RULE_TESTS.name)
    return out / RULE_TESTS.name


def check_service_monitor(variant: str, sm: dict, objs: list[dict]) -> None:
    ns = namespace_of(sm)
    selector = sm["spec"].get("selector", {}).get("matchLabels", {})
    services = [
        o
        for o in objs
        if o.get("kind") == "Service"
        and namespace_of(o) == ns
        and selects(selector, o.get("metadata", {}).get("labels", {}))
    ]
    if not check(len(services) == 1, f"{variant}: {name_of(sm)} selects one Service ({len(services)})"):
        return
    ports = {p.get("name") for p in services[0]["spec"].get("ports", [])}
    endpoints = sm["spec"].get("endpoints", [])
    check(bool(endpoints), f"{variant}: {name_of(sm)} has endpoints")
    for ep in endpoints:
        path = ep.get("path", "/metrics")
        check(ep.get("port") in ports, f"{variant}: {name_of(sm)} endpoint {path} scrapes the named port {ep.get('port')}")
        check(path in ("/metrics", "/probe"), f"{variant}: {name_of(sm)} endpoint path {path}")
        if path == "/probe":
            check("target" in ep.get("params", {}), f"{variant}: {name_of(sm)} /probe endpoint has a target parameter")


def check_scrape_config(variant: str, sc: dict, objs: list[dict]) -> None:
    ns = namespace_of(sc) or "default"
    sd_urls = set()
    for svc in (o for o in objs if o.get("kind") == "Service"):
        svc_ns = namespace_of(svc) or "default"
        for p in svc["spec"].get("ports", []):
            sd_urls.add(f"http://{svc['metadata']['name']}.{svc_ns}.svc:{p['port']}/sd")
    configs = sc["spec"].get("httpSDConfigs", [])
    check(bool(configs), f"{variant}: {name_of(sc)} has httpSDConfigs")
    for c in configs:
        check(
            c.get("url") in sd_urls,
            f"{variant}: {name_of(sc)} discovers through {c.get('url')} (rendered Services' /sd: {sorted(sd_urls)})",
        )
        check(
            c.get("url", "").split("//", 1)[-1].split(".")[1:2] == [ns],
            f"{variant}: {name_of(sc)} asks the Service in its own namespace {ns}",
        )
    jobs = [r.get("replacement") for r in sc["spec"].get("relabelings", []) if r.get("targetLabel") == "job"]
    check(
        bool(jobs) and all(re.fullmatch(r"technitium.*", j or "") for j in jobs),
        f"{variant}: {name_of(sc)} sets job {jobs}, matched by the alerts' job=~\"technitium.*\"",
    )


def check_variant(variant: str, rendered: Path, repo: Path, work: Path) -> list[tuple[str, Path]]:
    objs = [o for o in yaml.safe_load_all(rendered.read_text(encoding="utf-8")) if o]
    out = work / variant.replace("/", "_")
    out.mkdir(parents=True, exist_ok=True)
    results = []
    core = [o for o in objs if is_core(o.get("apiVersion", ""))]
    custom = [o for o in objs if not is_core(o.get("apiVersion", ""))]
    check(not any(o.get("kind") == "Secret" for o in objs), f"{variant}: renders no Secret (the token is created with kubectl)")
    check_workloads(variant, objs)
    for obj in custom:
        kind = obj.get("kind")
        if not check(
            obj.get("apiVersion", "").startswith("monitoring.coreos.com/") and kind in OPERATOR_KINDS,
            f"{variant}: {obj.get('apiVersion')} {name_of(obj)} is a kind this check knows",
        ):
            continue
        if kind == "PrometheusRule":
            tests = check_prometheus_rule(variant, obj, repo, out / "rules")
            if tests:
                results.append(("rules", tests))
        elif kind == "ServiceMonitor":
            check_service_monitor(variant, obj, objs)
        elif kind == "ScrapeConfig":
            check_scrape_config(variant, obj, objs)
    core_file = out / "core.yaml"
    core_file.write_text(yaml.safe_dump_all(core, sort_keys=False), encoding="utf-8")
    results.append(("core", core_file))
    kinds = ", ".join(sorted(name_of(o) for o in objs))
    ok(f"{variant}: {len(core)} core and {len(custom)} Prometheus Operator objects ({kinds})")
    return results


def check_readme(repo: Path) -> None:
    readme = repo / "deploy/kubernetes/README.md"
    blocks = re.findall(r"^```yaml\n(.*?)^```", readme.read_text(encoding="utf-8"), re.S | re.M)
    for i, block in enumerate(blocks, 1):
        try:
            list(yaml.safe_load_all(block))
        except yaml.YAMLError as e:
            bad(f"deploy/kubernetes/README.md: yaml block {i} does not parse: {e}")
    check(bool(blocks), f"deploy/kubernetes/README.md: {len(blocks)} yaml blocks parse")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("variants", nargs="+", help="NAME=RENDERED.yaml")
    args = parser.parse_args()
    outputs = []
    for spec in args.variants:
        variant, _, rendered = spec.partition("=")
        outputs += check_variant(variant, Path(rendered), args.repo, args.work)
    check_readme(args.repo)
    for kind, path in outputs:
        print(f"{kind} {path}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

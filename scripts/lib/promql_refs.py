#!/usr/bin/env python3
"""Queries and metric references of the Grafana dashboard and the Prometheus rules.

Used by scripts/check-metric-names.sh and scripts/check-prometheus.sh. Standard
library only (PyYAML is used when present; a small reader for the rules file's
own shape is the fallback).

Subcommands:
  names DASHBOARD RULES... --prom FILE...
      check that every metric name (and every literal label matcher) that the
      dashboard and the rules use exists in the given exposition files.
  queries DASHBOARD RULES...
      print every query as JSON lines: {"source", "title", "kind", "ref", "expr"}
      with Grafana variables substituted.
  live-wait --url PROMETHEUS --job J... [--samples N] [--timeout S]
      wait until every job has N successful scrapes.
  live --url PROMETHEUS --dashboard D --rules R... --job J... [--must-fire A]
       [--must-not-fire A] [--allow-empty TITLE] [-v]
      run every panel, variable and rule query through /api/v1/query and check
      the rules' health (see scripts/check-prometheus.sh).
  live-targets --url PROMETHEUS --job J --label L --expect V1,V2,...
      check that every active target of job J is up, and that its targets carry
      label L with exactly the values V1, V2, ... (targets without L are allowed),
      each also on a technitium_up series.
  selftest
      unit tests of the PromQL scanner.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field

# ----------------------------------------------------------------------------
# Grafana variables

# What a Grafana variable stands for when a query runs outside Grafana.
VARIABLES = {
    "__rate_interval": "1m",
    "__interval": "15s",
    "__range": "1h",
    "__range_s": "3600",
    "__interval_ms": "15000",
    "job": ".+",
    "instance": ".+",
    "window": "last_hour",
}


def substitute(expr: str, values: dict[str, str] | None = None) -> str:
    values = VARIABLES if values is None else values

    def rep(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2) or m.group(3)
        if name not in values:
            raise ValueError(f"unknown Grafana variable ${name} in: {expr}")
        return values[name]

    # ${name}, ${name:fmt}, [[name]], $name
    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)", rep, expr)


# ----------------------------------------------------------------------------
# PromQL scanning (enough for metric names and label matchers)

AGGREGATIONS = {
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
    "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio",
}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
KEYWORDS = AGGREGATIONS | GROUPING | {
    "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end",
}


@dataclass
class Selector:
    name: str | None
    matchers: list[tuple[str, str, str]] = field(default_factory=list)  # (label, op, value)


@dataclass
class Refs:
    selectors: list[Selector] = field(default_factory=list)
    grouping_labels: set[str] = field(default_factory=set)
    created_labels: set[str] = field(default_factory=set)  # label_replace / count_values targets


def _tokens(expr: str):
    i, n = 0, len(expr)
    while i < n:
        c = expr[i]
        if c.isspace():
            i += 1
        elif c == "#":
            while i < n and expr[i] != "\n":
                i += 1
        elif c in "\"'`":
            j = i + 1
            buf = []
            while j < n and expr[j] != c:
                if expr[j] == "\\" and c != "`" and j + 1 < n:
                    esc = expr[j + 1]
                    buf.append({"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}.get(esc, "\\" + esc))
                    j += 2
                    continue
                buf.append(expr[j])
                j += 1
            if j >= n:
                raise ValueError(f"unterminated string in: {expr}")
            yield ("str", "".join(buf))
            i = j + 1
        elif c.isdigit() or (c == "." and i + 1 < n and expr[i + 1].isdigit()):
            j = i
            while j < n and (expr[j].isalnum() or expr[j] in "._"):
                j += 1
            yield ("num", expr[i:j])
            i = j
        elif c.isalpha() or c in "_:":
            j = i
            while j < n and (expr[j].isalnum() or expr[j] in "_:"):
                j += 1
            yield ("ident", expr[i:j])
            i = j
        else:
            two = expr[i:i + 2]
            if two in ("==", "!=", "=~", "!~", ">=", "<="):
                yield ("op", two)
                i += 2
            else:
                yield ("op", c)
                i += 1


def scan(expr: str) -> Refs:
    """Metric selectors, grouping labels and created labels of a PromQL expression."""
    toks = list(_tokens(expr))
    refs = Refs()
    i = 0

    def matchers(k: int) -> tuple[list[tuple[str, str, str]], int]:
        # toks[k] is "{"; returns matchers and the index after "}"
        out = []
        k += 1
        while toks[k] != ("op", "}"):
            if toks[k] == ("op", ","):
                k += 1
                continue
            kind, label = toks[k]
            if kind == "str":  # {"metric_name"} (quoted name, Prometheus 3)
                out.append(("__name__", "=", label))
                k += 1
                continue
            if kind != "ident":
                raise ValueError(f"bad label matcher near {toks[k]} in: {expr}")
            op = toks[k + 1][1]
            val_kind, val = toks[k + 2]
            if val_kind != "str":
                raise ValueError(f"bad label matcher value near {toks[k + 2]} in: {expr}")
            out.append((label, op, val))
            k += 3
        return out, k + 1

    def label_list(k: int) -> tuple[list[str], int]:
        # toks[k] is "("
        out = []
        k += 1
        while toks[k] != ("op", ")"):
            if toks[k][0] in ("ident", "str"):
                out.append(toks[k][1])
            k += 1
        return out, k + 1

    while i < len(toks):
        kind, val = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else (None, None)
        if kind == "ident":
            if val in GROUPING:
                if nxt == ("op", "("):
                    labels, i = label_list(i + 1)
                    refs.grouping_labels.update(labels)
                else:
                    i += 1
                continue
            if val in KEYWORDS:
                i += 1
                continue
            if nxt == ("op", "("):  # a function call
                if val == "label_replace":
                    # label_replace(v, "dst", "replacement", "src", "regex"): find "dst"
                    depth, k = 0, i + 1
                    while k < len(toks):
                        if toks[k] == ("op", "("):
                            depth += 1
                        elif toks[k] == ("op", ")"):
                            depth -= 1
                        elif depth == 1 and toks[k] == ("op", ",") and toks[k + 1][0] == "str":
                            refs.created_labels.add(toks[k + 1][1])
                            break
                        k += 1
                if val == "label_join" or val == "count_values":
                    pass  # not used by our files
                i += 1
                continue
            if nxt == ("op", "{"):
                ms, i = matchers(i + 1)
                refs.selectors.append(Selector(val, ms))
            else:
                refs.selectors.append(Selector(val))
                i += 1
            continue
        if (kind, val) == ("op", "{"):
            ms, i = matchers(i)
            name = next((v for (lab, op, v) in ms if lab == "__name__" and op == "="), None)
            refs.selectors.append(Selector(name, [m for m in ms if m[0] != "__name__"]))
            continue
        i += 1
    return refs


# ----------------------------------------------------------------------------
# Sources: the dashboard and the rules files

@dataclass
class Query:
    source: str   # file
    title: str    # panel title / variable name / rule name
    expr: str     # as written (Grafana variables not substituted)
    kind: str     # "panel", "variable", "record", "alert"
    ref_id: str = ""
    legend: str = ""


def _label_values(q: str) -> tuple[str | None, str]:
    """Split Grafana's label_values(expr, label) into (expr, label)."""
    m = re.fullmatch(r"\s*label_values\((.*)\)\s*", q, re.S)
    if not m:
        raise ValueError(f"unsupported variable query: {q}")
    inner = m.group(1)
    if "," not in inner:
        return None, inner.strip()
    expr, label = inner.rsplit(",", 1)
    return expr.strip(), label.strip()


def dashboard_queries(path: str) -> list[Query]:
    with open(path, encoding="utf-8") as f:
        dash = json.load(f)
    out: list[Query] = []

    def walk(panels):
        for p in panels:
            if p.get("type") == "row":
                walk(p.get("panels", []))
                continue
            for t in p.get("targets", []):
                if t.get("hide"):
                    continue
                if "expr" not in t:
                    raise ValueError(f"{path}: panel {p.get('title')!r} has a target without expr")
                out.append(Query(path, p.get("title", ""), t["expr"], "panel", t.get("refId", ""),
                                 t.get("legendFormat", "")))

    walk(dash.get("panels", []))
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        if isinstance(q, dict):
            q = q.get("query", "")
        expr, label = _label_values(q)
        if expr is None:
            raise ValueError(f"{path}: variable {v['name']}: label_values without a metric")
        # a query with the same meaning, runnable in Prometheus
        out.append(Query(path, "$" + v["name"], f"count by ({label}) ({expr})", "variable"))
    return out


def _read_rules_yaml(path: str) -> list[dict]:
    try:
        import yaml  # type: ignore
    except ImportError:
        return _read_rules_minimal(path)
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    rules = []
    for g in doc.get("groups", []):
        rules.extend(g.get("rules", []))
    return rules


def _read_rules_minimal(path: str) -> list[dict]:
    """Reads `- record:`/`- alert:` and `expr:` (plain, quoted or `|` block) of a rules file."""
    rules: list[dict] = []
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(\s*)-\s+(record|alert):\s*(.+?)\s*$", line)
        if m:
            rules.append({m.group(2): m.group(3).strip("'\"")})
            i += 1
            continue
        m = re.match(r"^(\s*)expr:\s*(.*)$", line)
        if m and rules:
            indent, rest = len(m.group(1)), m.group(2).strip()
            if rest in ("|", "|-", ">", ">-"):
                body = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                    body.append(lines[i])
                    i += 1
                pad = min((len(b) - len(b.lstrip()) for b in body if b.strip()), default=0)
                text = "\n".join(b[pad:] for b in body).strip()
                rules[-1]["expr"] = text if rest.startswith("|") else " ".join(text.split())
                continue
            if rest.startswith("'") and rest.endswith("'"):
                rest = rest[1:-1].replace("''", "'")
            elif rest.startswith('"') and rest.endswith('"'):
                rest = json.loads(rest)
            rules[-1]["expr"] = rest
        i += 1
    for r in rules:
        if "expr" not in r:
            raise ValueError(f"{path}: could not read the expr of {r}")
    return rules


def rule_queries(path: str) -> list[Query]:
    out = []
    for r in _read_rules_yaml(path):
        if "record" in r:
            out.append(Query(path, r["record"], r["expr"], "record"))
        else:
            out.append(Query(path, r["alert"], r["expr"], "alert"))
    return out


# ----------------------------------------------------------------------------
# Exposition files

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?\s*$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


def read_exposition(text: str, into: dict[str, list[dict[str, str]]]) -> None:
    """Series by metric name. A histogram's own name counts too (with the labels of its
    `_count` series): a Prometheus that ingests it as a native histogram stores it under
    that name, and queries may use it (`rate(x[5m])` beside `rate(x_bucket[5m])`)."""
    histograms: set[str] = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            parts = line.split()
            if len(parts) == 4 and parts[3] == "histogram":
                histograms.add(parts[2])
            continue
        if not line.strip() or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise ValueError(f"cannot parse exposition line: {line}")
        labels: dict[str, str] = {}
        body = m.group(3) or ""
        pos = 0
        while pos < len(body):
            lm = _LABEL.match(body, pos)
            if not lm:
                raise ValueError(f"cannot parse labels of: {line}")
            labels[lm.group(1)] = re.sub(r"\\(.)", lambda e: {"n": "\n"}.get(e.group(1), e.group(1)), lm.group(2))
            pos = lm.end()
        into.setdefault(m.group(1), []).append(labels)
        if m.group(1).endswith("_count") and m.group(1)[: -len("_count")] in histograms:
            into.setdefault(m.group(1)[: -len("_count")], []).append(labels)


# ----------------------------------------------------------------------------
# names: the cross-check

# Metrics that come from Prometheus or node_exporter, not from technitium-exporter.
FOREIGN_METRICS = {"up", "node_textfile_mtime_seconds", "node_textfile_scrape_error"}
# Labels Prometheus or node_exporter attach, and the target labels the exporter's /sd hands
# out (Prometheus puts them on every series of a discovered target); not in the exposition.
FOREIGN_LABELS = {"job", "instance", "file", "__name__",
                  "technitium_target", "technitium_node", "technitium_cluster"}


def _matches(op: str, pattern: str, value: str) -> bool:
    if op == "=":
        return value == pattern
    if op == "=~":
        return re.fullmatch(pattern, value) is not None
    raise AssertionError(op)


def check_names(dashboard: str, rules: list[str], prom_files: list[str]) -> int:
    emitted: dict[str, list[dict[str, str]]] = {}
    for p in prom_files:
        with open(p, encoding="utf-8") as f:
            read_exposition(f.read(), emitted)
    if not emitted:
        print("error: the exposition files hold no samples", file=sys.stderr)
        return 1
    emitted_labels = {k for series in emitted.values() for s in series for k in s}

    queries = dashboard_queries(dashboard)
    for r in rules:
        queries.extend(rule_queries(r))
    recorded = {q.title for q in queries if q.kind == "record"}

    # a recorded series carries (some of) the labels of the metrics its rule reads:
    # check label matchers on recorded names against those metrics
    sources: dict[str, set[str]] = {}
    for q in queries:
        if q.kind == "record":
            try:
                sources[q.title] = {s.name for s in scan(q.expr).selectors if s.name}
            except ValueError:
                sources[q.title] = set()
    for _ in range(len(sources)):
        for name, srcs in sources.items():
            sources[name] = set().union(*(sources.get(x, {x}) for x in srcs)) if srcs else set()

    problems: list[str] = []
    used: set[str] = set()
    for q in queries:
        where = f"{q.source}: {q.kind} {q.title!r}"
        try:
            refs = scan(substitute(q.expr))
        except ValueError as e:
            problems.append(f"{where}: {e}")
            continue
        known_labels = emitted_labels | FOREIGN_LABELS | refs.created_labels
        for sel in refs.selectors:
            if sel.name is None:
                problems.append(f"{where}: selector without a metric name: {sel.matchers}")
                continue
            if sel.name in FOREIGN_METRICS:
                continue
            if sel.name in recorded:
                series = [x for src in sources.get(sel.name, ()) for x in emitted.get(src, [])]
                for label, op, pattern in sel.matchers:
                    if label in FOREIGN_LABELS or op not in ("=", "=~") or pattern == "":
                        continue
                    if any(label in x for x in series) and \
                            not any(_matches(op, pattern, x.get(label, "")) for x in series):
                        problems.append(f"{where}: {sel.name}{{{label}{op}\"{pattern}\"}} matches nothing "
                                        f"that its recording rule reads")
                continue
            used.add(sel.name)
            if sel.name not in emitted:
                problems.append(f"{where}: metric {sel.name} is not emitted by the exporter")
                continue
            for label, op, pattern in sel.matchers:
                if label in FOREIGN_LABELS or op not in ("=", "=~") or pattern == "":
                    continue
                if not any(_matches(op, pattern, s.get(label, "")) for s in emitted[sel.name]):
                    seen = sorted({s.get(label, "") for s in emitted[sel.name]})
                    problems.append(f"{where}: {sel.name}{{{label}{op}\"{pattern}\"}} matches no emitted series "
                                    f"(values seen for {label}: {seen})")
        for label in refs.grouping_labels:
            if label not in known_labels:
                problems.append(f"{where}: label {label!r} (by/on/ignoring/group_*) is on no emitted metric")
        for label in re.findall(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}", q.legend):
            if label not in known_labels:
                problems.append(f"{where}: legend label {label!r} is on no emitted metric")

    for p in problems:
        print(f"FAIL {p}")
    print(f"checked {len(queries)} queries ({len(recorded)} recording rules), "
          f"{len(used)} exporter metric names against {len(emitted)} emitted names: "
          f"{'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


# ----------------------------------------------------------------------------
# live: run every query against a real Prometheus

def _api(base: str, path: str, params: dict[str, str] | None = None, timeout: float = 10) -> dict:
    import urllib.parse
    import urllib.request
    url = base.rstrip("/") + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:  # 400/422 carry the PromQL error as JSON
        try:
            return json.load(e)
        except ValueError:
            return {"status": "error", "error": f"HTTP {e.code}"}
    except (OSError, ValueError) as e:
        return {"status": "error", "error": str(e)}


def _query(base: str, expr: str) -> tuple[str | None, list]:
    r = _api(base, "/api/v1/query", {"query": expr})
    if r.get("status") != "success":
        return f"{r.get('errorType', 'error')}: {r.get('error')}", []
    return None, r["data"]["result"]


def live_wait(base: str, jobs: list[str], samples: int, timeout: float) -> int:
    """Wait until Prometheus answers and every job has `samples` successful scrapes."""
    import time
    deadline = time.time() + timeout
    last = "Prometheus did not answer"
    while time.time() < deadline:
        missing = []
        for job in jobs:
            err, res = _query(base, f'min(sum_over_time(up{{job="{job}"}}[5m]))')
            if err:
                missing.append(f"{job}: {err}")
            elif not res or float(res[0]["value"][1]) < samples:
                got = res[0]["value"][1] if res else "0"
                missing.append(f"{job}: {got} of {samples} good scrapes")
        if not missing:
            return 0
        last = "; ".join(missing)
        time.sleep(1)
    print(f"FAIL waiting for scrapes: {last}")
    return 1


def live_check(base: str, dashboard: str, rules: list[str], jobs: list[str], allow_empty: set[str],
               must_fire: set[str], must_not_fire: set[str], verbose: bool) -> int:
    problems: list[str] = []

    # every scrape job is up, with every target
    for job in jobs:
        err, res = _query(base, f'up{{job="{job}"}}')
        if err or not res:
            problems.append(f"job {job}: no up series ({err or 'no targets'})")
            continue
        for s in res:
            if s["value"][1] != "1":
                problems.append(f"job {job}: target {s['metric'].get('instance')} is down (up = {s['value'][1]})")

    queries = dashboard_queries(dashboard)
    for r in rules:
        queries.extend(rule_queries(r))
    counts = {"panel": 0, "variable": 0, "record": 0, "alert": 0}
    for q in queries:
        counts[q.kind] += 1
        expr = substitute(q.expr) if q.kind in ("panel", "variable") else q.expr
        name = f"{q.kind} {q.title!r}" + (f" ({q.ref_id})" if q.ref_id else "")
        err, res = _query(base, expr)
        if err:
            problems.append(f"{name}: query failed: {err}\n    {expr}")
            continue
        if verbose:
            print(f"  {len(res):4d} series  {name}")
        if q.kind == "alert":
            if q.title in must_fire and not res:
                problems.append(f"{name}: should fire on the demo (its expression returns nothing)\n    {expr}")
            if q.title in must_not_fire and res:
                labels = ", ".join(json.dumps(s["metric"], sort_keys=True) for s in res[:3])
                problems.append(f"{name}: fires on the healthy demo: {labels}")
        elif not res and q.title not in allow_empty:
            problems.append(f"{name}: no series on the demo\n    {expr}")

    # the rules file loaded and every rule evaluates without error
    r = _api(base, "/api/v1/rules")
    if r.get("status") != "success":
        problems.append(f"/api/v1/rules: {r.get('error')}")
    else:
        loaded = 0
        for g in r["data"]["groups"]:
            for rule in g["rules"]:
                loaded += 1
                if rule.get("health") != "ok":
                    problems.append(f"rule {rule['name']!r} health {rule.get('health')}: {rule.get('lastError')}")
        want = counts["record"] + counts["alert"]
        if loaded != want:
            problems.append(f"Prometheus loaded {loaded} rules, the rules files hold {want}")

    for p in problems:
        print(f"FAIL {p}")
    print(f"ran {counts['panel']} panel queries, {counts['variable']} variable queries, "
          f"{counts['record']} recording and {counts['alert']} alerting rules against {len(jobs)} jobs: "
          f"{'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


def live_targets(base: str, job: str, label: str, expect: list[str]) -> int:
    """Every discovered target of `job` is up, and `label` takes exactly the values `expect`."""
    problems: list[str] = []
    r = _api(base, "/api/v1/targets", {"state": "active"})
    if r.get("status") != "success":
        print(f"FAIL /api/v1/targets: {r.get('error')}")
        return 1
    targets = [t for t in r["data"]["activeTargets"] if t["labels"].get("job") == job]
    if not targets:
        problems.append(f"job {job}: no active targets")
    for t in targets:
        if t.get("health") != "up":
            problems.append(f"job {job}: target {t['labels']} is {t.get('health')}: {t.get('lastError')}")
    seen = sorted({t["labels"][label] for t in targets if label in t["labels"]})
    if seen != sorted(expect):
        problems.append(f"job {job}: targets carry {label} {seen}, expected {sorted(expect)}")
    err, res = _query(base, f'count by ({label}) (technitium_up{{job="{job}"}})')
    got = sorted(s["metric"].get(label, "") for s in res if s["metric"].get(label))
    if err or got != sorted(expect):
        problems.append(f"job {job}: technitium_up carries {label} {got}, expected {sorted(expect)} ({err or 'ok'})")
    for p in problems:
        print(f"FAIL {p}")
    print(f"job {job}: {len(targets)} discovered targets, {label} = {', '.join(seen)}: "
          f"{'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


# ----------------------------------------------------------------------------
# self test of the scanner

def selftest() -> int:
    cases = [
        ('rate(technitium_queries_total{job=~"$job"}[5m])', ["technitium_queries_total"]),
        ('sum by (job, instance) (technitium_zone_expired{zone="a"}) / on(job) group_left(type) technitium_zone_info',
         ["technitium_zone_expired", "technitium_zone_info"]),
        ('histogram_quantile(0.9, sum(rate(x_bucket[1m])) by (le))', ["x_bucket"]),
        ('time() - node_textfile_mtime_seconds{file=~".*technitium[^/]*\\\\.prom"} > 300', ["node_textfile_mtime_seconds"]),
        ('a offset 1d < 0.5 * (b offset 1d) and on(job) c > 1e3', ["a", "b", "c"]),
        ('label_replace(m == 1, "problem", "sync failed", "", "")', ["m"]),
        ('absent(technitium_up)', ["technitium_up"]),
        ('{__name__="foo", x="y"}', ["foo"]),
        ('topk(5, x) unless y or vector(0)', ["x", "y"]),
        ('instance:technitium_queries:rate5m > 1 # comment foo', ["instance:technitium_queries:rate5m"]),
        ('sum without(rcode)(m{rcode!="x"}) * bool 2', ["m"]),
    ]
    bad = 0
    for expr, want in cases:
        got = [s.name for s in scan(expr).selectors]
        if got != want:
            print(f"FAIL scan({expr!r}) = {got}, want {want}")
            bad += 1
    r = scan('sum by (job, instance) (label_replace(m{a="1", b=~"x|y"}, "dst", "v", "", ""))')
    if r.selectors[0].matchers != [("a", "=", "1"), ("b", "=~", "x|y")] or r.grouping_labels != {"job", "instance"} \
            or r.created_labels != {"dst"}:
        print(f"FAIL matcher/grouping scan: {r}")
        bad += 1
    if substitute('rate(x{job=~"$job"}[$__rate_interval]) ${window}') != 'rate(x{job=~".+"}[1m]) last_hour':
        print("FAIL substitute")
        bad += 1
    exp: dict[str, list[dict[str, str]]] = {}
    read_exposition('# HELP a x\na{b="c\\"d",e="f"} 1\ng 2 1700000000\nh_bucket{le="+Inf"} 3\n', exp)
    if exp != {"a": [{"b": 'c"d', "e": "f"}], "g": [{}], "h_bucket": [{"le": "+Inf"}]}:
        print(f"FAIL read_exposition: {exp}")
        bad += 1
    exp = {}
    read_exposition('# TYPE h histogram\nh_bucket{t="u",le="+Inf"} 3\nh_sum{t="u"} 1\nh_count{t="u"} 3\n'
                    '# TYPE c_count gauge\nc_count 1\n', exp)
    if exp.get("h") != [{"t": "u"}] or "c" in exp:
        print(f"FAIL read_exposition of a histogram: {exp}")
        bad += 1
    print("selftest:", "OK" if not bad else f"{bad} failure(s)")
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd == "selftest":
        return selftest()
    if cmd == "names":
        if "--prom" not in args:
            print("usage: names DASHBOARD RULES... --prom FILE...", file=sys.stderr)
            return 2
        k = args.index("--prom")
        files, prom = args[:k], args[k + 1:]
        return check_names(files[0], files[1:], prom)
    if cmd == "queries":
        qs = dashboard_queries(args[0])
        for r in args[1:]:
            qs.extend(rule_queries(r))
        for q in qs:
            print(json.dumps({"source": q.source, "title": q.title, "kind": q.kind, "ref": q.ref_id,
                              "expr": substitute(q.expr) if q.kind in ("panel", "variable") else q.expr}))
        return 0
    if cmd == "live-targets":
        import argparse
        ap = argparse.ArgumentParser(prog=f"promql_refs.py {cmd}")
        ap.add_argument("--url", required=True)
        ap.add_argument("--job", required=True)
        ap.add_argument("--label", required=True)
        ap.add_argument("--expect", required=True)
        a = ap.parse_args(args)
        return live_targets(a.url, a.job, a.label, [v for v in a.expect.split(",") if v])
    if cmd in ("live-wait", "live"):
        import argparse
        ap = argparse.ArgumentParser(prog=f"promql_refs.py {cmd}")
        ap.add_argument("--url", required=True)
        ap.add_argument("--job", action="append", default=[])
        ap.add_argument("--samples", type=int, default=4)
        ap.add_argument("--timeout", type=float, default=60)
        ap.add_argument("--dashboard")
        ap.add_argument("--rules", action="append", default=[])
        ap.add_argument("--allow-empty", action="append", default=[])
        ap.add_argument("--must-fire", action="append", default=[])
        ap.add_argument("--must-not-fire", action="append", default=[])
        ap.add_argument("-v", "--verbose", action="store_true")
        a = ap.parse_args(args)
        if cmd == "live-wait":
            return live_wait(a.url, a.job, a.samples, a.timeout)
        return live_check(a.url, a.dashboard, a.rules, a.job, set(a.allow_empty), set(a.must_fire),
                          set(a.must_not_fire), a.verbose)
    if cmd == "rules-minimal":  # test the fallback reader against PyYAML
        import yaml  # type: ignore
        for r in args:
            a = [(x.get("record") or x.get("alert"), x["expr"].strip()) for x in _read_rules_minimal(r)]
            b = [(x.get("record") or x.get("alert"), x["expr"].strip()) for x in _read_rules_yaml(r)]
            if a != b:
                print(f"FAIL minimal reader differs on {r}")
                return 1
        print("minimal rules reader: OK")
        return 0
    print(f"unknown subcommand {cmd}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

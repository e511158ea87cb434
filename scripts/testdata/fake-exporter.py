#!/usr/bin/env python3
"""A stand-in for the technitium-exporter binary, for testing the check scripts.

It serves the hand-written exposition files next to it (written from the metric
contract in the design, not produced by the exporter), so that
scripts/check-metric-names.sh and scripts/check-prometheus.sh can be exercised
before (or without) a build:

    scripts/check-metric-names.sh --bin scripts/testdata/fake-exporter.py
    scripts/check-prometheus.sh  --bin scripts/testdata/fake-exporter.py

Understands only what those scripts pass:
    scrape --help                                          (the collectors of demo-v15.prom)
    scrape --demo [--demo.version V] [--collector.X ...]
    scrape --technitium.url URL --technitium.token T      (asks URL's session/get)
    serve  --demo [--demo.version V] [--config.file F] --web.listen-address HOST:PORT [--collector.X ...]
           (/probe?target=NAME for a [targets.NAME] of F asks its url's session/get)
Counters grow with time so that rate() has something to show.
"""
import http.server
import json
import os
import re
import sys
import time
import tomllib
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
START = time.time()


def read(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read()


# The "now" the .prom files were written for (2026-05-10T12:31:16Z).
WRITTEN_AT = 1778416276


def grow(text):
    """Counters (…_total samples) grow by 1 % of their value per minute; timestamps move to today."""
    factor = 1 + (time.time() - START) / 6000
    shift = time.time() - WRITTEN_AT
    out = []
    for line in text.splitlines():
        m = re.match(r"^(\w+?(_total|_timestamp_seconds)(?:\{[^}]*\})?) (\S+)$", line)
        if m and m.group(2) == "_total":
            line = f"{m.group(1)} {float(m.group(3)) * factor:.3f}"
        elif m and float(m.group(3)) > 0:
            line = f"{m.group(1)} {float(m.group(3)) + shift:.3f}"
        out.append(line)
    return "\n".join(out) + "\n"


def opt(args, name, default=None):
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return default


def target_file(args):
    return "demo-v13.prom" if opt(args, "--demo.version", "15.2").startswith(("13", "14")) else "demo-v15.prom"


def scrape(args):
    if "--help" in args:
        # The scripts read the collectors from the help's --no-collector.NAME flags.
        names = re.findall(r'technitium_scrape_collector_success\{collector="(\w+)"\}', read("demo-v15.prom"))
        for name in dict.fromkeys(n for n in names if n != "session"):
            print(f"      --no-collector.{name}\n          Disable the {name} collector")
        return 0
    if "--demo" in args:
        sys.stdout.write(read(target_file(args)))
        return 0
    text, status = remote(opt(args, "--technitium.url"), opt(args, "--technitium.token", ""))
    sys.stdout.write(text)
    return status


def remote(url, token):
    """What a scrape of a real server gives: only a rejected token and an unreachable server are simulated."""
    req = urllib.request.Request(url.rstrip("/") + "/api/user/session/get",
                                 headers={"Authorization": "Bearer " + token})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        body = json.load(opener.open(req, timeout=5))
    except Exception:
        return read("rejected.prom").replace('reason="invalid_token"', 'reason="unreachable"'), 1
    if body.get("status") == "invalid-token":
        return read("rejected.prom"), 1
    return read("rejected.prom").replace('reason="invalid_token"', 'reason="api_error"'), 1


def serve(args):
    host, port = opt(args, "--web.listen-address").rsplit(":", 1)
    if host not in ("127.0.0.1", "localhost", "[::1]"):
        sys.exit("fake-exporter: loopback addresses only")
    target = target_file(args)
    targets = {}
    if opt(args, "--config.file"):
        with open(opt(args, "--config.file"), "rb") as f:
            targets = tomllib.load(f).get("targets", {})

    class H(http.server.BaseHTTPRequestHandler):
        def reply(self, code, body, ctype="text/plain; version=0.0.4; charset=utf-8"):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            u = urllib.parse.urlparse(self.path)
            if u.path in ("/-/ready", "/-/healthy"):
                return self.reply(200, "OK\n")
            if u.path == "/metrics":
                return self.reply(200, grow(read(target) + read("self.prom")))
            if u.path == "/probe":
                name = urllib.parse.parse_qs(u.query).get("target", [""])[0]
                if name not in targets:
                    return self.reply(400, f"unknown target {name!r}\n")
                return self.reply(200, remote(targets[name]["url"], targets[name].get("token", ""))[0])
            return self.reply(404, "not found\n")

        def log_message(self, *a):
            pass

    http.server.ThreadingHTTPServer((host.strip("[]"), int(port)), H).serve_forever()


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    if args[0] == "scrape":
        return scrape(args[1:])
    if args[0] == "serve":
        return serve(args[1:])
    sys.exit(f"fake-exporter: unsupported subcommand {args[0]}")


if __name__ == "__main__":
    sys.exit(main())

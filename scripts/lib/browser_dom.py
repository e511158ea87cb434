#!/usr/bin/env python3
"""Checks a DOM that headless Chromium dumped (--dump-dom) for scripts/check-browser.sh.

  browser_dom.py status FILE --row NAME... --failed TARGET:COLLECTOR:TEXT... --secret S...
  browser_dom.py debug FILE --has TEXT... --secret S...

status: the page has a "Targets" table whose rows' first cells include every --row NAME, each
row links to its debug output, and the row of TARGET lists COLLECTOR as failed with TEXT in its
error; no <script> element. debug: the page's text has every --has TEXT. Both: no --secret
appears anywhere in the DOM. Prints one line per check; exits 1 when one fails.
"""

import argparse
import html.parser
import sys


class Table(html.parser.HTMLParser):
    """The rows of the first table with a tbody: each a list of (cell text, links)."""

    def __init__(self):
        super().__init__()
        self.rows = []
        self.scripts = 0
        self.in_body = False
        self.cell = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        elif tag == "tbody" and not self.rows:
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag == "td":
            self.cell = {"text": "", "links": []}
        elif self.cell is not None and tag == "a":
            self.cell["links"].append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell["text"] += data


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=["status", "debug"])
    p.add_argument("file")
    p.add_argument("--row", action="append", default=[])
    p.add_argument("--failed", action="append", default=[])
    p.add_argument("--has", action="append", default=[])
    p.add_argument("--secret", action="append", default=[])
    args = p.parse_args()
    with open(args.file, encoding="utf-8") as f:
        dom = f.read()
    table = Table()
    table.feed(dom)
    failures = 0

    def check(what, good):
        nonlocal failures
        print(f"  {'ok' if good else 'FAIL'}: {what}", file=sys.stdout if good else sys.stderr)
        failures += 0 if good else 1

    for secret in args.secret:
        check(f"{args.kind}: no secret in the DOM ({secret[:6]}…)", secret not in dom)
    if args.kind == "debug":
        text = "".join(table.text)
        for has in args.has:
            check(f"debug: shows {has!r}", has in text)
        return failures
    check("status: no script element", table.scripts == 0)
    by_name = {row[0]["text"]: row for row in table.rows if row}
    for name in args.row:
        row = by_name.get(name)
        check(f"status: a row for {name!r}", row is not None)
        if row:
            links = [h for cell in row for h in cell["links"]]
            check(f"status: {name!r} links to its debug output", any("debug=true" in h for h in links))
    for spec in args.failed:
        target, collector, text = spec.split(":", 2)
        row = by_name.get(target) or []
        failed = row[5]["text"] if len(row) > 5 else ""
        check(
            f"status: {target!r} shows {collector} failed with {text!r}",
            failed.startswith(collector) and text in failed,
        )
    return failures


if __name__ == "__main__":
    sys.exit(1 if main() else 0)

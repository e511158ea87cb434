#!/usr/bin/env python3
"""Fails when the crate's top-level modules depend on each other in a cycle.

Nodes are the top-level modules of src/ (collector, config, serve, ...), with the exposition
encoder (render::exposition) as a node of its own: it is the leaf both `collector` and `render`
use. An edge is any `crate::X` path outside `#[cfg(test)]` code. Prints the graph with -v.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def node_of(rel_parts):
    top = rel_parts[0]
    if top == "render" and len(rel_parts) > 1 and rel_parts[1] == "exposition":
        return "render::exposition"
    return top


def graph():
    edges = {}
    for dirpath, _, files in os.walk(ROOT):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(dirpath, f)
            parts = os.path.relpath(path, ROOT)[:-3].split(os.sep)
            if parts[-1] == "mod":
                parts = parts[:-1]
            node = node_of(parts)
            text = open(path, encoding="utf-8").read()
            text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*(\{.*|;)", "", text, flags=re.S)
            deps = edges.setdefault(node, set())
            for m in re.finditer(r"crate::(?:\{([^}]*)\}|(\w+)(?:::(\w+))?)", text):
                names = [n.strip().split("::")[0] for n in m.group(1).split(",")] if m.group(1) else [m.group(2)]
                for d in filter(None, names):
                    if d == "render" and m.group(3) == "exposition":
                        d = "render::exposition"
                    if d != node and d not in ("self",):
                        deps.add(d)
    return edges


def cycles(edges):
    found = set()

    def walk(n, stack):
        for m in sorted(edges.get(n, ())):
            if m in stack:
                cyc = stack[stack.index(m):]
                i = cyc.index(min(cyc))
                found.add(tuple(cyc[i:] + cyc[:i]))
            elif len(stack) < 20:
                walk(m, stack + [m])

    for n in edges:
        walk(n, [n])
    return found


def main():
    edges = graph()
    if "-v" in sys.argv:
        for n in sorted(edges):
            print(f"{n} -> {', '.join(sorted(edges[n])) or '(none)'}")
    found = cycles(edges)
    if found:
        for c in sorted(found):
            print("module cycle: " + " -> ".join(c + (c[0],)), file=sys.stderr)
        return 1
    print("module dependencies: no cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks that the crate's imports point one way: no circle between modules or files.

Reads every `.rs` file under src/ (main.rs, a crate of its own, aside) with comments, strings
and `#[cfg(test)]` items left out, and builds a graph of FILES: A -> B when A uses an item
defined in B, through a `use` or a path in its code (`crate::a::b::C`, `super::x`, `self::x`,
a child module's name, or a module a `use` brought in). Paths are resolved the way rustc does
for this crate's shapes: `mod.rs` is the file of its folder's module, and a name re-exported by
`pub use` (or brought into a parent by `use`, which its children can see) resolves to the file
that defines it. A `pub use` that only passes a name on is no arrow of its own.

From that graph it reports:
- circles between the crate's top-level modules (collector, config, serve, ...): these always
  fail;
- with --files, circles between files, folders included (A uses an item of B and B one of A,
  or a longer loop): each is printed with the items on its arrows;
- arrows that point up: from a module on a lower floor of LAYERS to one on a higher floor
  (printed as notes; with --layers they fail).
A self-test on a small made-up crate runs first, so a change to the parsing that loses arrows
fails here rather than passing everything.

Usage:
  scripts/check-module-cycles.py            module circles fail; up arrows are notes
  scripts/check-module-cycles.py --files    file circles fail too
  scripts/check-module-cycles.py --layers   up arrows fail too
  scripts/check-module-cycles.py --report   print every circle (modules and files) and up arrow
                                            left, and exit 0: the measure, not the gate
  scripts/check-module-cycles.py -v         also print the module graph
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

# The floors of the crate, top first: a module may use modules on its own floor or below.
# (Within a floor, the module circle check keeps the arrows one way.)
LAYERS = [
    ["app"],
    ["serve", "check", "scrape", "textfile", "demo"],
    ["exit"],
    ["config"],
    ["cli", "web"],
    ["render"],
    ["collector"],
    ["dnsprobe"],
    ["technitium", "tls", "exposition", "logging"],
]

ITEM = re.compile(r"\b(?:fn|struct|enum|trait|type|union|mod)\s+([A-Za-z_]\w*)")
CONST = re.compile(r"\b(?:const|static)\s+(?:mut\s+)?([A-Z_][A-Z0-9_]*)\b")
MACRO = re.compile(r"\bmacro_rules!\s*([A-Za-z_]\w*)")
USE = re.compile(r"(?<![\w$])(pub(?:\s*\([^)]*\))?\s+)?use\s+([^;]*);")
MOD_DECL = re.compile(r"(?<![\w$])(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+([A-Za-z_]\w*)\s*;")
PATH = re.compile(r"(?<![\w:$])((?:[A-Za-z_]\w*)(?:\s*::\s*[A-Za-z_]\w*)+)")


# --- reading a file: comments, strings and test code out ---------------------------------------


def strip_comments_and_strings(text):
    """The text with comments blanked and string/char literals emptied (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append("\n" * text.count("\n", i, j))
            i = j
            continue
        raw = re.match(r"b?r(#*)\"", text[i:i + 300]) if c in "br" else None
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = text.find('"' + raw.group(1), i + raw.end())
            j = n if end < 0 else end + 1 + len(raw.group(1))
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
            continue
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
            continue
        if c == "'":
            # A char literal ('x', '\n', '\u{..}'), not a lifetime ('a).
            if i + 1 < n and text[i + 1] == "\\":
                j = text.find("'", i + 2)
                if j > 0:
                    out.append("' '")
                    i = j + 1
                    continue
            elif i + 2 < n and text[i + 2] == "'":
                out.append("' '")
                i += 3
                continue
        out.append(c)
        i += 1
    return "".join(out)


def item_end(text, i):
    """Where the item starting at `i` ends: its `;` or its closing brace (and a `;` after it)."""
    depth, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0 and c == "}":
                j = i + 1
                while j < n and text[j].isspace():
                    j += 1
                return j + 1 if j < n and text[j] == ";" else i + 1
        elif c == ";" and depth == 0:
            return i + 1
        i += 1
    return n


def strip_test_code(text):
    """The text without the items under `#[cfg(test)]`."""
    while True:
        m = re.search(r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]", text)
        if not m:
            return text
        end = item_end(text, m.end())
        text = text[:m.start()] + "\n" * text.count("\n", m.start(), end) + text[end:]


# --- the module tree --------------------------------------------------------------------------


class File:
    def __init__(self, rel, module, code):
        self.rel = rel  # "check/report.rs"
        self.module = module  # ("check", "report")
        self.code = code
        self.defs = set(ITEM.findall(code)) | set(CONST.findall(code)) | set(MACRO.findall(code))
        self.children = set(MOD_DECL.findall(code))
        self.imports = {}  # name -> (absolute path, pub)
        self.globs = []  # absolute module paths


def module_of(rel):
    parts = rel[:-3].split("/")
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return tuple(parts)


def read_files(root):
    files = {}
    for dirpath, _, names in os.walk(root):
        for f in sorted(names):
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/")
            if rel == "main.rs":
                continue
            with open(os.path.join(root, rel), encoding="utf-8") as fh:
                code = strip_test_code(strip_comments_and_strings(fh.read()))
            files[module_of(rel)] = File(rel, module_of(rel), code)
    return files


def split_top(s, sep=","):
    parts, depth, cur = [], 0, []
    for c in s:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        if c == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def use_leaves(tree, prefix=()):
    """(path, alias, glob) for every leaf of a use tree; alias None for a glob."""
    tree = re.sub(r"\s+", " ", tree).strip()
    if tree.startswith("::"):
        tree = tree[2:]
    brace = tree.find("{")
    if brace >= 0:
        head = tuple(s.strip() for s in tree[:brace].split("::") if s.strip())
        body = tree[brace + 1:tree.rfind("}")]
        for part in split_top(body):
            yield from use_leaves(part, prefix + head)
        return
    alias = None
    if " as " in tree:
        tree, alias = (s.strip() for s in tree.split(" as ", 1))
    segs = prefix + tuple(s.strip() for s in tree.split("::") if s.strip())
    if segs and segs[-1] == "*":
        yield segs[:-1], None, True
        return
    if segs and segs[-1] == "self":
        segs = segs[:-1]
    if segs:
        yield segs, alias or segs[-1], False


class Crate:
    def __init__(self, root=ROOT):
        self.files = read_files(root)
        # A file is a child module of its folder's file, also when a macro declares it
        # (`collectors!` in collector/mod.rs), which the `mod NAME;` pattern cannot see.
        for path in self.files:
            if path and path[:-1] in self.files:
                self.files[path[:-1]].children.add(path[-1])
        for f in self.files.values():
            for m in USE.finditer(f.code):
                if "$" in m.group(2):
                    continue  # inside a macro_rules! body
                public = bool(m.group(1))
                for segs, alias, glob in use_leaves(m.group(2)):
                    path = self.absolute(f, segs)
                    if path is None:
                        continue
                    if glob:
                        f.globs.append(path)
                    elif alias != "_":
                        f.imports[alias] = (path, public)

    def absolute(self, f, segs):
        """A path as written in file `f`, from the crate root; None for another crate's."""
        here = f.module
        first, rest = segs[0], list(segs[1:])
        if first == "crate":
            return tuple(rest)
        if first == "self":
            return here + tuple(rest)
        if first == "super":
            up = here[:-1]
            while rest and rest[0] == "super":
                up, rest = up[:-1], rest[1:]
            return up + tuple(rest)
        if first in f.children:
            return here + tuple(segs)
        if first in f.imports:
            return f.imports[first][0] + tuple(rest)
        return None

    def resolve(self, path, depth=0):
        """(file, item) that `path` (from the crate root) names; item None for a module."""
        k = len(path)
        while k > 0 and path[:k] not in self.files:
            k -= 1
        f = self.files[path[:k]]
        rest = path[k:]
        if not rest:
            return f, None
        name = rest[0]
        if name in f.defs or depth > 8:
            return f, name
        if name in f.imports:
            return self.resolve(f.imports[name][0] + rest[1:], depth + 1)
        for g in f.globs:
            hit = self.resolve(g + rest, depth + 1)
            if hit[1] is not None and hit[1] in hit[0].defs:
                return hit
        return f, name

    def edges(self):
        """{from file: {to file: {items}}}."""
        graph = {}
        for f in self.files.values():
            out = graph.setdefault(f.rel, {})

            def add(path):
                g, item = self.resolve(path)
                if g is not f and item is not None:
                    out.setdefault(g.rel, set()).add(item)

            code_only = USE.sub(" ", f.code)
            # `mod NAME;` declares a module: it does not use a re-exported item called NAME.
            mentions = MOD_DECL.sub(" ", code_only)
            for alias, (path, public) in f.imports.items():
                target, item = self.resolve(path)
                if item is None:
                    continue  # a module: its uses are the paths through it
                # A re-export that the file itself does not use passes the name on.
                if public and not re.search(r"(?<![\w$])" + re.escape(alias) + r"\b", mentions):
                    continue
                add(path)
            for m in PATH.finditer(code_only):
                segs = [s.strip() for s in m.group(1).split("::")]
                if segs[0] not in ("crate", "super", "self") and segs[0] not in f.children and (
                    segs[0] not in f.imports or self.resolve(f.imports[segs[0]][0])[1] is not None
                ):
                    continue
                path = self.absolute(f, segs)
                if path is not None:
                    add(path)
        return graph


# --- circles and floors -----------------------------------------------------------------------


def sccs(graph):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def loop_in(graph, comp, start=None):
    """One shortest loop through `start` (the component's first node) inside the component."""
    start, nodes = start or comp[0], set(comp)
    prev, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph.get(v, ())):
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return list(reversed(path))
                if w in nodes and w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return comp


def node_of(rel):
    parts = rel[:-3].split("/")
    return parts[0] if parts[0] != "lib" else "lib"


def floor(node):
    for i, names in enumerate(LAYERS):
        if node in names:
            return i
    return None


def file_circles(graph, comp):
    """The circles of one component: every pair of files that use each other, then a shortest
    loop through each file no pair covers. Each is a list of lines."""
    out, covered = [], set()
    for a in comp:
        for b in comp:
            if a < b and b in graph.get(a, {}) and a in graph.get(b, {}):
                covered.update((a, b))
                out.append([
                    f"file circle: {a} <-> {b}",
                    f"  {a} uses {', '.join(sorted(graph[a][b]))}",
                    f"  {b} uses {', '.join(sorted(graph[b][a]))}",
                ])
    for start in comp:
        if start in covered:
            continue
        loop = loop_in(graph, comp, start)
        covered.update(loop)
        lines = [f"file circle: {' -> '.join(loop + loop[:1])}"]
        for a, b in zip(loop, loop[1:] + loop[:1]):
            lines.append(f"  {a} uses {', '.join(sorted(graph[a][b]))} of {b}")
        out.append(lines)
    return out


SELFTEST = {
    # A circle between two files, through a child module's name and `super::`.
    "lib.rs": "pub mod a;\npub mod b;\npub mod m;\npub mod n;\npub mod p;\npub mod q;\n",
    "a.rs": "use crate::b::Bee;\npub struct Ay;\nfn f(_: Bee) {}\n",
    "b.rs": "pub struct Bee;\nfn g() -> crate::a::Ay { todo!() }\n",
    # mod.rs re-exports a child's item (no arrow of its own), and holds one the children use
    # while using them (a circle).
    "m/mod.rs": "mod one;\nmod two;\npub use one::One;\npub const LIMIT: u8 = 3;\n"
    "fn run() { two::go(); }\n",
    "m/one.rs": "pub struct One;\n",
    "m/two.rs": "use super::One;\npub fn go() { let _ = super::LIMIT; }\n",
    # A macro declares a child module and lists it; a re-export named like a module is no
    # use of it; a child that uses the list closes no circle.
    "n/mod.rs": "macro_rules! declare {\n  ($($m:ident :: $f:ident,)*) => {\n"
    "    $(pub mod $m;)*\n    pub static ALL: &[fn()] = &[$($m::$f,)*];\n  };\n}\n"
    "declare! { one::run, }\npub mod two;\npub use two::two;\n",
    "n/one.rs": "pub fn run() {}\n",
    "n/two.rs": "pub fn two() { let _ = super::ALL; }\n",
    # Comments, strings and test code name other files but use nothing.
    "p.rs": "// crate::q::Q\nconst S: &str = \"crate::q::Q\";\n/* use crate::q::Q; */\n"
    "#[cfg(test)]\nmod tests { use crate::q::Q; }\n#[cfg(test)]\nuse crate::q::Q;\n"
    "pub fn p() { let _ = 'x'; }\n",
    # `use crate::p::{self}` brings a module in; a path through it is the arrow.
    "q.rs": "use crate::p::{self};\npub struct Q;\nfn h() { p::p(); }\n",
}


def selftest():
    """Runs the checker on a small crate with known arrows; returns the problems."""
    import tempfile

    with tempfile.TemporaryDirectory() as root:
        for rel, text in SELFTEST.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w", encoding="utf-8") as fh:
                fh.write(text)
        graph = Crate(root).edges()
    want = {
        "a.rs": {"b.rs": {"Bee"}},
        "b.rs": {"a.rs": {"Ay"}},
        "m/mod.rs": {"m/two.rs": {"go"}},
        "m/one.rs": {},
        "m/two.rs": {"m/one.rs": {"One"}, "m/mod.rs": {"LIMIT"}},
        "n/mod.rs": {"n/one.rs": {"run"}},
        "n/one.rs": {},
        "n/two.rs": {"n/mod.rs": {"ALL"}},
        "p.rs": {},
        "q.rs": {"p.rs": {"p"}},
        "lib.rs": {},
    }
    problems = [f"{f}: {graph.get(f)} instead of {w}" for f, w in want.items() if graph.get(f) != w]
    circles = sccs({a: set(o) for a, o in graph.items()})
    if circles != [["a.rs", "b.rs"], ["m/mod.rs", "m/two.rs"]]:
        problems.append(f"circles {circles}")
    return problems


def module_graph(graph):
    """The file graph folded onto the top-level modules: {module: {module: {file::item}}}."""
    modules = {}
    for a, outs in graph.items():
        na = node_of(a)
        if na == "lib":
            continue
        deps = modules.setdefault(na, {})
        for b, items in outs.items():
            nb = node_of(b)
            if nb not in (na, "lib"):
                deps.setdefault(nb, set()).update(f"{b}::{i}" for i in items)
    return modules


def main(argv):
    known = {"--files", "--layers", "--report", "-v", "-h", "--help"}
    unknown = [a for a in argv if a not in known]
    if unknown or "-h" in argv or "--help" in argv:
        print(__doc__.strip(), file=sys.stderr if unknown else sys.stdout)
        return 2 if unknown else 0
    broken = selftest()
    if broken:
        print("check-module-cycles: the self-test failed:\n  " + "\n  ".join(broken),
              file=sys.stderr)
        return 1
    report = "--report" in argv
    files = "--files" in argv or report
    layers = "--layers" in argv
    out = sys.stdout if report else sys.stderr

    graph = Crate().edges()
    modules = module_graph(graph)
    if "-v" in argv:
        for n in sorted(modules):
            print(f"{n} -> {', '.join(sorted(modules[n])) or '(none)'}")

    module_circles = sccs({n: set(d) for n, d in modules.items()})
    for comp in module_circles:
        loop = loop_in(modules, comp)
        print("module circle: " + " -> ".join(loop + loop[:1]), file=out)

    circles = []
    if files:
        for comp in sccs({a: set(o) for a, o in graph.items()}):
            circles.extend(file_circles(graph, comp))
    for lines in circles:
        print("\n".join(lines), file=out)

    up = []
    for a, deps in sorted(modules.items()):
        for b, items in sorted(deps.items()):
            fa, fb = floor(a), floor(b)
            if fa is not None and fb is not None and fb < fa:
                up.append(f"{a} -> {b} ({', '.join(sorted(items))})")
    for line in up:
        print(f"{'arrow up' if layers or report else 'note: arrow up'}: {line}", file=out)
    unplaced = sorted(n for n in modules if floor(n) is None)
    if unplaced:
        print(f"note: not on a floor of LAYERS: {', '.join(unplaced)}", file=out)

    if report:
        print(f"left: {len(module_circles)} module circles, {len(circles)} file circles, "
              f"{len(up)} arrows up")
        return 0
    if module_circles or circles or (layers and up):
        return 1
    what = "modules and files" if files else "modules"
    print(f"imports point one way: no circle between {what}" + (", no arrow up" if layers else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

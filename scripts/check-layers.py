#!/usr/bin/env python3
"""The server's layers, kept honest (`make lint`).

Reads every `crate::…` and `super::…` path in server/src and fails when

- a module imports from a higher layer (ARCHITECTURE.md, "The server's layers"), or
- the modules import each other in a cycle.

Layers, lowest first; a module may use its own layer and any below it:

    config      configuration (read by every layer)
    store       every SQL statement; rows parsed into typed values
    adapters    the outside world: SMS, payment providers, blobs, files, PDF, crypto
    services    use cases by area, the access policy, the clock
    http        doors: REST, form posts, tus uploads, provider callbacks, the router
    demo        the demo court (drives the use cases)
    startup     wires everything and serves

A folder's `mod.rs` holds what its children share (the `Services` struct, the router's
state); children may use it, and it declares them, but a `use` of a child from its parent
counts like any other edge. Method calls need no `use`, so `impl Services` blocks spread over
area modules are not edges: the cycle check is about `use` lines and paths, as the issue that
asked for it allows. Usage: python3 scripts/check-layers.py [server/src]
"""
import os
import re
import sys

LAYERS = ["config", "store", "adapters", "services", "http", "demo", "startup"]
# Files at the top of server/src that are not modules of a layer: the crate's roots.
ROOTS = {"lib", "main"}

root = sys.argv[1] if len(sys.argv) > 1 else "server/src"


def module_of(path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    return tuple(rel)


modules = {}
for dirpath, _, files in os.walk(root):
    for f in files:
        if f.endswith(".rs"):
            p = os.path.join(dirpath, f)
            modules[module_of(p)] = p


def resolve(parts):
    """The longest module path that is a file, for a path's segments."""
    for n in range(len(parts), 0, -1):
        if tuple(parts[:n]) in modules:
            return tuple(parts[:n])
    return None


def strip_comments(text):
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def expand_use(prefix, body):
    """`a::{b, c::{d, e}}` → [a::b, a::c::d, a::c::e] (enough for imports)."""
    out = []
    depth, start, items = 0, 0, []
    for i, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    for item in items:
        item = item.strip()
        if not item:
            continue
        m = re.match(r"([\w:]*?)(?:::)?\{(.*)\}$", item, re.S)
        if m:
            head = (prefix + "::" + m.group(1)).strip(":") if m.group(1) else prefix
            out += expand_use(head, m.group(2))
        else:
            name = item.split(" as ")[0].strip()
            out.append(prefix + "::" + name if name != "self" else prefix)
    return out


def paths_in(text):
    text = strip_comments(text)
    found = []
    for m in re.finditer(r"\buse\s+((?:crate|super)(?:::super)*)::\{(.*?)\};", text, re.S):
        found += expand_use(m.group(1), m.group(2))
    for m in re.finditer(r"\b((?:crate|super)(?:::super)*(?:::\w+)+)", text):
        found.append(m.group(1))
    return found


def target(mod, path):
    segs = path.split("::")
    if segs[0] == "crate":
        base = []
        segs = segs[1:]
    else:
        # `super` from a file is its parent module; from a mod.rs, its folder's parent.
        base = list(mod)
        while segs and segs[0] == "super":
            base = base[:-1]
            segs = segs[1:]
    return resolve(base + segs)


def layer(mod):
    if not mod or mod[0] in ROOTS:
        return None
    return LAYERS.index(mod[0]) if mod[0] in LAYERS else -1


problems = []
edges = {m: set() for m in modules}
for mod, path in sorted(modules.items()):
    if layer(mod) == -1:
        problems.append(f"{path}: not in a layer (one of {', '.join(LAYERS)})")
    text = open(path, encoding="utf-8").read()
    for p in paths_in(text):
        t = target(mod, p)
        if t is None or t == mod or t[:1] and t[0] in ROOTS:
            continue
        # A parent declaring its children (`pub mod x;`) is not a use; `mod` lines hold no path.
        edges[mod].add(t)
        lm, lt = layer(mod), layer(t)
        if lm is not None and lm >= 0 and lt is not None and lt > lm:
            problems.append(
                f"{path}: imports {'::'.join(t)} ({LAYERS[lt]}) from the lower layer {LAYERS[lm]}"
            )

# Cycles: Tarjan's strongly connected components over the import graph.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]


def strong(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in edges[v]:
        if w not in index:
            strong(w)
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
            sccs.append(comp)


sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index:
        strong(v)
for comp in sccs:
    names = sorted("::".join(m) for m in comp)
    problems.append(f"import cycle among {len(comp)} modules: {', '.join(names)}")

n_edges = sum(len(v) for v in edges.values())


def depth(v, seen=()):
    if v in seen:
        return 0
    return 1 + max((depth(w, seen + (v,)) for w in edges[v]), default=0)


if not sccs:
    longest = max((depth(v) for v in edges), default=0)
    print(f"layers: {len(modules)} modules, {n_edges} imports between them, longest chain {longest}")
else:
    print(f"layers: {len(modules)} modules, {n_edges} imports between them")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)

"""How far the tree is from the layout it aims at: import circles, imports from a higher layer,
long files and long functions. Prints each finding and a summary; exits 1 when there is any.

    python scripts/check_layers.py [--max-file-lines 600] [--max-function-lines 80]

Layers, lowest first (a module may import from its own layer and those below it):

    0  geo.errors, geo.records, geo.lang, geo.geodesy, geo.timezones, geo.timing
    1  geo.gazetteer, geo.io, geo.learn, geo.synthetic
    2  geo.doc, geo.nlp
    3  geo.incidents, geo.training
    4  geo.tables, geo.acled, geo.corrections, geo.review, geo.baselines
    5  geo.exports, geo.maps, geo.tiles, geo.pipeline
    6  geo.store
    7  geo.cli, geo.cli_sources, geo.__main__, geo.dashboard_driver

Imports inside functions count too (they are where circles hide). Tests, benches and scripts
are outside the layers; a bench or test importing from ``bench`` or ``scripts`` is reported.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = [
    ("geo.errors", "geo.records", "geo.lang", "geo.geodesy", "geo.timezones", "geo.timing"),
    ("geo.gazetteer", "geo.io", "geo.learn", "geo.synthetic"),
    ("geo.doc", "geo.nlp"),
    ("geo.incidents", "geo.training"),
    ("geo.tables", "geo.acled", "geo.corrections", "geo.review", "geo.baselines"),
    ("geo.exports", "geo.maps", "geo.tiles", "geo.pipeline"),
    ("geo.store",),
    ("geo.cli", "geo.cli_sources", "geo.__main__", "geo.dashboard_driver"),
]


def layer_of(module: str) -> int | None:
    for level, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return level
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(tree: ast.AST, module: str) -> list[tuple[str, int]]:
    found = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([name] if name else []))
            found.append((name, node.lineno))
    return found


def long_functions(tree: ast.AST, limit: int) -> list[tuple[str, int, int]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > limit:
                out.append((node.name, node.lineno, length))
    return out


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-file-lines", type=int, default=600)
    parser.add_argument("--max-function-lines", type=int, default=80)
    args = parser.parse_args()
    findings: dict[str, list[str]] = {"import circle": [], "upward import": [],
                                      "long file": [], "long function": [],
                                      "import of a bench or script": []}
    graph: dict[str, set[str]] = {}
    modules = sorted((ROOT / "geo").rglob("*.py"))
    known = {module_name(p) for p in modules}
    for path in modules:
        module = module_name(path)
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        lines = source.count("\n") + 1
        rel = path.relative_to(ROOT)
        if lines > args.max_file_lines:
            findings["long file"].append(f"{rel}: {lines} lines")
        for name, line, length in long_functions(tree, args.max_function_lines):
            findings["long function"].append(f"{rel}:{line} {name}: {length} lines")
        mine = layer_of(module)
        for target, line in imports_of(tree, module):
            if not target.startswith("geo"):
                continue
            target = next((k for k in sorted(known, key=len, reverse=True)
                           if target == k or target.startswith(k + ".")), target)
            if target != module:
                graph.setdefault(module, set()).add(target)
            theirs = layer_of(target)
            if mine is not None and theirs is not None and theirs > mine:
                findings["upward import"].append(
                    f"{rel}:{line} {module} (layer {mine}) imports {target} (layer {theirs})")
    for cycle in find_cycles(graph):
        findings["import circle"].append(" <-> ".join(cycle))
    for folder in ("tests", "bench", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for target, line in imports_of(tree, module_name(path)):
                if target.split(".")[0] in ("bench", "scripts") and folder != "scripts":
                    findings["import of a bench or script"].append(
                        f"{path.relative_to(ROOT)}:{line} imports {target}")
    total = 0
    for kind, items in findings.items():
        print(f"\n## {kind}: {len(items)}")
        for item in items:
            print("  " + item)
        total += len(items)
    print(f"\n{total} findings")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())

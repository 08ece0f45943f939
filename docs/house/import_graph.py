"""Draw the house: the import graph of src/kjdesk, one box per feature room.

    python docs/house/import_graph.py               # writes docs/house/after.dot (and after.svg with graphviz)
    python docs/house/import_graph.py SRC before    # the same for another checkout's src/

A room is a layer's package one level down (``services.disbursement``, ``ui.pages.plan``);
a module directly in a layer is its own room. An arrow is "imports", counted once per pair of
rooms, labelled with how many module imports it stands for. ``tests/test_house_picture.py``
checks that after.dot is the drawing of the code as it is.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAYER_COLOURS = {
    "policy": "#e8f1fb",
    "store": "#fdf1e3",
    "io": "#fdf1e3",
    "services": "#e9f7ec",
    "ui": "#f6e9f7",
    "cli": "#f6e9f7",
}


def _module(src: Path, path: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def room(module: str) -> str:
    parts = module.split(".")[1:]
    if not parts:
        return "kjdesk"
    if parts[0] in {"ui"} and len(parts) > 2 and parts[1] == "pages":
        return ".".join(parts[:3])
    if parts[0] in {"services", "ui", "cli", "policy", "store", "io"} and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def edges(src: Path) -> Counter[tuple[str, str]]:
    package = src / "kjdesk"
    modules = {_module(src, p): p for p in package.rglob("*.py") if "migrations" not in p.parts}
    counted: Counter[tuple[str, str]] = Counter()
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target.startswith("kjdesk") and room(target) != room(name):
                    counted[(room(name), room(target))] += 1
    return counted


def dot(src: Path, title: str) -> str:
    counted = edges(src)
    rooms = sorted({r for pair in counted for r in pair})
    lines = [
        f'digraph "{title}" {{',
        "  newrank=true; rankdir=LR; node [shape=box, style=filled, fontname=Helvetica, fontsize=10];",
        '  edge [color="#888888", arrowsize=0.6, fontsize=8];',
    ]
    for layer in ("cli", "ui", "services", "policy", "io", "store"):
        members = [r for r in rooms if r.split(".")[0] == layer]
        if not members:
            continue
        lines.append(f'  subgraph "cluster_{layer}" {{ label="{layer}/"; style=rounded; color="#bbbbbb";')
        for r in members:
            lines.append(f'    "{r}" [fillcolor="{LAYER_COLOURS[layer]}"];')
        lines.append("  }")
    for r in rooms:
        if r.split(".")[0] not in LAYER_COLOURS:
            lines.append(f'  "{r}" [fillcolor="#f0f0f0"];')
    for (a, b), n in sorted(counted.items()):
        lines.append(f'  "{a}" -> "{b}" [label="{n}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    src = Path(argv[0]) if argv else HERE.parent.parent / "src"
    name = argv[1] if len(argv) > 1 else "after"
    text = dot(src, name)
    (HERE / f"{name}.dot").write_text(text, encoding="utf-8")
    if shutil.which("dot"):
        subprocess.run(["dot", "-Tsvg", "-o", str(HERE / f"{name}.svg"), str(HERE / f"{name}.dot")], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])

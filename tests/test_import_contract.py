"""Dependencies point one way: a module may not import the packages its layer forbids."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (package prefix whose modules are checked, forbidden import prefixes)
_EDGE = ("router.transport", "router.config", "router.http", "router.prepare")

CONTRACTS: list[tuple[str, tuple[str, ...]]] = [
    ("shared", ("router", "subgraphs", "beyond")),
    ("router", ("subgraphs", "beyond")),
    ("router.errors", ("router",)),
    (
        "router.plan",
        ("router.supergraph", "router.operation", "router.planner", "router.execution", *_EDGE),
    ),
    ("router.operation", ("router.planner", "router.execution", *_EDGE)),
    ("router.planner", ("router.execution", *_EDGE)),
    ("router.execution", ("router.planner", "router.operation", "router.http", "router.prepare")),
    (
        "router.transport",
        ("router.plan", "router.planner", "router.execution", "router.http", "router.supergraph"),
    ),
    ("router.supergraph", ("router.planner", "router.execution", *_EDGE)),
    (
        "router.cache",
        ("router.planner", "router.operation", "router.execution", *_EDGE),
    ),
    ("router.prepare", ("router.transport", "router.execution", "router.http", "router.config")),
    ("subgraphs", ("router", "beyond")),
    ("contracts", ("router", "subgraphs", "beyond", "composition")),
    ("composition", ("router", "subgraphs", "shared", "beyond")),
]
# Every package whose modules must not import one another in a circle.
PACKAGES = ("shared", "router", "subgraphs", "beyond", "composition")


def _subgraph_names() -> list[str]:
    return sorted(p.name for p in (ROOT / "subgraphs").iterdir() if (p / "__init__.py").exists())


def _modules(package: str) -> Iterator[tuple[str, Path]]:
    base = ROOT.joinpath(*package.split("."))
    if not base.exists():
        return
    for path in sorted(base.rglob("*.py")):
        if "_pb2" in path.name:
            continue
        rel = path.relative_to(ROOT).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        yield ".".join(parts), path


def _imports(module: str, path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                is_package = path.name == "__init__.py"
                base = module.split(".")
                drop = node.level - 1 if is_package else node.level
                anchor = base[: len(base) - drop] if drop else base
                yield ".".join([*anchor, node.module] if node.module else anchor)
            elif node.module:
                yield node.module


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for module, path in _modules(package):
        for imported in _imports(module, path):
            if any(_matches(imported, f) for f in forbidden):
                found.append(f"{module} imports {imported}")
    return found


@pytest.mark.parametrize(("package", "forbidden"), CONTRACTS, ids=[c[0] for c in CONTRACTS])
def test_layer_imports_point_one_way(package: str, forbidden: tuple[str, ...]) -> None:
    assert _violations(package, forbidden) == []


@pytest.mark.parametrize("name", _subgraph_names())
def test_a_subgraph_imports_no_other_subgraph(name: str) -> None:
    others = tuple(f"subgraphs.{o}" for o in _subgraph_names() if o != name)
    assert _violations(f"subgraphs.{name}", others) == []


def _import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the modules it names in any import (under ``TYPE_CHECKING`` or in a function too).

    ``from package import name`` counts as importing ``package``; a name that is
    not a known module counts as its nearest known enclosing module.
    """
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for imported in _imports(module, path):
            parts = imported.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            if parts:
                targets.add(".".join(parts))
        graph[module] = targets - {module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_through_others() -> None:
    modules = {module: path for package in PACKAGES for module, path in _modules(package)}
    assert _cycles(_import_graph(modules)) == []


def test_the_cycle_check_sees_a_cycle_behind_type_checking(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from pkg.b import B\n")
    (tmp_path / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import A\n"
    )
    (tmp_path / "c.py").write_text("from pkg import a\n")
    modules = {f"pkg.{name}": tmp_path / f"{name}.py" for name in ("a", "b", "c")}
    assert _cycles(_import_graph(modules)) == [["pkg.a", "pkg.b"]]


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "mod.py"
    module.write_text("from router.execution import run\nimport subgraphs.accounts.schema\n")
    assert list(_imports("shared.mod", module)) == ["router.execution", "subgraphs.accounts.schema"]


WEB_FRAMEWORKS = ("strawberry", "fastapi", "starlette")


@pytest.mark.parametrize("name", _subgraph_names())
@pytest.mark.parametrize("layer", ["service", "models"])
def test_business_rules_and_tables_import_no_web_framework(name: str, layer: str) -> None:
    module = f"subgraphs.{name}.{layer}"
    path = ROOT / "subgraphs" / name / f"{layer}.py"
    imported = [i for i in _imports(module, path) if any(_matches(i, f) for f in WEB_FRAMEWORKS)]
    assert imported == [], f"{path.relative_to(ROOT)} imports {imported}: keep that in schema.py"

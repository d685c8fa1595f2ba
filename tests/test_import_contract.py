"""Dependencies point one way: a module may not import the packages its layer forbids."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (package prefix whose modules are checked, forbidden import prefixes)
CONTRACTS: list[tuple[str, tuple[str, ...]]] = [
    ("shared", ("router", "subgraphs", "beyond")),
    ("router", ("subgraphs", "beyond")),
    ("router.plan", ("router.supergraph", "router.planner", "router.execution", "router.http")),
    ("router.planner", ("router.execution", "router.http")),
    ("router.execution", ("router.planner", "router.http")),
    (
        "router.transport",
        ("router.plan", "router.planner", "router.execution", "router.http", "router.supergraph"),
    ),
    ("router.supergraph", ("router.planner", "router.execution", "router.http")),
    ("subgraphs", ("router", "beyond")),
    ("contracts", ("router", "subgraphs", "beyond", "composition")),
    ("composition", ("router", "subgraphs", "shared", "beyond")),
]


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

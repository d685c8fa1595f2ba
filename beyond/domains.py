"""The registry of Beyond's domains, discovered: every ``subgraphs/<name>/domain.py`` ``SPEC``.

Nothing lists the domains by hand. A folder under ``subgraphs/`` with an
``__init__.py`` is a domain; its ``domain.py`` must export ``SPEC``, a
:class:`~shared.domain.DomainSpec` named like the folder. Domains are ordered by
their HTTP port, which must be unique, as must gRPC ports; a domain may call
only domains that serve gRPC, and its settings must then hold their targets.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import Any

from shared.domain import DomainSpec, grpc_target_setting

ROOT = Path(__file__).resolve().parents[1]
SUBGRAPHS = ROOT / "subgraphs"

Spec = DomainSpec[Any, Any]

# What every domain folder holds: the spec, its settings, runtime and request context,
# the GraphQL layer (schema.py), the business rules (service.py, no Strawberry or
# FastAPI), the tables (models.py) and their migrations; and its tests.
REQUIRED_FILES = (
    "__init__.py",
    "domain.py",
    "settings.py",
    "runtime.py",
    "context.py",
    "schema.py",
    "service.py",
    "models.py",
    "migrations/env.py",
    "migrations/script.py.mako",
    "migrations/versions",
)
REQUIRED_TEST_FILES = ("__init__.py", "conftest.py", "test_migrations.py")


class DomainError(Exception):
    """A domain folder or spec breaks the rules above; the message names which and how."""


def domain_names(subgraphs: Path = SUBGRAPHS) -> list[str]:
    return sorted(
        path.name
        for path in subgraphs.iterdir()
        if (path / "__init__.py").exists() and not path.name.startswith("_")
    )


def missing_files(name: str, root: Path = ROOT) -> list[str]:
    """One line per file the domain ``name`` lacks (its folder, then its tests' folder)."""
    wanted = [root / "subgraphs" / name / f for f in REQUIRED_FILES]
    wanted += [root / "tests" / "subgraphs" / name / f for f in REQUIRED_TEST_FILES]
    return [
        f"domain {name} lacks {path.relative_to(root)} (see README: Adding a domain)"
        for path in wanted
        if not path.exists()
    ]


def _load(name: str) -> Spec:
    try:
        module = importlib.import_module(f"subgraphs.{name}.domain")
    except ModuleNotFoundError as exc:
        if exc.name != f"subgraphs.{name}.domain":
            raise
        raise DomainError(f"subgraphs/{name}/domain.py is missing: it must export SPEC") from None
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, DomainSpec):
        raise DomainError(f"subgraphs/{name}/domain.py must export SPEC, a DomainSpec")
    if spec.name != name:
        raise DomainError(f"subgraphs/{name}/domain.py: SPEC is named {spec.name!r}, not {name!r}")
    return spec


def check_specs(specs: list[Spec]) -> None:
    """Ports unique, gRPC calls only to domains that serve it, with a target setting for each."""
    by_name = {spec.name: spec for spec in specs}
    for kind, ports in (
        ("port", [spec.port for spec in specs]),
        ("grpc_port", [spec.grpc_port for spec in specs if spec.grpc_port is not None]),
    ):
        taken = sorted({port for port in ports if ports.count(port) > 1})
        if taken:
            raise DomainError(f"two domains share the {kind} {', '.join(map(str, taken))}")
    for spec in specs:
        for called in spec.calls:
            if called not in by_name or by_name[called].grpc_port is None:
                raise DomainError(f"{spec.name} calls {called}, which serves no gRPC")
            if grpc_target_setting(called) not in spec.settings.model_fields:
                raise DomainError(
                    f"{spec.name} calls {called}: its settings need {grpc_target_setting(called)}"
                )


@cache
def discover() -> dict[str, Spec]:
    """Every domain's spec by name, in port order."""
    specs = sorted((_load(name) for name in domain_names()), key=lambda spec: spec.port)
    check_specs(specs)
    return {spec.name: spec for spec in specs}


def export_sdls() -> dict[str, str]:
    """Each subgraph's SDL as its ``_service { sdl }`` would serve it, printed from code."""
    return {name: spec.build_schema().as_str() + "\n" for name, spec in discover().items()}

"""A custom directive some splits compose into the supergraph with ``@composeDirective``.

In about half the splits, most subgraphs link a spec of their own
(``https://specs.example.dev/audit/v1.0``), import its ``@audit`` (in some
splits renamed ``@trace``), define it, mark it ``@composeDirective`` and write
it on some of their types and fields. Composition keeps its definition, its
link and every use in the supergraph; Apollo's API schema, like every linked
feature's elements, drops it, and the router serves such a supergraph and
answers as without it. A random stream of its own decides all this, after the
rest of the split.
"""

from __future__ import annotations

import random

from tests.router.oracle.subgraph import Subgraph

SPEC = "https://specs.example.dev/audit/v1.0"
# Types it is never written on: an @interfaceObject's would land on the interface; an enum
# is not among its locations.
UNMARKED = ("Node", "Level")


def compose_directive(graphs: list[Subgraph], seed: int) -> None:
    rng = random.Random(f"composed-{seed}")
    if rng.random() < 0.5:
        return
    name = "trace" if rng.random() < 0.4 else "audit"
    imported = '[{name: "@audit", as: "@trace"}]' if name == "trace" else '["@audit"]'
    for graph in graphs:
        if rng.random() < 0.2:
            continue
        graph.schema_directives += [
            f'@link(url: "{SPEC}", import: {imported})',
            f'@composeDirective(name: "@{name}")',
        ]
        graph.definitions.append(
            f"directive @{name}(note: String) repeatable on OBJECT | INTERFACE | FIELD_DEFINITION"
        )
        for type_name, fields in graph.types.items():
            if type_name in UNMARKED:
                continue
            if rng.random() < 0.2:
                graph.type_directives.setdefault(type_name, []).append(_use(name, rng))
            for decl in fields.values():
                if not decl.external and rng.random() < 0.15:
                    decl.directives.append(_use(name, rng))


def _use(name: str, rng: random.Random) -> str:
    return (
        f'@{name}(note: "{rng.choice(("owner", "pii", "legacy"))}")'
        if rng.random() < 0.7
        else f"@{name}"
    )

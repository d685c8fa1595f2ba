"""Directives a split carries that change no answer: ``@tag``, ``@cost`` and ``@listSize``.

Each is written, seeded, on some of a split's types, fields and arguments
(``@listSize`` on list fields only: the ``limit`` argument as its slicing
argument where the field has one, else an assumed size). Apollo's composition
must accept them, and the router must answer as it does without them: it
drops them from the API schema, and its cost estimate reads neither (see the
README's limits), so no operation is refused or answered otherwise for them.
A separate random stream decides them, so a split's cut stays what it was
before they were generated.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.router.oracle.subgraph import FieldDecl, Subgraph

TAGS = ("public", "internal", "beta")


def annotate(graphs: list[Subgraph], seed: int) -> None:
    rng = random.Random(f"annotations-{seed}")
    # Composition refuses a tag that would merge onto a field some subgraph marks @external.
    external = {
        (type_name, name)
        for graph in graphs
        for type_name, fields in graph.types.items()
        for name, decl in fields.items()
        if decl.external
    }
    for graph in graphs:
        for type_name, fields in graph.types.items():
            marks = graph.type_directives.setdefault(type_name, [])
            if rng.random() < 0.2:
                marks.append(_tag(rng))
            if type_name not in ("Query", "Node") and rng.random() < 0.15:
                marks.append(f"@cost(weight: {rng.randint(1, 9)})")
            if type_name == "Level":
                continue
            for name, decl in fields.items():
                _annotate_field(
                    decl,
                    rng,
                    taggable=(type_name, name) not in external,
                    # A cost on an @interfaceObject's field would land on the interface's.
                    costed=type_name != "Node",
                )


def _annotate_field(decl: FieldDecl, rng: random.Random, *, taggable: bool, costed: bool) -> None:
    if rng.random() < 0.2 and taggable:
        decl.directives.append(_tag(rng))
    if decl.external:
        return
    if rng.random() < 0.15 and costed:
        decl.directives.append(f"@cost(weight: {rng.randint(1, 9)})")
    if decl.type.startswith("[") and rng.random() < 0.3:
        if "limit: Int" in decl.arguments:
            decl.directives.append(
                '@listSize(slicingArguments: ["limit"], requireOneSlicingArgument: false)'
            )
        else:
            decl.directives.append(f"@listSize(assumedSize: {rng.randint(1, 50)})")
    for argument in decl.arguments[1:-1].split(", ") if decl.arguments else ():
        name = argument.split(":")[0]
        marks = []
        if rng.random() < 0.2:
            marks.append(_tag(rng))
        if rng.random() < 0.15:
            marks.append(f"@cost(weight: {rng.randint(1, 9)})")
        if marks:
            decl.argument_directives[name] = marks


def _tag(rng: random.Random) -> str:
    return f'@tag(name: "{rng.choice(TAGS)}")'

"""One subgraph's definition of a type being merged, and what the sources of an element
say together: the description, ``@inaccessible``, ``@tag`` and ``@deprecated``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graphql import GraphQLNamedType, print_ast

from composition.facts import SubgraphFacts
from composition.model import directive, literal
from composition.subgraph import Element, Subgraph, applied, argument, has


@dataclass(frozen=True)
class Source:
    """One subgraph's definition of the type being merged."""

    index: int
    subgraph: Subgraph
    facts: SubgraphFacts
    graph: str
    type: GraphQLNamedType


def merge_description(elements: Sequence[Element | None]) -> str | None:
    """The most common description; the first one on a tie."""
    counts: dict[str, int] = {}
    for element in elements:
        description = getattr(element, "description", None) if element is not None else None
        if description is None:
            continue
        counts[description] = counts.get(description, 0) + (1 if description else -(10**9))
    if not counts:
        return None
    best = max(counts.values())
    return next(d for d, c in counts.items() if c == best)


def tags_and_flags(elements: Sequence[Element | None]) -> tuple[bool, list[str]]:
    """Whether any source is @inaccessible, and the @tag applications (deduplicated)."""
    inaccessible = False
    tags: list[str] = []
    for element in elements:
        if element is None:
            continue
        inaccessible |= has(element, "inaccessible")
        for tag in applied(element, "tag"):
            rendered = directive("tag", ("name", literal(str(argument(tag, "name")))))
            if rendered not in tags:
                tags.append(rendered)
    return inaccessible, tags


def deprecation(elements: Sequence[Element | None]) -> list[str]:
    for element in elements:
        if element is not None:
            for node in applied(element, "deprecated"):
                return [print_ast(node)]
    return []

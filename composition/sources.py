"""One subgraph's definition of a type being merged, and what the sources of an element
say together: the description, ``@inaccessible``, ``@tag`` and ``@deprecated``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graphql import GraphQLNamedType, print_ast

from composition.access import ACCESS_DIRECTIVES, access_directive
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


def is_inaccessible(elements: Sequence[Element | None]) -> bool:
    """Whether any source marks the element @inaccessible."""
    return any(element is not None and has(element, "inaccessible") for element in elements)


# Directives copied into the supergraph besides @inaccessible (which is printed first).
MERGED_DIRECTIVES = ("tag", "deprecated", "specifiedBy", *ACCESS_DIRECTIVES)


def merged_directives(
    elements: Sequence[Element | None], *, access_order: Sequence[str] = ()
) -> list[str]:
    """The directives the supergraph carries for an element, in order of first appearance
        across its sources: every distinct @tag, the first @deprecated and @specifiedBy, and
        the access-control directives merged. With ``access_order`` (for fields), those come
    first, in that order (the supergraph's spec link order), as in Apollo."""
    order: list[str] = []
    for element in elements:
        if element is None:
            continue
        for node in (element.ast_node, *(getattr(element, "extension_ast_nodes", None) or ())):
            for applied_directive in getattr(node, "directives", None) or ():
                name = applied_directive.name.value
                if name in MERGED_DIRECTIVES and name not in order:
                    order.append(name)
    if access_order:
        order.sort(
            key=lambda n: list(access_order).index(n) if n in access_order else len(access_order)
        )
    rendered: list[str] = []
    for name in order:
        if name == "tag":
            tags = [
                directive("tag", ("name", literal(str(argument(node, "name")))))
                for element in elements
                if element is not None
                for node in applied(element, "tag")
            ]
            rendered.extend(dict.fromkeys(tags))
        elif name in ACCESS_DIRECTIVES:
            rendered.append(access_directive(elements, name))
        else:  # not repeatable: the application most sources agree on (first on a tie)
            printed = [
                print_ast(node)
                for element in elements
                if element is not None
                for node in applied(element, name)
            ]
            rendered.append(max(dict.fromkeys(printed), key=printed.count))
    return rendered

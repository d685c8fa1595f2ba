"""Access-control directives (``@authenticated``, ``@requiresScopes``, ``@policy``) carried
into the supergraph, each under its own spec link, as Apollo composes them.

Scopes and policies are lists of alternatives (an OR of ANDs). Sources that restrict the
same element all apply, so their lists combine as a product: each merged alternative
joins one alternative of every source (sorted and deduplicated); a single source is kept
as written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import product

from composition.model import directive, literal
from composition.subgraph import Element, Subgraph, applied, argument

# directive name -> (argument holding the alternatives, its scalar), in the order Apollo
# applies them to fields
ACCESS_DIRECTIVES: dict[str, tuple[str, str] | None] = {
    "authenticated": None,
    "requiresScopes": ("scopes", "requiresScopes__Scope"),
    "policy": ("policies", "policy__Policy"),
}
LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"


def access_directive(elements: Sequence[Element | None], name: str) -> str:
    """One access-control directive of an element, merged over its sources."""
    spec = ACCESS_DIRECTIVES[name]
    if spec is None:
        return directive(name)
    alternatives = [
        [[str(v) for v in clause] for clause in argument(node, spec[0]) or []]
        for element in elements
        if element is not None
        for node in applied(element, name)
    ]
    combined = (
        alternatives[0]
        if len(alternatives) == 1
        else list(
            dict.fromkeys(tuple(sorted(set().union(*choice))) for choice in product(*alternatives))
        )
    )
    rendered = (
        "["
        + ", ".join("[" + ", ".join(literal(v) for v in clause) + "]" for clause in combined)
        + "]"
    )
    return directive(name, (spec[0], rendered))


def used_specs(
    subgraphs: Sequence[Subgraph], elements_of: Callable[[Subgraph], list[Element]]
) -> list[str]:
    """The specs copied into the supergraph that some subgraph uses (``tag``,
    ``inaccessible`` and the access-control ones), in the order Apollo links them: by
    subgraph, and in a fixed order within one subgraph."""
    used: list[str] = []
    for subgraph in subgraphs:
        elements = elements_of(subgraph)
        for name in ("tag", "inaccessible", *ACCESS_DIRECTIVES):
            if name not in used and any(applied(element, name) for element in elements):
                used.append(name)
    return used


def access_definitions(
    used: Sequence[str],
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Directive definitions, scalar definitions and schema links of the used access-control
    directives (other names in ``used`` are ignored)."""
    directives: dict[str, str] = {}
    scalars: dict[str, str] = {}
    links: dict[str, str] = {}
    for name in used:
        if name not in ACCESS_DIRECTIVES:
            continue
        spec = ACCESS_DIRECTIVES[name]
        links[name] = directive(
            "link", ("url", literal(f"https://specs.apollo.dev/{name}/v0.1")), ("for", "SECURITY")
        )
        if spec is None:
            directives[name] = f"directive @{name} on {LOCATIONS}"
        else:
            directives[name] = f"directive @{name}({spec[0]}: [[{spec[1]}!]!]!) on {LOCATIONS}"
            scalars[spec[1]] = f"scalar {spec[1]}"
    return directives, scalars, links

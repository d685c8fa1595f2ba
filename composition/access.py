"""Access-control directives (``@authenticated``, ``@requiresScopes``, ``@policy``) carried
into the supergraph, each under its own spec link, as Apollo composes them.

Scopes and policies are lists of alternatives (an OR of ANDs). Sources that restrict the
same element all apply, so their distinct lists combine conjunctively, as Apollo's
``DNF_CONJUNCTION`` does: each list's alternatives sorted (names within one, then the
alternatives), the product taken in source order, each merged alternative sorted and kept
once, and an alternative holding all of a shorter one dropped (it adds nothing); an empty
list means no restriction. A single distinct list is kept as written.

Interfaces and their fields cannot carry them (``AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE``);
the supergraph gives each interface what all its implementations need and each interface
field what the field needs on every implementation, ahead of its other directives.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from graphql import GraphQLNamedType

from composition.facts import SubgraphFacts
from composition.model import MergedType, directive, literal
from composition.subgraph import Element, Subgraph, applied, argument


class Source(Protocol):
    """What propagation reads of one subgraph's definition of a type (``composition.sources.Source``)."""

    @property
    def type(self) -> GraphQLNamedType: ...

    @property
    def facts(self) -> SubgraphFacts: ...


# directive name -> (argument holding the alternatives, its scalar), in the order Apollo
# applies them to fields
ACCESS_DIRECTIVES: dict[str, tuple[str, str] | None] = {
    "authenticated": None,
    "requiresScopes": ("scopes", "requiresScopes__Scope"),
    "policy": ("policies", "policy__Policy"),
}
LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"


Alternatives = list[list[str]]


def access_directive(elements: Sequence[Element | None], name: str) -> str:
    """One access-control directive of an element, merged over its sources."""
    return _render(name, _merged(_applications(elements, name)))


def propagate_to_interfaces(
    types: Mapping[str, MergedType],
    sources: Mapping[str, Sequence[Source]],
    access_order: Sequence[str],
) -> None:
    """Give each interface and its fields their implementations' requirements (in place)."""
    for interface in types.values():
        if interface.kind != "interface":
            continue
        implementations = [
            t.name for t in types.values() if t.kind == "object" and interface.name in t.interfaces
        ]
        interface.directives[:0] = _implied(
            [[s.type for s in sources[name]] for name in implementations], access_order
        )
        for field_name, merged_field in interface.fields.items():
            fields: list[list[Element]] = [
                [
                    s.type.fields[field_name]  # type: ignore[attr-defined]
                    for s in sources[name]
                    if field_name in s.type.fields  # type: ignore[attr-defined]
                    and f"{name}.{field_name}" not in s.facts.removed
                ]
                for name in implementations
            ]
            merged_field.directives[:0] = _implied(fields, access_order)


def _implied(implementations: list[list[Element]], access_order: Sequence[str]) -> list[str]:
    """The directives an interface element gets from its implementations' (each given by
    its sources), in the supergraph's spec link order."""
    rendered: list[str] = []
    for name in access_order:
        values = [
            _merged(applications)
            for elements in implementations
            if (applications := _applications(elements, name))
        ]
        if values:
            rendered.append(_render(name, _merged(values)))
    return rendered


def _applications(elements: Sequence[Element | None], name: str) -> list[Alternatives]:
    """The alternatives of each application of ``name`` (one empty list for @authenticated)."""
    spec = ACCESS_DIRECTIVES[name]
    return [
        [[str(v) for v in clause] for clause in argument(node, spec[0]) or []] if spec else []
        for element in elements
        if element is not None
        for node in applied(element, name)
    ]


def _merged(values: list[Alternatives]) -> Alternatives:
    distinct = [v for i, v in enumerate(values) if v not in values[:i]]
    if len(distinct) == 1:
        return distinct[0]
    operands: list[Alternatives] = []
    for value in distinct:
        normal = sorted((sorted(clause) for clause in value or [[]]), key=_json)
        if normal not in operands:
            operands.append(normal)
    result = operands[0]
    for operand in operands[1:]:
        joined: Alternatives = []
        for ours in result:
            for theirs in operand:
                candidate = sorted(ours + [name for name in theirs if name not in ours])
                if candidate not in joined:
                    joined.append(candidate)
        joined.sort(key=len)
        result = []
        for candidate in joined:
            if not any(set(kept) <= set(candidate) for kept in result):
                result.append(candidate)
    return result


def _json(clause: list[str]) -> str:
    """A clause as JavaScript's ``JSON.stringify`` writes it (Apollo sorts by that)."""
    return json.dumps(clause, separators=(",", ":"))


def _render(name: str, alternatives: Alternatives) -> str:
    spec = ACCESS_DIRECTIVES[name]
    if spec is None:
        return directive(name)
    rendered = ", ".join(
        "[" + ", ".join(literal(v) for v in clause) + "]" for clause in alternatives
    )
    return directive(name, (spec[0], f"[{rendered}]"))


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

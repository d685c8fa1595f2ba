"""Two subgraphs that both define ``@watch(by:)`` on operations and fragments, and ``@note`` on spreads.

Composition keeps both (every subgraph defines them), so the router may pass
them on. ``harbor`` lists towers (keyed by ``id``) with their ``name`` and
other marks (``Buoy``, which only ``harbor`` knows) behind the ``Mark``
interface; ``lighthouse`` adds each tower's ``lamp``. Each subgraph has a
``...Watch`` field, at the root and on ``Tower``, that answers with the
``by:`` of every ``@watch`` around it in the request its subgraph received:
the operation's first, then each enclosing fragment's, outermost first. So
the answer shows which subgraph saw which directive around which field.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import (
    DirectiveNode,
    FieldNode,
    InlineFragmentNode,
    SelectionNode,
    ValueNode,
    value_from_ast_untyped,
)
from strawberry.directive import DirectiveLocation

from tests.router.subgraph_apps import asgi_apps, federated_schema

TOWERS = {"t1": ("North Mole", "red"), "t2": ("Pier Head", "green")}
_LOCATIONS = [
    DirectiveLocation.QUERY,
    DirectiveLocation.INLINE_FRAGMENT,
    DirectiveLocation.FRAGMENT_SPREAD,
]


@strawberry.directive(locations=_LOCATIONS, name="watch")
def watch(by: str) -> None:
    """Never resolved: no field carries it; ``...Watch`` fields read it from the request."""


@strawberry.directive(locations=[DirectiveLocation.FRAGMENT_SPREAD], name="note")
def note(text: str) -> None:
    """Allowed on spreads only, so it cannot reach a subgraph on an inline fragment."""


def watchers(info: strawberry.Info) -> list[str]:
    """The ``by:`` of each ``@watch`` around the field being resolved, operation first."""
    keys = [key for key in info.path.as_list() if isinstance(key, str)]
    around = _around(info.operation.selection_set.selections, keys) or []
    found: list[str] = []
    for value in [*_watched(info.operation.directives), *around]:
        by = str(value_from_ast_untyped(value, info.variable_values))
        if by not in found:
            found.append(by)
    return found


def _around(selections: tuple[SelectionNode, ...], keys: list[str]) -> list[ValueNode] | None:
    """``@watch`` values of the fragments on the way to the field at ``keys``; ``None`` if absent."""
    heard: list[ValueNode] | None = None
    for selection in selections:
        own: list[ValueNode] = []
        if isinstance(selection, InlineFragmentNode):
            own = _watched(selection.directives)
            inner = _around(selection.selection_set.selections, keys)
        elif (
            isinstance(selection, FieldNode)
            and (selection.alias or selection.name).value == keys[0]
        ):
            below = selection.selection_set.selections if selection.selection_set else ()
            inner = [] if len(keys) == 1 else _around(below, keys[1:])
        else:
            continue
        if inner is not None:
            heard = heard or []
            heard.extend([*own, *inner])
    return heard


def _watched(directives: tuple[DirectiveNode, ...] | None) -> list[ValueNode]:
    return [
        argument.value
        for directive in directives or ()
        if directive.name.value == "watch"
        for argument in directive.arguments or ()
    ]


@strawberry.interface
class Mark:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class Tower(Mark):
    name: str

    @strawberry.field
    def harbor_watch(self, info: strawberry.Info) -> list[str]:
        return watchers(info)


@strawberry.type
class Buoy(Mark):
    depth: int


@strawberry.type
class HarborQuery:
    @strawberry.field
    def towers(self) -> list[Tower]:
        return [Tower(id=strawberry.ID(id), name=row[0]) for id, row in TOWERS.items()]

    @strawberry.field
    def marks(self) -> list[Mark]:
        return [
            Tower(id=strawberry.ID("t1"), name=TOWERS["t1"][0]),
            Buoy(id=strawberry.ID("b1"), depth=7),
        ]

    @strawberry.field
    def harbor_watch(self, info: strawberry.Info) -> list[str]:
        return watchers(info)


@strawberry.federation.type(keys=["id"], name="Tower")
class LitTower:
    id: strawberry.ID
    lamp: str

    @strawberry.field
    def lighthouse_watch(self, info: strawberry.Info) -> list[str]:
        return watchers(info)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> LitTower:
        return LitTower(id=id, lamp=TOWERS[id][1])


@strawberry.type
class LighthouseQuery:
    @strawberry.field
    def lighthouse_watch(self, info: strawberry.Info) -> list[str]:
        return watchers(info)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "harbor": federated_schema(HarborQuery, [Tower, Buoy, Mark], [watch, note]),
    "lighthouse": federated_schema(LighthouseQuery, [LitTower], [watch, note]),
}


def lookout_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

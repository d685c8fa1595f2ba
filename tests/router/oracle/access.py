"""Who may see what in a split, and what a request without that access is answered.

:func:`protect` marks, seeded, some of a split's fields and types
``@authenticated`` or ``@requiresScopes`` (the same on every subgraph that
declares them; never a key, a field some subgraph marks ``@external``, an
input of ``@requires`` or ``Node``'s fields), and, from a random stream of
its own (the other marks stay where they were), some other fields of some
splits ``@policy``. The router asks the policy evaluator :func:`evaluating`
serves, which finds a policy satisfied when the token grants the scope of
the same name, so :func:`met` decides policies as it decides scopes. The
oracle then asks each operation anonymously and with a token.

:func:`unauthorized` is the README's rule (Authorization) written over the
client's document, independently of the router: a field is removed when its
own requirement or its return type's is unmet (a field returning an abstract
type and selecting fields outside fragments needs every possible type's); a
fragment whose type condition's requirement is unmet is removed whole, judged
as written: one on an abstract type too, even where some of its possible
types are public (composition gives an interface its implementations'
requirements); a field left with nothing to select is removed too, without
an error of its own. Removed fields and the fields of removed fragments
answer ``null`` (bubbling through non-null positions), but for those a
removed fragment defers, or that a removed fragment deferred itself holds
(``deferred``: the fragments deferred with the request's variables): the
router plans nothing the removed fragment holds, so they are neither
delivered nor null, and a field selecting nothing else
is removed as one left with nothing to select; each removal is one
error at its path, once a path (a fragment's, once per path and type condition), ``"@"``
for every list position, whatever the data (a removed field under ``@skip``
is still reported: the router decides before it reads variables).
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
)
from graphql.type.definition import GraphQLNamedType
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.router.live_server import serving
from tests.router.oracle.world import ENTITIES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tests.router.oracle.subgraph import Subgraph

# The requirements a split draws from, as written, and the scope sets its tokens hold.
REQUIREMENTS = (
    "@authenticated",
    '@requiresScopes(scopes: [["read"]])',
    '@requiresScopes(scopes: [["read", "write"], ["admin"]])',
)
# Policies, named after the scopes that satisfy them (written unimported, so the
# subgraphs' @link stays as it is).
POLICIES = (
    '@federation__policy(policies: [["read"]])',
    '@federation__policy(policies: [["write"], ["admin"]])',
)
TOKENS: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"read"}),
    frozenset({"read", "write"}),
    frozenset({"admin"}),
)
PROTECTABLE_TYPES = ("Product", "Review", "User", "Category", "Level")
UNAUTHORIZED = "Unauthorized field or type"


def met(requirement: str | None, scopes: frozenset[str] | None) -> bool:
    """Whether a request with ``scopes`` (``None``: no token) meets ``requirement``
    (a policy: whether the oracle's evaluator finds it satisfied)."""
    if requirement is None:
        return True
    if scopes is None:
        return False
    if requirement == "@authenticated":
        return True
    options = requirement.split("[[", 1)[1].rsplit("]]", 1)[0].split("], [")
    return any({s.strip('"') for s in option.split(", ")} <= scopes for option in options)


def allowed(marks: Sequence[str], scopes: frozenset[str] | None) -> bool:
    """Whether a request with ``scopes`` meets every one of ``marks``."""
    return all(met(mark, scopes) for mark in marks)


@dataclass
class Requirements:
    """The marks on each type and field (all of them to be met), as written."""

    types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fields: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.types or self.fields)

    def policed(self) -> bool:
        marks = [*self.types.values(), *self.fields.values()]
        return any(mark in POLICIES for found in marks for mark in found)


def protect(graphs: list[Subgraph], seed: int) -> Requirements:
    """Mark about half the splits: one to three fields, and a type one time in two; one or
    two other fields ``@policy`` on two splits in five; and, on a stream of its own, a type
    ``@policy`` in a split in four (beside its requirement, if it has one) and in another
    in four a field both ``@policy`` and ``@authenticated`` or ``@requiresScopes``."""
    rng = random.Random(f"access-{seed}")
    needs = Requirements()
    excluded = {
        (type_name, name)
        for graph in graphs
        for type_name, fields in graph.types.items()
        for name, decl in fields.items()
        if decl.external or decl.requires
    }
    candidates = sorted(
        {
            (type_name, name)
            for graph in graphs
            for type_name, fields in graph.types.items()
            for name in fields
            if type_name not in ("Node", "Level", "Category")
            and name not in ("id", "label", "price", "weight")
            and (type_name, name) not in excluded
        }
    )
    if rng.random() >= 0.5:
        for chosen in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
            needs.fields[chosen] = (rng.choice(REQUIREMENTS),)
        if rng.random() < 0.5:
            needs.types[rng.choice(PROTECTABLE_TYPES)] = (rng.choice(REQUIREMENTS),)
    policed = random.Random(f"policies-{seed}")
    if policed.random() < 0.4:
        free = [c for c in candidates if c not in needs.fields]
        for chosen in policed.sample(free, min(len(free), policed.randint(1, 2))):
            needs.fields[chosen] = (policed.choice(POLICIES),)
    beside = random.Random(f"policies-beside-{seed}")
    if beside.random() < 0.25:
        type_name = beside.choice(PROTECTABLE_TYPES)
        needs.types[type_name] = (*needs.types.get(type_name, ()), beside.choice(POLICIES))
    if beside.random() < 0.25:
        chosen = beside.choice(candidates)
        marks = needs.fields.get(chosen, ())
        if not set(marks) & set(REQUIREMENTS):
            marks = (beside.choice(REQUIREMENTS), *marks)
        if not set(marks) & set(POLICIES):
            marks = (*marks, beside.choice(POLICIES))
        needs.fields[chosen] = marks
    for graph in graphs:
        for type_name, fields in graph.types.items():
            if type_name in needs.types:
                graph.type_directives.setdefault(type_name, []).extend(needs.types[type_name])
            for name, decl in fields.items():
                decl.directives.extend(needs.fields.get((type_name, name), ()))
    return needs


@asynccontextmanager
async def evaluating(graphs: Sequence[Subgraph]) -> AsyncIterator[dict[str, Any]]:
    """The router's configuration tables for ``graphs``: where they name policies, a policy
    evaluator (served while the context lasts) granting those named after the token's scopes."""
    if not requirements(list(graphs)).policed():
        yield {}
        return

    async def decide(request: Request) -> JSONResponse:
        asked = await request.json()
        scopes = str((asked["claims"] or {}).get("scope", "")).split()
        return JSONResponse({"satisfied": [p for p in asked["policies"] if p in scopes]})

    app = Starlette(routes=[Route("/policies", decide, methods=["POST"])])
    async with serving(app, path="/policies") as url:
        # A generous timeout: a late answer would remove fields the model keeps.
        yield {"policy_evaluator": {"url": url, "timeout": 30.0}}


def requirements(graphs: list[Subgraph]) -> Requirements:
    """The requirements ``graphs`` carry, read back from their directives."""
    types: dict[str, dict[str, None]] = {}
    fields: dict[tuple[str, str], dict[str, None]] = {}
    for graph in graphs:
        for type_name, marks in graph.type_directives.items():
            for mark in marks:
                if mark in REQUIREMENTS or mark in POLICIES:
                    types.setdefault(type_name, {})[mark] = None
                    if type_name in ENTITIES:
                        # Composition gives an interface its implementations' requirements.
                        types.setdefault("Node", {})[mark] = None
        for type_name, declared in graph.types.items():
            for name, decl in declared.items():
                for mark in decl.directives:
                    if mark in REQUIREMENTS or mark in POLICIES:
                        fields.setdefault((type_name, name), {})[mark] = None
    return Requirements(
        {name: tuple(marks) for name, marks in types.items()},
        {key: tuple(marks) for key, marks in fields.items()},
    )


@dataclass
class Verdict:
    """What a request may not see in one operation: the error paths, the selections
    answering null: ``(offset of the field node in the document, concrete parent type)``,
    and the fragments answering nothing at all."""

    errors: list[list[str]] = field(default_factory=list)
    nulled: set[tuple[int, str]] = field(default_factory=set)
    # The offsets of the deferred fragments inside removed ones: never delivered.
    absent: set[int] = field(default_factory=set)


def unauthorized(
    schema: GraphQLSchema,
    document: DocumentNode,
    needs: Requirements,
    scopes: frozenset[str] | None,
    deferred: frozenset[int] = frozenset(),
) -> Verdict:
    """The verdict on ``document`` (parsed with locations, ``deferred`` the offsets of the
    fragments deferred with the request's variables)."""
    walk = _Walk(schema, document, needs, scopes, deferred)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    root = schema.get_root_type(operation.operation)
    assert root is not None
    walk.selections(root, operation.selection_set, (root.name,), ())
    return walk.verdict


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        needs: Requirements,
        scopes: frozenset[str] | None,
        deferred: frozenset[int],
    ) -> None:
        self.schema = schema
        self.needs = needs
        self.scopes = scopes
        self.deferred = deferred
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.verdict = Verdict()
        self.reported: set[tuple[object, ...]] = set()
        self.silent = 0

    def possible(self, type_: GraphQLNamedType) -> tuple[str, ...]:
        if is_abstract_type(type_):
            return tuple(t.name for t in self.schema.get_possible_types(type_))  # type: ignore[arg-type]
        return (type_.name,)

    def type_met(self, name: str) -> bool:
        return allowed(self.needs.types.get(name, ()), self.scopes)

    def _report(self, key: tuple[object, ...], path: list[str]) -> None:
        if not self.silent and key not in self.reported:
            self.reported.add(key)
            self.verdict.errors.append(path)

    def selections(
        self,
        field_type: GraphQLNamedType,
        selection_set: SelectionSetNode,
        applies_to: tuple[str, ...],
        path: tuple[str, ...],
    ) -> dict[str, bool]:
        """Walk ``selection_set`` (under a field of ``field_type``; its selections apply to
        objects of the types ``applies_to``); by concrete type, whether anything is left."""
        left = dict.fromkeys(applies_to, False)
        fragmented: dict[str, list[FieldNode]] = {}
        self._collect(field_type, selection_set, applies_to, False, fragmented, path)
        direct: list[FieldNode] = []
        self._direct(field_type, selection_set, direct)
        for node in direct:
            for type_name, kept in self.field(field_type, node, applies_to, path).items():
                left[type_name] = left[type_name] or kept
        for type_name, nodes in fragmented.items():
            if not self.type_met(type_name):
                self._report(("fragment", path, type_name), list(path))
                for node in nodes:
                    self._null(node, (type_name,))
                continue
            for node in nodes:
                kept = self.field(field_type, node, (type_name,), path)[type_name]
                left[type_name] = left[type_name] or kept
        return left

    def _direct(
        self,
        field_type: GraphQLNamedType,
        selection_set: SelectionSetNode,
        found: list[FieldNode],
    ) -> None:
        """The fields selected on ``field_type`` itself: directly or through fragments on it."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.append(selection)
                continue
            inner = self._fragment(selection)
            if inner is not None and inner[0] in (None, field_type.name):
                self._direct(field_type, inner[1], found)

    def _collect(
        self,
        field_type: GraphQLNamedType,
        selection_set: SelectionSetNode,
        applies_to: tuple[str, ...],
        inside: bool,
        found: dict[str, list[FieldNode]],
        path: tuple[str, ...],
    ) -> None:
        """The fields selected through fragments on other types, by concrete type; fragments
        on an abstract type the request may not see are removed (at ``path``)."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if inside:
                    for type_name in applies_to:
                        found.setdefault(type_name, []).append(selection)
                continue
            inner = self._fragment(selection)
            if inner is None:
                continue
            offset = position(selection)
            if self.silent and offset in self.deferred:
                # Deferred inside a removed fragment: the router plans none of it.
                self.verdict.absent.add(offset)
                continue
            condition, selections = inner
            if condition is None or (condition == field_type.name and not inside):
                self._collect(field_type, selections, applies_to, inside, found, path)
                continue
            written = self.schema.type_map[condition]
            narrowed = self.possible(written)
            applies = tuple(t for t in applies_to if t in narrowed)
            if is_abstract_type(written) and not self.type_met(condition):
                # Judged as written: the whole fragment goes, whatever its types allow.
                self._report(("fragment", path, condition), list(path))
                if offset in self.deferred:
                    # Deferred itself: asked for later, not in the object, and never delivered.
                    self.verdict.absent.add(offset)
                    continue
                removed: dict[str, list[FieldNode]] = {}
                # What it selected goes with it: nothing inside is reported again.
                self.silent += 1
                self._collect(field_type, selections, applies, True, removed, path)
                self.silent -= 1
                for type_name, nodes in removed.items():
                    for node in nodes:
                        self._null(node, (type_name,))
                continue
            for type_name in applies:
                # A fragment on each possible type, even one that selects nothing there.
                found.setdefault(type_name, [])
            # A fragment on a type the request may not see goes whole (reported by the
            # caller): nothing inside it is reported.
            hidden = not is_abstract_type(written) and not self.type_met(condition)
            if hidden and offset in self.deferred:
                self.verdict.absent.add(offset)  # reported by the caller, as any hidden one
                continue
            self.silent += hidden
            self._collect(field_type, selections, applies, True, found, path)
            self.silent -= hidden

    def _fragment(self, selection: object) -> tuple[str | None, SelectionSetNode] | None:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            return (condition.name.value if condition else None, selection.selection_set)
        if isinstance(selection, FragmentSpreadNode):
            fragment = self.fragments[selection.name.value]
            return fragment.type_condition.name.value, fragment.selection_set
        return None

    def field(
        self,
        parent: GraphQLNamedType,
        node: FieldNode,
        applies_to: tuple[str, ...],
        path: tuple[str, ...],
    ) -> dict[str, bool]:
        """Whether ``node`` is kept, for objects of each type in ``applies_to``."""
        name = node.name.value
        if name == "__typename":
            return dict.fromkeys(applies_to, True)
        response = node.alias.value if node.alias else name
        kept: dict[str, bool] = {}
        for type_name in applies_to:
            owner = self.schema.type_map[type_name]
            definition = owner.fields[name]  # type: ignore[attr-defined]
            returned = get_named_type(definition.type)
            here = (*path, response)
            needed = [
                *self.needs.fields.get((type_name, name), ()),
                *self.needs.types.get(returned.name, ()),
            ]
            if is_abstract_type(returned) and node.selection_set is not None:
                direct: list[FieldNode] = []
                self._direct(returned, node.selection_set, direct)
                if any(n.name.value != "__typename" for n in direct):
                    for possible in self.possible(returned):
                        needed += self.needs.types.get(possible, ())
            if not allowed(needed, self.scopes):
                self._report(("field", here), list(here))
                self._null(node, (type_name,))
                kept[type_name] = False
                continue
            if node.selection_set is None:
                kept[type_name] = True
                continue
            inner = (*here, *("@",) * str(definition.type).count("["))
            left = self.selections(returned, node.selection_set, self.possible(returned), inner)
            kept[type_name] = any(left.values())
            if not kept[type_name]:
                self._null(node, (type_name,))
        return kept

    def _null(self, node: FieldNode, types: tuple[str, ...]) -> None:
        for type_name in types:
            self.verdict.nulled.add((position(node), type_name))


def position(node: Node) -> int:
    """Where ``node`` starts in the document: the same in every copy of it."""
    assert node.loc is not None
    return node.loc.start

"""The walk: place every selection of the operation into fetch groups.

Depth first over the normalised operation. At each place (a group, a spot
in its selection, the type there, the response path, what ``@provides``
grants on this path, the conditions guarding it) a field the group's
subgraph answers joins the group and the walk descends; the fields it cannot
answer are grouped by :mod:`.cover` into ``_entities`` hops priced by
:mod:`.cost`, and each hop first makes sure the representation's key and
``@requires`` selections are fetched (``require``, the same walk for internal
fields, possibly hopping again) before the hop's group. Internal fields get an
alias when their response name is taken at that path by something else.
Selections under a value type that the subgraph cannot answer (there is no
key to hop with) are handed back up: the nearest entity asks the enclosing
field again from another subgraph, or the root asks the root field again.
A client field carrying deferred fragments records where it was placed
(:attr:`Walker.deferrals`); the deferred fragment is planned later from that
place, in ``deferring`` mode: its fields are all asked through hops (their
own fetches) rather than added to the fetch that brought the object.
A hop is refused only while the same subgraph is already being entered at the
same path for the same selection: a requirement may lead back into the
requiring subgraph for other fields (b → a → b).
Cost: each selection is placed once; choosing a hop costs one estimate per
option, and estimates are memoised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from router.operation import Condition, Deferred, Field, Fragment, Selection
from router.plan.nodes import ValueSetter
from router.planner.budget import Budget
from router.planner.capabilities import (
    ROOT_ONLY_FIELDS,
    Capabilities,
    Hop,
    answers_all,
)
from router.planner.contexts import require_contexts
from router.planner.cost import CostModel
from router.planner.cover import cover
from router.planner.divergence import unmarked
from router.planner.errors import UnsatisfiableField
from router.planner.fetch_graph import FetchGraph, FetchGroup
from router.planner.place import Place
from router.planner.selection_builder import SelectionBuilder, canonical, conflicts, merge_into
from router.supergraph import Key


class Walker:
    def __init__(
        self,
        fetch_graph: FetchGraph,
        capabilities: Capabilities,
        cost: CostModel,
        budget: Budget,
        root_place: Callable[[str], Place],
        client_variables: frozenset[str] = frozenset(),
        divergent: frozenset[tuple[str, ...]] = frozenset(),
    ) -> None:
        self.fetch_graph = fetch_graph
        self.caps = capabilities
        self.cost = cost
        self.budget = budget
        self.root_place = root_place
        self.client_variables = client_variables
        self.divergent = divergent
        self.names: dict[tuple[str, ...], dict[str, tuple[str, tuple[tuple[str, str], ...]]]] = {}
        self.in_progress: set[tuple[str, tuple[str, ...], str]] = set()
        self.deferrals: list[tuple[Place, Deferred]] = []

    def take_deferrals(self) -> list[tuple[Place, Deferred]]:
        """The deferred fragments met since the last call, with the place of their parent."""
        taken, self.deferrals = self.deferrals, []
        return taken

    # -- client selections ---------------------------------------------------
    def plan(
        self, place: Place, selections: tuple[Selection, ...], *, deferring: bool = False
    ) -> list[Selection]:
        """Place client ``selections``; returns what cannot be fetched from this place.

        Left over are selections under a value type (no key) that this
        subgraph does not answer: the caller fetches the enclosing field again
        from a subgraph that does, from the nearest entity or from the root.
        ``deferring``: the selections of a deferred fragment, which hop even
        when the place's subgraph answers them (left over when no hop can).
        """
        self.budget.spend()
        self.register_client_names(place.path, selections)
        caps, graph = self.caps, place.group.graph
        remote: list[Selection] = []
        again: list[Selection] = []
        left: list[Selection] = []
        for selection in selections:
            if isinstance(selection, Fragment):
                if caps.interface_object_in(graph, place.parent):
                    remote.append(selection)
                elif selection.type_condition in caps.possible_in(
                    graph, place.parent
                ) and place.admits(selection.type_condition):
                    inner = self.plan(
                        place.narrow(selection.type_condition),
                        selection.selections,
                        deferring=deferring,
                    )
                    if inner:
                        left.append(Fragment(selection.type_condition, tuple(inner)))
            elif selection.name in ROOT_ONLY_FIELDS:
                continue
            elif deferring and selection.name != "__typename":
                remote.append(selection)
            elif caps.resolvable(graph, place.parent, selection, place.provided):
                inner = self.add_client_field(place, selection)
                if inner:
                    again.append(replace(selection, selections=tuple(inner)))
            elif self.expands(place, selection):
                if not caps.possible_in(graph, place.parent):
                    # No type to answer it with here and no hop to one: never drop it.
                    raise UnsatisfiableField(_unsatisfiable(place, selection))
                for concrete in filter(place.admits, caps.possible_in(graph, place.parent)):
                    moved = replace(selection, parent_type=concrete)
                    inner = self.plan(place.narrow(concrete), (moved,))
                    if inner:
                        left.append(Fragment(concrete, tuple(inner)))
            else:
                remote.append(selection)
        if remote:
            left += self.plan_remote(place, remote, internal=False, representation=None)[1]
        if again:
            # Fields this subgraph answers but not all of whose selections:
            # fetch them again, with what is missing, from another subgraph.
            left += self.plan_remote(
                place, again, internal=False, representation=None, avoid=graph
            )[1]
        return left

    def expands(self, place: Place, field: Field) -> bool:
        """An interface field not answerable at interface level goes type by type."""
        caps, graph = self.caps, place.group.graph
        if (
            field.name == "__typename"
            or not caps.is_abstract(place.parent)
            or caps.interface_object_in(graph, place.parent)
        ):
            return False
        concrete = caps.possible_in(graph, place.parent)
        local = any(
            caps.resolvable(graph, t, replace(field, parent_type=t), place.provided)
            for t in concrete
        )
        return local or not caps.hops(place.parent, field)

    def register_client_names(
        self, path: tuple[str, ...], selections: tuple[Selection, ...]
    ) -> None:
        names = self.names.setdefault(path, {})
        for selection in selections:
            if isinstance(selection, Fragment):
                self.register_client_names(path, selection.selections)
            else:
                names.setdefault(selection.response_name, (selection.name, selection.arguments))

    def internal_alias(self, path: tuple[str, ...], field: Field) -> str | None:
        """``None`` when the field can use its own name at ``path``, else a free alias."""
        names = self.names.setdefault(path, {})
        signature = (field.name, field.arguments)
        candidate, index = field.name, 0
        while candidate in names and names[candidate] != signature:
            candidate = f"{field.name}__alias_{index}"
            index += 1
        names[candidate] = signature
        return None if candidate == field.name else candidate

    # -- adding a field to a group -------------------------------------------
    def add_client_field(self, place: Place, field: Field) -> list[Selection]:
        """Add a client field to the place's group; returns its selections left over."""
        child = self.open_field(place, field, field.alias, field.conditions, None)
        if child is None:
            return []
        self.deferrals.extend((child, deferred) for deferred in field.deferred)
        left = self.plan(child, field.selections)
        if child.builder.is_empty() and not field.deferred:
            # Everything below moved to other subgraphs: this fetch has
            # nothing to ask for under the field.
            place.builder.fields.pop(field.merge_key, None)
        return left

    def add_internal_field(
        self, place: Place, field: Field, representation: SelectionBuilder
    ) -> set[int]:
        """Add a key or required field, mirrored into ``representation``.

        Returns the groups its value depends on.
        """
        alias = None if field.name == "__typename" else self.internal_alias(place.path, field)
        composite = self.caps.is_composite(field.type)
        mirrored = representation.add_field(field.name, alias, composite=composite)
        child = self.open_field(place, field, alias, (), mirrored.selections)
        sources = {place.group.id}
        if child is not None:
            assert mirrored.selections is not None
            sources |= self.require(child, field.selections, mirrored.selections)
        return sources

    def open_field(
        self,
        place: Place,
        field: Field,
        alias: str | None,
        conditions: tuple[Condition, ...],
        mirrored: SelectionBuilder | None,
    ) -> Place | None:
        """Add ``field`` to the place's selection; the place below it when it has one."""
        caps = self.caps
        composite = caps.is_composite(field.type)
        built = place.builder.add_field(
            field.name,
            alias,
            field.arguments,
            conditions,
            composite,
            field.directives,
            field.fragment_directives,
        )
        if not composite or built.selections is None:
            return None
        graph = place.group.graph
        known = field.name in caps.supergraph.types[field.parent_type].fields
        answering = (
            caps.answering(graph, field.parent_type, field.name, place.answering)
            if known
            else frozenset()
        )
        only = None
        if caps.is_abstract(field.type):
            built.selections.add_field("__typename")
            if mirrored is not None:
                mirrored.add_field("__typename")
            if known:
                only = caps.runtime_types(graph, field.parent_type, field.name, answering)
        return Place(
            group=place.group,
            builder=built.selections,
            # The subgraph's own type for the field: a member of the supergraph's union
            # has no fragments on the other members.
            parent=caps.local_type(graph, field.parent_type, field.name) if known else field.type,
            path=place.path
            + (built.response_name,)
            + ("@",) * caps.list_depth(field.parent_type, field.name),
            provided=self.cost.sub_provided(place.group.graph, place.parent, field, place.provided),
            conditions=place.conditions + conditions,
            up=place,
            only=only,
            answering=answering,
            typed=(
                *place.typed,
                built.response_name,
                *("@",) * caps.list_depth(field.parent_type, field.name),
            ),
        )

    # -- internal selections (keys, requirements) ----------------------------
    def require(
        self, place: Place, selections: tuple[Selection, ...], representation: SelectionBuilder
    ) -> set[int]:
        """Make sure ``selections`` are in the tree at ``place``; mirror them into ``representation``.

        Returns the groups that must run first.
        """
        self.budget.spend()
        caps, graph = self.caps, place.group.graph
        sources = {place.group.id}
        remote: list[Selection] = []
        for selection in selections:
            if isinstance(selection, Fragment):
                if caps.interface_object_in(graph, place.parent):
                    remote.append(selection)
                elif selection.type_condition in caps.possible_in(graph, place.parent):
                    sources |= self.require(
                        place.narrow(selection.type_condition),
                        selection.selections,
                        representation.fragment(selection.type_condition),
                    )
            elif caps.resolvable(graph, place.parent, selection, place.provided):
                sources |= self.add_internal_field(place, selection, representation)
            elif self.expands(place, selection):
                if not caps.possible_in(graph, place.parent):
                    # No type to answer it with here and no hop to one: never drop it.
                    raise UnsatisfiableField(_unsatisfiable(place, selection))
                for concrete in caps.possible_in(graph, place.parent):
                    sources |= self.require(
                        place.narrow(concrete),
                        (replace(selection, parent_type=concrete),),
                        representation.fragment(concrete),
                    )
            else:
                remote.append(selection)
        if remote:
            sources |= self.plan_remote(
                place, remote, internal=True, representation=representation
            )[0]
        return sources

    # -- hops ----------------------------------------------------------------
    def plan_remote(
        self,
        place: Place,
        remote: list[Selection],
        *,
        internal: bool,
        representation: SelectionBuilder | None,
        avoid: str | None = None,
    ) -> tuple[set[int], list[Selection]]:
        """Hop for ``remote`` selections; returns the groups hopped to and what is left over.

        ``avoid`` names a subgraph not to hop into (the one that already
        could not answer these selections in full).
        """
        graph = place.group.graph
        prices = []
        placeable: list[Selection] = []
        left: list[Selection] = []
        for selection in remote:
            options = {
                hop: price
                for hop, price in self.cost.hop_prices(
                    graph, place.parent, selection, place.provided
                ).items()
                if (hop.graph, place.path, _wanted(selection)) not in self.in_progress
                and hop.graph != avoid
            }
            if options:
                prices.append(options)
                placeable.append(selection)
            elif internal:
                raise UnsatisfiableField(_unsatisfiable(place, selection))
            else:
                left.append(selection)
        chosen = cover(
            prices,
            lambda hop: self.fetch_graph.mergeable(
                hop.graph, self.fetch_path(place), {place.group.id}
            ),
            lambda hop: self.caps.graph_order[hop.graph],
        )
        # One hop per selection: hops to one subgraph here then share a group
        # unless their representations clash (see FetchGraph.entity_group).
        sources: set[int] = set()
        for selection, hop in zip(placeable, chosen, strict=True):
            assert hop is not None
            hopped, inner = self.hop(
                place, hop, selection, internal=internal, representation=representation
            )
            sources |= hopped
            left += inner
        return sources, left

    def hop(
        self,
        place: Place,
        hop: Hop,
        selection: Selection,
        *,
        internal: bool,
        representation: SelectionBuilder | None,
    ) -> tuple[set[int], list[Selection]]:
        """Fetch ``selection`` through an ``_entities`` request to ``hop.graph``.

        Returns the groups that fetch it (for an internal selection, also those
        fetching its own selections) and what is left over for the caller.
        """
        self.budget.spend()
        caps, graph = self.caps, place.group.graph
        entity = hop.entity_type
        own = selection.conditions if isinstance(selection, Field) and not internal else ()
        # What the hop needs is needed only when the selection is: fetches made
        # for its key or requirements sit under the same conditions.
        needs = place.guarded(place.conditions + own) if own else place
        key = self.choose_key(place, hop)
        contextual = (
            caps.context_arguments(hop.graph, entity, selection.name)
            if caps.supergraph.context_types and isinstance(selection, Field)
            else ()
        )
        # A requirement may lead back into this subgraph at this path (b → a → b), for
        # other fields; only a hop for the very selection being fetched is a cycle.
        token = (hop.graph, place.path, _wanted(selection))
        self.in_progress.add(token)
        try:
            fields_in = SelectionBuilder()
            place.builder.add_field("__typename")
            fields_in.add_field("__typename")
            sources = self.require(needs, caps.selections(entity, key.fields), fields_in)
            requires = (
                caps.field_requires(hop.graph, entity, selection.name)
                if isinstance(selection, Field) and selection.name != "__typename"
                else None
            )
            if requires is not None:
                sources |= self.require(needs, caps.selections(entity, requires), fields_in)
            if contextual:
                assert isinstance(selection, Field)
                contexts = require_contexts(self, needs, selection.name, contextual)
                sources |= contexts.sources
                # The field may come back here to be asked of another subgraph: its own
                # contextual arguments replace those of the last one.
                filled = {v.argument for v in contexts.variables}
                selection = replace(
                    selection,
                    arguments=tuple(a for a in selection.arguments if a[0] not in filled)
                    + tuple((v.argument, f"${v.name}") for v in contexts.variables),
                )
        finally:
            self.in_progress.discard(token)
        if caps.is_abstract(place.parent) and not caps.interface_object_in(graph, place.parent):
            tree_types = caps.possible_in(graph, place.parent)
        else:
            tree_types = (place.parent,)
        route = _route(place)
        child = self.fetch_graph.entity_group(
            hop.graph,
            self.fetch_path(place),
            sources,
            root_type=entity,
            fits=lambda group: (
                _runs_with_its_inputs(self.fetch_graph, group, sources, needs)
                and _same_branch_or_inputs(group, route, tree_types, fields_in)
                and all(
                    _fits(group, tree_type, fields_in, hop.interface_object)
                    for tree_type in tree_types
                )
            ),
        )
        child.routes.add(route)
        for tree_type in tree_types:
            merge_into(child.representation.fragment(tree_type), fields_in)
            # Set even when the tree type is the interface: another fetch may
            # have replaced it with the concrete type by the time this one runs.
            if hop.interface_object:
                child.renamed_types.add(tree_type)
                setter = ValueSetter((f"... on {tree_type}", "__typename"), entity)
                if setter not in child.rewrites:
                    child.rewrites.append(setter)
        target = Place(
            group=child,
            builder=child.selection.fragment(entity),
            parent=entity,
            path=place.path,
            provided=None,
            conditions=place.conditions,
            up=place.up,
            origin=place,
            only=place.only,
            typed=place.typed,
        )
        if contextual:
            for renamer in contexts.rewrites:
                if renamer not in child.context_rewrites:
                    child.context_rewrites.append(renamer)
            child.context_variables.update((v.name, v.type) for v in contexts.variables)
        if caps.interface_object_in(graph, place.parent) and not hop.interface_object:
            # The tree holds the interface name as __typename: the concrete one
            # must come back from this graph, which knows the real types.
            target.builder.add_field("__typename")
        child.guard(needs.conditions)
        left: list[Selection] = []
        hopped = {child.id}
        if isinstance(selection, Fragment):
            left = self.plan(target, (selection,))
        elif selection.name == "__typename":
            target.builder.add_field("__typename", None if internal else selection.alias)
        elif internal:
            assert representation is not None
            # A requirement is ready once its selections below the field are too: they
            # may need hops of their own from the child (``comments(limit: 3) { authorId }``).
            hopped |= self.add_internal_field(
                target, replace(selection, parent_type=entity), representation
            )
        else:
            moved = replace(selection, parent_type=entity)
            inner = self.add_client_field(target, moved)
            if inner:
                again: list[Selection] = [replace(moved, selections=tuple(inner))]
                left = self.plan_remote(
                    target, again, internal=False, representation=None, avoid=hop.graph
                )[1]
        return hopped, left

    def fetch_path(self, place: Place) -> tuple[str, ...]:
        """The path of the entity fetches at ``place``: with its type conditions where
        branches of the operation ask it differently."""
        if unmarked(place.path) not in self.divergent:
            return place.path
        # Conditions at the fetch's own level are not needed: its selection keeps each
        # type's fields in that type's fragment.
        typed = place.typed
        while typed and typed[-1].startswith("... on "):
            typed = typed[:-1]
        return typed

    def choose_key(self, place: Place, hop: Hop) -> Key:
        """A key of the hop's entity the place already holds, else the first one."""
        caps = self.caps
        keys = caps.keys(hop.graph, hop.entity_type)
        for key in keys:
            if answers_all(
                caps,
                place.group.graph,
                place.parent,
                caps.selections(hop.entity_type, key.fields),
                place.provided,
            ):
                return key
        return keys[0]


def _fits(
    group: FetchGroup, tree_type: str, fields_in: SelectionBuilder, interface_object: bool
) -> bool:
    """Representations of ``tree_type`` objects for this hop can share ``group``'s."""
    existing = group.representation.fragments.get(tree_type)
    if existing is None:
        return True
    # Objects sent under their interface's name cannot also be sent as themselves.
    if (tree_type in group.renamed_types) != interface_object:
        return False
    return not conflicts(existing, fields_in)


def _route(place: Place) -> tuple[str, ...]:
    """The types of the objects from the root down to ``place``: its branch of the operation."""
    found: list[str] = []
    current: Place | None = place
    while current is not None:
        found.append(current.parent)
        current = current.up
    return tuple(found)


def _same_branch_or_inputs(
    group: FetchGroup,
    route: tuple[str, ...],
    tree_types: tuple[str, ...],
    fields_in: SelectionBuilder,
) -> bool:
    """Objects at one path can come from different branches of the operation (type
    conditions above it), each with its own fields fetched: a hop from another branch
    joins only a group needing the same representation fields, or the objects of one
    branch would lack what the other's selections need (a requirement)."""
    if not group.routes or route in group.routes:
        return True
    existing = group.representation.fragments
    return all(canonical(existing[t]) == canonical(fields_in) for t in tree_types if t in existing)


def _runs_with_its_inputs(
    fetch_graph: FetchGraph, group: FetchGroup, sources: set[int], needs: Place
) -> bool:
    """Joining ``group`` leaves it depending only on fetches that run whenever it runs.

    A hop under ``@include(if: $a)`` may need a fetch made only when ``$a``
    holds; an unconditional selection in the same group would then find its
    representation incomplete whenever ``$a`` does not.
    """
    incoming = frozenset(needs.conditions)
    merged = incoming if group.conditions is None else group.conditions & incoming
    return all(
        (fetch_graph.group(dep).conditions or frozenset()) <= merged for dep in group.deps | sources
    )


def _wanted(selection: Selection) -> str:
    """What a hop is for, as the cycle guard tells hops apart."""
    if isinstance(selection, Fragment):
        return f"...{selection.type_condition}"
    return selection.name + repr(selection.arguments)


def _unsatisfiable(place: Place, selection: Selection) -> str:
    what = (
        f"fragment on {selection.type_condition}"
        if isinstance(selection, Fragment)
        else f"field {place.parent}.{selection.name}"
    )
    path = ".".join(place.path) or "the root"
    return (
        f"no subgraph can resolve {what} at {path} coming from subgraph "
        f"{place.group.graph!r}; the supergraph does not satisfy this operation"
    )

"""Plan nodes in federation vocabulary: Fetch, Flatten, Sequence, Parallel, Condition, Subscription, Defer.

The executor keeps one response tree per request. A root ``FetchNode`` writes its
subgraph's ``data`` into that tree; a ``FlattenNode`` runs its fetch once for all
objects found at its ``paths`` (``"@"`` steps into every list item, ``"... on T"``
keeps only objects whose ``__typename`` is ``T`` or a type implementing ``T``)
and deep-merges the ``_entities`` results back into those objects, in order.

Response names in a subgraph operation are the names under which values land in
the tree: the client's alias when the planner kept it, an internal alias when
it needed one. ``requires`` selects, from each object of the tree, what becomes
that object's representation; ``input_rewrites`` then adjust representations
(for example ``__typename`` set to an ``@interfaceObject`` interface) and
``output_rewrites`` rename keys in what the subgraph returned (for example an
aliased ``@requires`` field mapped back). Final response shaping from the
client's operation is the executor's business, not the plan's.

A ``SubscriptionNode`` is only ever a plan's top node: its ``primary`` fetch
subscribes at the one subgraph that owns the subscription root field, and its
``rest`` runs once per event, with the event's ``data`` as the root result.

A ``DeferNode`` answers an operation with ``@defer`` in parts: its
``primary`` plan runs first and gives the initial response; each of its
``deferred`` parts then runs (side by side) and gives the data of one deferred
fragment at its ``path``. A deferred part's own plan may be a ``DeferNode``
again, for a defer nested in a defer. ``depends`` names the ``id`` of the
fetches whose results a deferred part builds on.

All nodes are frozen, slotted and hashable, so plans can be cached and shared
between requests.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class OperationKind(enum.Enum):
    QUERY = "query"
    MUTATION = "mutation"
    SUBSCRIPTION = "subscription"


@dataclass(frozen=True, slots=True)
class RequiredField:
    """A field to copy from a tree object into a representation.

    It is read from the tree under ``response_name`` (an internal alias when
    the planner needed one, e.g. one field required with two different
    arguments) and written into the representation under ``name``.
    """

    name: str
    selections: tuple[RequiredSelection, ...] = ()
    alias: str | None = None

    @property
    def response_name(self) -> str:
        return self.alias or self.name


@dataclass(frozen=True, slots=True)
class RequiredFragment:
    """Fields to copy only when the object's ``__typename`` matches ``type_condition``."""

    type_condition: str
    selections: tuple[RequiredSelection, ...]


RequiredSelection = RequiredField | RequiredFragment


@dataclass(frozen=True, slots=True)
class ValueSetter:
    """Set the value at ``path`` (fragment steps allowed) to ``value``."""

    path: tuple[str, ...]
    value: str


@dataclass(frozen=True, slots=True)
class KeyRenamer:
    """Rename the key at ``path`` to ``rename_to``."""

    path: tuple[str, ...]
    rename_to: str


@dataclass(frozen=True, slots=True)
class UnknownInputs:
    """Names of input type ``type_name`` a subgraph does not know: enum values or input fields."""

    type_name: str
    names: frozenset[str]


@dataclass(frozen=True, slots=True)
class FetchNode:
    """One request to one subgraph.

    ``requires`` is empty for a root fetch and holds the representation
    selection for an ``_entities`` fetch; ``variable_usages`` names the client
    variables the operation text declares, which the executor forwards.
    ``unknown_inputs`` lists, for the input types those variables can reach,
    what the subgraph does not know (empty when it knows them all), so that
    the executor refuses a variable value the subgraph would reject.
    ``context_rewrites`` fill the variables of contextual arguments
    (``@fromContext``), per entity: ``path`` leads from the entity to the
    value (``..`` one field level up, ``... on T`` a type check, then
    response names) and ``rename_to`` names the variable; the first rewrite
    of a variable that finds a value wins.
    """

    service_name: str
    operation: str
    operation_kind: OperationKind = OperationKind.QUERY
    variable_usages: tuple[str, ...] = ()
    requires: tuple[RequiredSelection, ...] = ()
    input_rewrites: tuple[ValueSetter, ...] = ()
    output_rewrites: tuple[KeyRenamer, ...] = ()
    operation_name: str | None = None
    unknown_inputs: tuple[UnknownInputs, ...] = ()
    context_rewrites: tuple[KeyRenamer, ...] = ()
    id: int | None = None

    @property
    def is_entity_fetch(self) -> bool:
        return bool(self.requires)


@dataclass(frozen=True, slots=True)
class FlattenNode:
    """Run ``node`` (an entity fetch) once for the objects at ``path`` and at ``other_paths``.

    Several paths when the planner found the same request at several places
    of one plan level: one ``_entities`` request serves them all.
    """

    path: tuple[str, ...]
    node: PlanNode
    other_paths: tuple[tuple[str, ...], ...] = ()

    @property
    def paths(self) -> tuple[tuple[str, ...], ...]:
        return (self.path, *self.other_paths)


@dataclass(frozen=True, slots=True)
class SequenceNode:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class ParallelNode:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class ConditionNode:
    """Run ``if_clause`` when the boolean variable ``condition`` is true, else ``else_clause``."""

    condition: str
    if_clause: PlanNode | None
    else_clause: PlanNode | None


@dataclass(frozen=True, slots=True)
class SubscriptionNode:
    """``primary`` opens the subscription; ``rest`` (entity fetches) completes every event."""

    primary: FetchNode
    rest: PlanNode | None = None


@dataclass(frozen=True, slots=True)
class PrimaryDefer:
    """What a Defer node delivers at once: ``subselection`` printed, fetched by ``node``."""

    subselection: str | None
    node: PlanNode | None


@dataclass(frozen=True, slots=True)
class DeferredNode:
    """One deferred fragment: delivered at ``path`` once ``node`` has run.

    ``path`` is response names from the root (lists not marked);
    ``offset`` is where the fragment starts in the client's document, which
    is how the executor finds its selection set. ``subselection`` is the
    printed selection when ``node`` is not itself a Defer node.
    """

    depends: tuple[int, ...]
    path: tuple[str, ...]
    label: str | None
    offset: int
    subselection: str | None
    node: PlanNode | None


@dataclass(frozen=True, slots=True)
class DeferNode:
    primary: PrimaryDefer
    deferred: tuple[DeferredNode, ...]


PlanNode = (
    FetchNode
    | FlattenNode
    | SequenceNode
    | ParallelNode
    | ConditionNode
    | SubscriptionNode
    | DeferNode
)


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """A whole plan; ``node`` is ``None`` when nothing needs fetching (``{ __typename }``)."""

    node: PlanNode | None

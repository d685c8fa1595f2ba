"""A prepared operation: the client's document plus its normalised selections.

Normal form: fragment spreads and inline fragments are gone except
``Fragment`` records on a concrete object type directly under an abstract
parent; fields with the same response name and the same conditions are
merged; ``@skip``/``@include`` with literal values are applied, and those with
variables survive as ``conditions`` on the field they guard (a fragment's
conditions are pushed onto its fields). Any other directive on a field (an
executable directive the supergraph defines, which composition keeps only
when every subgraph defines it) stays on the field as printed text, for the
subgraph that resolves the field. Such directives on an inline fragment or a
fragment spread are pushed onto the fragment's fields the same way, as
``fragment_directives``: each fetch asking for one of those fields wraps it
in ``... @directive { }`` again, so fields under fragments with different
directives are never merged. A fragment under ``@defer`` (unless
``if: false``) is kept apart as a :class:`Deferred` record on the field whose
selection set holds it (or on the operation, at the root): the field's own
``selections`` are what is delivered at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import DocumentNode, OperationDefinitionNode

from router.plan.nodes import OperationKind


@dataclass(frozen=True, slots=True)
class Condition:
    """Keep the guarded selection when ``$variable`` is ``passes_when``.

    ``@include(if: $v)`` passes when true, ``@skip(if: $v)`` when false.
    """

    variable: str
    passes_when: bool


@dataclass(frozen=True, slots=True)
class Field:
    """A field as the planner asks for it.

    ``directives`` are its own forwarded directives, printed;
    ``fragment_directives`` those of each fragment enclosing it within its
    parent's selection set, outermost first, printed (one entry per fragment).
    """

    name: str
    parent_type: str
    type: str
    alias: str | None = None
    arguments: tuple[tuple[str, str], ...] = ()
    selections: tuple[Selection, ...] = ()
    conditions: tuple[Condition, ...] = ()
    variables: frozenset[str] = frozenset()
    deferred: tuple[Deferred, ...] = ()
    directives: str = ""
    fragment_directives: tuple[str, ...] = ()

    @property
    def response_name(self) -> str:
        return self.alias or self.name

    @property
    def merge_key(self) -> MergeKey:
        return (self.response_name, self.conditions, self.fragment_directives)


@dataclass(frozen=True, slots=True)
class Fragment:
    """Selections that apply only to objects of the concrete type ``type_condition``.

    ``refused_at`` marks instead a fragment authorization refuses as the
    client wrote it (its type condition, concrete or abstract, has a
    requirement the request does not meet): the fragment's offset in the
    document, its selections left out. Only the normal form
    :func:`~router.operation.authorize.authorize` makes has such records, and
    it removes them, so the planner never meets one.
    """

    type_condition: str
    selections: tuple[Selection, ...]
    refused_at: int | None = None


Selection = Field | Fragment
# Fields merge when their response name, conditions and enclosing fragments' directives match.
MergeKey = tuple[str, tuple[Condition, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Deferred:
    """A fragment under ``@defer``: its selections are delivered after the rest.

    ``offset`` is where the fragment starts in the client's document, which
    tells deferred fragments apart (labels are optional) and lets the executor
    find the fragment again; ``condition`` is the variable of ``if: $v``
    (deferred only when true), ``None`` for an unconditional defer.
    ``deferred`` holds defers directly inside this one's selection set.
    """

    offset: int
    label: str | None
    parent_type: str
    selections: tuple[Selection, ...]
    condition: str | None = None
    deferred: tuple[Deferred, ...] = ()


@dataclass(frozen=True, slots=True)
class VariableDefinition:
    name: str
    type: str
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    """The chosen operation, validated and normalised.

    ``document`` and ``definition`` are the client's own AST, from which the
    executor shapes the response; ``selections`` is the normal form the
    planner reads. ``directives`` are the operation's own directives, printed,
    which every fetch carries as Apollo's planner does; ``query_directives``
    those of them that may stand on a query, for the ``_entities`` fetches
    (always queries) of a mutation or a subscription.
    """

    kind: OperationKind
    name: str | None
    root_type: str
    selections: tuple[Selection, ...]
    variables: tuple[VariableDefinition, ...]
    document: DocumentNode
    definition: OperationDefinitionNode
    deferred: tuple[Deferred, ...] = ()
    directives: str = ""
    query_directives: str = ""

"""The merged supergraph as the printer and the post-merge checks see it.

Applied directives are kept already rendered (``@join__field(graph: A)``), in the order
Apollo's composition prints them; the ``inaccessible`` flags are kept apart so the
consistency rules can read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import ListValueNode, ObjectValueNode, StringValueNode, ValueNode, print_ast


def literal(value: str) -> str:
    """A GraphQL string literal."""
    return print_ast(StringValueNode(value=value))


def print_value(value: ValueNode) -> str:
    """A literal as graphql-js prints it (objects without inner spaces: ``{a: 1}``)."""
    if isinstance(value, ObjectValueNode):
        return (
            "{" + ", ".join(f"{f.name.value}: {print_value(f.value)}" for f in value.fields) + "}"
        )
    if isinstance(value, ListValueNode):
        return "[" + ", ".join(print_value(v) for v in value.values) + "]"
    return print_ast(value)


def directive(name: str, *arguments: tuple[str, str]) -> str:
    """``@name(arg: value, ...)``; values are already GraphQL literals."""
    if not arguments:
        return f"@{name}"
    return f"@{name}(" + ", ".join(f"{k}: {v}" for k, v in arguments) + ")"


@dataclass
class MergedArgument:
    name: str
    type: str
    description: str | None = None
    default: str | None = None
    inaccessible: bool = False
    directives: list[str] = field(default_factory=list)  # after @inaccessible


@dataclass
class MergedField:
    name: str
    type: str
    description: str | None = None
    arguments: list[MergedArgument] = field(default_factory=list)
    default: str | None = None  # input fields only
    inaccessible: bool = False
    join: list[str] = field(default_factory=list)
    directives: list[str] = field(default_factory=list)  # after the join directives


@dataclass
class MergedEnumValue:
    name: str
    description: str | None = None
    inaccessible: bool = False
    join: list[str] = field(default_factory=list)
    directives: list[str] = field(default_factory=list)


@dataclass
class MergedType:
    kind: str  # object | interface | union | enum | input | scalar
    name: str
    description: str | None = None
    interfaces: list[str] = field(default_factory=list)
    join: list[str] = field(default_factory=list)  # @join__implements, @join__type
    inaccessible: bool = False
    members: list[str] = field(default_factory=list)
    member_join: list[str] = field(default_factory=list)  # @join__unionMember
    directives: list[str] = field(default_factory=list)  # @tag, @specifiedBy
    fields: dict[str, MergedField] = field(default_factory=dict)
    values: dict[str, MergedEnumValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Graph:
    enum_value: str
    name: str
    url: str


@dataclass
class Supergraph:
    graphs: list[Graph]
    types: dict[str, MergedType]
    join_version: str
    executable_directives: dict[str, str] = field(default_factory=dict)  # name -> definition
    specs: list[str] = field(default_factory=list)  # tag, inaccessible... in link order
    tag_name: str | None = None  # None: no subgraph uses @tag
    inaccessible_name: str | None = None

    @property
    def roots(self) -> list[tuple[str, str]]:
        return [
            (operation, name)
            for operation, name in (
                ("query", "Query"),
                ("mutation", "Mutation"),
                ("subscription", "Subscription"),
            )
            if name in self.types
        ]

"""Seeded random operations over an API schema: nested fields, aliases, inline fragments on
possible types and ``@include``/``@skip`` with the variables ``$a`` and ``$b``.

Operations are valid by construction as far as field merging goes: a field whose response
name another field already answers at its response path gets a fresh alias instead when
the two could not be merged (another type; or another name or other arguments, unless the
two sit under different object types somewhere along the path, which never meet).
"""

from __future__ import annotations

import random
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    get_named_type,
    is_leaf_type,
)
from graphql.type.definition import GraphQLField, GraphQLInputType, GraphQLOutputType

# The parent type of a field and of each field above it, and whether it is an object type.
Lineage = tuple[tuple[str, bool], ...]
# A response path: response names, list positions left out.
Path = tuple[str, ...]


def _exclusive(one: Lineage, other: Lineage) -> bool:
    """Whether two fields' parents differ as object types at some level: never both met."""
    return any(a[1] and b[1] and a[0] != b[0] for a, b in zip(one, other, strict=False))


class OperationWriter:
    def __init__(self, schema: GraphQLSchema, rng: random.Random) -> None:
        self.schema = schema
        self.rng = rng
        self.aliases = 0
        # Per response path and response name: each field answering it, as its lineage (the
        # parent type of it and each field above, and whether that is an object type), its
        # name with arguments, and its type.
        self.scopes: dict[tuple[str, ...], dict[str, list[tuple[Lineage, str, str]]]] = {}
        # Variables the arguments use besides $a and $b: definition text and value, if any.
        self.definitions: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def alias(self) -> str:
        self.aliases += 1
        return f"x{self.aliases}"

    def response_name(
        self, path: tuple[str, ...], wanted: str, lineage: Lineage, field: str, type_: str
    ) -> str:
        """``wanted``, or a fresh alias when a field ``wanted`` already answers at ``path``
        could not be merged with this one."""
        scope = self.scopes.setdefault(path, {})
        if not all(
            other_type == type_ and (other_field == field or _exclusive(lineage, other))
            for other, other_field, other_type in scope.get(wanted, ())
        ):
            wanted = self.alias()
        scope.setdefault(wanted, []).append((lineage, field, type_))
        return wanted

    def condition(self) -> str:
        roll = self.rng.random()
        if roll < 0.1:
            return " @include(if: $a)"
        if roll < 0.15:
            return " @skip(if: $b)"
        return ""

    def literal(self, type_: GraphQLInputType) -> str:
        if isinstance(type_, GraphQLNonNull):
            return self.literal(type_.of_type)
        if isinstance(type_, GraphQLList):
            return f"[{self.literal(type_.of_type)}]"
        if isinstance(type_, GraphQLEnumType):
            return next(iter(type_.values))
        if isinstance(type_, GraphQLInputObjectType):
            required = [
                f"{name}: {self.literal(f.type)}"
                for name, f in type_.fields.items()
                if isinstance(f.type, GraphQLNonNull)
            ]
            return "{" + ", ".join(required) + "}"
        return {"Int": "1", "Float": "1.5", "Boolean": "true"}.get(type_.name, '"1"')

    def arguments(self, field: GraphQLField) -> str:
        required = [
            f"{name}: {self.literal(argument.type)}"
            for name, argument in field.args.items()
            if isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
        ]
        return f"({', '.join(required)})" if required else ""

    def selection(
        self,
        type_: GraphQLOutputType,
        depth: int,
        path: tuple[str, ...] = (),
        lineage: Lineage = (),
    ) -> str:
        named: GraphQLNamedType = get_named_type(type_)
        parts: list[str] = []
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            if self.rng.random() < 0.3:
                parts.append("__typename")
            for possible in self.schema.get_possible_types(named):
                if self.rng.random() < 0.6:
                    inner = self.selection(possible, depth, path, lineage)
                    parts.append(f"... on {possible.name}{self.fragment_directives()} {inner}")
            if isinstance(named, GraphQLUnionType) or self.rng.random() < 0.3:
                return self.more(self.selection_set(named, parts), named, path, lineage)
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        fields = list(named.fields.items())
        self.rng.shuffle(fields)
        here = (*lineage, (named.name, isinstance(named, GraphQLObjectType)))
        for name, field in fields[: self.rng.randint(1, len(fields))]:
            if not is_leaf_type(get_named_type(field.type)) and depth <= 0:
                continue
            arguments = self.arguments(field)
            wanted = self.alias() if self.rng.random() < 0.15 else name
            response = self.response_name(path, wanted, here, f"{name}{arguments}", str(field.type))
            alias = "" if response == name else f"{response}: "
            head = f"{alias}{name}{arguments}{self.condition()}"
            if is_leaf_type(get_named_type(field.type)):
                parts.append(head)
            else:
                inner = self.selection(field.type, depth - 1, (*path, response), here)
                parts.append(f"{head} {inner}")
        return self.more(self.selection_set(named, parts), named, path, lineage)

    def more(self, text: str, named: GraphQLNamedType, path: Path, lineage: Lineage) -> str:
        """The selection set ``text`` on ``named``, with what a subclass adds (nothing here)."""
        return text

    def fragment_directives(self) -> str:
        """The directives of an inline fragment on a possible type."""
        return self.condition()

    def selection_set(self, named: GraphQLNamedType, parts: list[str]) -> str:
        """The selection set of ``parts`` (selected on ``named``)."""
        return "{ " + (" ".join(parts) or "__typename") + " }"

    def operation(self) -> str:
        """One operation; the values of the variables it defines besides ``$a`` and ``$b``
        are then in :attr:`values` (a variable left out of it is meant to be omitted)."""
        query_type = self.schema.query_type
        assert query_type is not None
        self.start()
        return self.written_operation("query", self.selection(query_type, 3), self.after())

    def start(self) -> None:
        """Forget the last operation's response names and variables."""
        self.scopes, self.definitions, self.values = {}, {}, {}

    def after(self) -> str:
        """What the operation is followed by (fragment definitions), once written."""
        return ""

    def written_operation(self, kind: str, body: str, after: str = "") -> str:
        """The operation of ``kind`` selecting ``body``, with the variables it and the
        definitions ``after`` it use declared."""
        used = body + after
        declared = [
            d for v, d in (("$a", "$a: Boolean = true"), ("$b", "$b: Boolean!")) if v in used
        ] + [f"${name}: {definition}" for name, definition in self.definitions.items()]
        head = f"{kind}({', '.join(declared)}) " if declared else f"{kind} "
        return ("" if head == "query " else head) + body + after

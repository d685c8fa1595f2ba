"""Seeded random operations over an API schema: nested fields, aliases, inline fragments on
possible types and ``@include``/``@skip`` with the variables ``$a`` and ``$b``.

Operations are valid by construction as far as field merging goes: a field whose response
name is already taken at its response path by a field of another name, other arguments or
another type (under another fragment, say) gets a fresh alias instead.
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


class OperationWriter:
    def __init__(self, schema: GraphQLSchema, rng: random.Random) -> None:
        self.schema = schema
        self.rng = rng
        self.aliases = 0
        # Per response path: response name -> the signature (name, arguments, type) it carries.
        self.scopes: dict[tuple[str, ...], dict[str, str]] = {}
        # Variables the arguments use besides $a and $b: definition text and value, if any.
        self.definitions: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def alias(self) -> str:
        self.aliases += 1
        return f"x{self.aliases}"

    def response_name(self, path: tuple[str, ...], name: str, signature: str) -> str:
        """``name``, or a fresh alias when ``name`` answers another field at ``path``."""
        scope = self.scopes.setdefault(path, {})
        if scope.setdefault(name, signature) == signature:
            return name
        name = self.alias()
        scope[name] = signature
        return name

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

    def selection(self, type_: GraphQLOutputType, depth: int, path: tuple[str, ...] = ()) -> str:
        named: GraphQLNamedType = get_named_type(type_)
        parts: list[str] = []
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            if self.rng.random() < 0.3:
                parts.append("__typename")
            for possible in self.schema.get_possible_types(named):
                if self.rng.random() < 0.6:
                    inner = self.selection(possible, depth, path)
                    parts.append(f"... on {possible.name}{self.condition()} {inner}")
            if isinstance(named, GraphQLUnionType) or self.rng.random() < 0.3:
                return "{ " + (" ".join(parts) or "__typename") + " }"
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        fields = list(named.fields.items())
        self.rng.shuffle(fields)
        for name, field in fields[: self.rng.randint(1, len(fields))]:
            if not is_leaf_type(get_named_type(field.type)) and depth <= 0:
                continue
            arguments = self.arguments(field)
            wanted = self.alias() if self.rng.random() < 0.15 else name
            response = self.response_name(path, wanted, f"{name}{arguments}: {field.type}")
            alias = "" if response == name else f"{response}: "
            head = f"{alias}{name}{arguments}{self.condition()}"
            if is_leaf_type(get_named_type(field.type)):
                parts.append(head)
            else:
                parts.append(f"{head} {self.selection(field.type, depth - 1, (*path, response))}")
        return "{ " + (" ".join(parts) or "__typename") + " }"

    def operation(self) -> str:
        """One operation; the values of the variables it defines besides ``$a`` and ``$b``
        are then in :attr:`values` (a variable left out of it is meant to be omitted)."""
        query_type = self.schema.query_type
        assert query_type is not None
        self.scopes, self.definitions, self.values = {}, {}, {}
        body = self.selection(query_type, 3)
        declared = [
            d for v, d in (("$a", "$a: Boolean = true"), ("$b", "$b: Boolean!")) if v in body
        ] + [f"${name}: {definition}" for name, definition in self.definitions.items()]
        return (f"query({', '.join(declared)}) " if declared else "") + body

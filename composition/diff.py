"""Classify the changes between two supergraphs as clients see them (their API schemas):
breaking (a valid operation may stop working), dangerous (it may behave differently) or
safe. Breaking and dangerous changes come from graphql-core's comparison (the same rules
as graphql-js); safe changes are the additions and relaxations it does not report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    find_breaking_changes,
    find_dangerous_changes,
)

from composition.api_schema import api_schema

Typed = GraphQLField | GraphQLArgument | GraphQLInputField


class Severity(Enum):
    BREAKING = "breaking"
    DANGEROUS = "dangerous"
    SAFE = "safe"


@dataclass(frozen=True, slots=True)
class SchemaChange:
    severity: Severity
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity.value:<9} {self.kind}: {self.message}"


def diff_supergraphs(old_sdl: str, new_sdl: str) -> list[SchemaChange]:
    """Every client-visible change from ``old_sdl`` to ``new_sdl``, breaking ones first."""
    return diff_schemas(api_schema(old_sdl), api_schema(new_sdl))


def diff_schemas(old: GraphQLSchema, new: GraphQLSchema) -> list[SchemaChange]:
    changes = [
        SchemaChange(Severity.BREAKING, c.type.name, c.description)
        for c in find_breaking_changes(old, new)
        # Built-in scalars exist in every schema, referenced or not.
        if not c.description.startswith("Standard scalar")
    ]
    changes += [
        SchemaChange(Severity.DANGEROUS, c.type.name, c.description)
        for c in find_dangerous_changes(old, new)
    ]
    # A change graphql-core classified is not listed again as safe.
    reported = " ".join(c.message for c in changes)
    changes += [
        c
        for c in _safe_changes(old, new)
        if not re.search(re.escape(c.message.split(" ")[0]) + r"(?![\w(])", reported)
    ]
    return changes


def _safe_changes(old: GraphQLSchema, new: GraphQLSchema) -> list[SchemaChange]:
    safe: list[SchemaChange] = []

    def note(kind: str, message: str) -> None:
        safe.append(SchemaChange(Severity.SAFE, kind, message))

    for name, new_type in new.type_map.items():
        if name.startswith("__"):
            continue
        old_type = old.type_map.get(name)
        if old_type is None:
            note("TYPE_ADDED", f"{name} was added.")
            continue
        if type(old_type) is not type(new_type):
            continue
        if old_type.description != new_type.description:
            note("DESCRIPTION_CHANGED", f"{name} has a new description.")
        if isinstance(new_type, GraphQLObjectType | GraphQLInterfaceType) and isinstance(
            old_type, GraphQLObjectType | GraphQLInterfaceType
        ):
            _fields(name, old_type, new_type, note)
        elif isinstance(new_type, GraphQLInputObjectType) and isinstance(
            old_type, GraphQLInputObjectType
        ):
            for field_name, new_field in new_type.fields.items():
                old_field = old_type.fields.get(field_name)
                if old_field is not None:
                    _type_change(note, "INPUT_FIELD", f"{name}.{field_name}", old_field, new_field)
        elif isinstance(new_type, GraphQLEnumType) and isinstance(old_type, GraphQLEnumType):
            for value_name, value in new_type.values.items():
                old_value = old_type.values.get(value_name)
                if (
                    old_value is not None
                    and old_value.deprecation_reason != value.deprecation_reason
                ):
                    note("VALUE_DEPRECATION_CHANGED", f"{name}.{value_name} deprecation changed.")
    return safe


def _fields(
    name: str,
    old_type: GraphQLObjectType | GraphQLInterfaceType,
    new_type: GraphQLObjectType | GraphQLInterfaceType,
    note: Callable[[str, str], None],
) -> None:
    for field_name, new_field in new_type.fields.items():
        coordinate = f"{name}.{field_name}"
        old_field = old_type.fields.get(field_name)
        if old_field is None:
            note("FIELD_ADDED", f"{coordinate} was added.")
            continue
        _type_change(note, "FIELD", coordinate, old_field, new_field)
        if old_field.deprecation_reason != new_field.deprecation_reason:
            note("FIELD_DEPRECATION_CHANGED", f"{coordinate} deprecation changed.")
        if old_field.description != new_field.description:
            note("DESCRIPTION_CHANGED", f"{coordinate} has a new description.")
        for arg_name, new_arg in new_field.args.items():
            old_arg = old_field.args.get(arg_name)
            if old_arg is not None:
                _type_change(note, "ARG", f"{coordinate}({arg_name}:)", old_arg, new_arg)


def _type_change(
    note: Callable[[str, str], None], kind: str, coordinate: str, old: Typed, new: Typed
) -> None:
    if str(old.type) != str(new.type):
        note(f"{kind}_CHANGED_KIND", f"{coordinate} changed type from {old.type} to {new.type}.")

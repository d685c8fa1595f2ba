"""Selections written as text in the supergraph: ``@key``, ``@requires``, ``@provides``.

``"id org { id }"`` or ``"comments(first: 3) { id } ... on Book { isbn }"``.
The same small selection records serve the planner for client selections, so
arguments are kept as printed GraphQL value text (``$first`` for a variable),
which is what a subgraph operation prints and what field identity compares.
Field sets repeat a lot in a big supergraph (``"id"`` on most entities), so
:func:`parse_field_set` is cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graphql import parse_value, print_ast

from router.supergraph.errors import SupergraphSyntaxError

_TOKEN = re.compile(
    r'"(?:\\.|[^"\\])*"|\.\.\.|[!$&()\[\]{}:=@|]|[_A-Za-z][_0-9A-Za-z]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?'
)


@dataclass(frozen=True, slots=True)
class FieldSelection:
    name: str
    alias: str | None = None
    arguments: tuple[tuple[str, str], ...] = ()
    selections: tuple[Selection, ...] = ()

    @property
    def response_name(self) -> str:
        return self.alias or self.name


@dataclass(frozen=True, slots=True)
class FragmentSelection:
    """An inline fragment; ``type_condition`` ``None`` only groups selections."""

    type_condition: str | None
    selections: tuple[Selection, ...]


Selection = FieldSelection | FragmentSelection
FieldSet = tuple[Selection, ...]


@lru_cache(maxsize=4096)
def parse_field_set(text: str) -> FieldSet:
    tokens = _TOKEN.findall(text)
    if tokens and tokens[0] == "{" and tokens[-1] == "}":
        tokens = tokens[1:-1]
    selections, end = _selections(tokens, 0, text)
    if end != len(tokens):
        raise SupergraphSyntaxError(f"cannot read field set {text!r}")
    return selections


def _selections(tokens: list[str], pos: int, text: str) -> tuple[FieldSet, int]:
    found: list[Selection] = []
    while pos < len(tokens) and tokens[pos] != "}":
        if tokens[pos] == "...":
            type_condition = None
            pos += 1
            if tokens[pos] == "on":
                type_condition = tokens[pos + 1]
                pos += 2
            inner, pos = _block(tokens, pos, text)
            found.append(FragmentSelection(type_condition, inner))
            continue
        name, alias = tokens[pos], None
        pos += 1
        if pos < len(tokens) and tokens[pos] == ":":
            alias, name = name, tokens[pos + 1]
            pos += 2
        arguments: list[tuple[str, str]] = []
        if pos < len(tokens) and tokens[pos] == "(":
            pos += 1
            while tokens[pos] != ")":
                argument = tokens[pos]
                start = pos = pos + 2
                pos = _skip_value(tokens, pos)
                arguments.append((argument, print_ast(parse_value(_join(tokens[start:pos])))))
            pos += 1
        children: FieldSet = ()
        if pos < len(tokens) and tokens[pos] == "{":
            children, pos = _block(tokens, pos, text)
        found.append(FieldSelection(name, alias, tuple(arguments), children))
    return tuple(found), pos


def _block(tokens: list[str], pos: int, text: str) -> tuple[FieldSet, int]:
    if pos >= len(tokens) or tokens[pos] != "{":
        raise SupergraphSyntaxError(f"expected '{{' in field set {text!r}")
    inner, pos = _selections(tokens, pos + 1, text)
    if pos >= len(tokens):
        raise SupergraphSyntaxError(f"unbalanced braces in field set {text!r}")
    return inner, pos + 1


def _skip_value(tokens: list[str], pos: int) -> int:
    token = tokens[pos]
    if token == "$":
        return pos + 2
    if token not in ("[", "{"):
        return pos + 1
    depth = 0
    while True:
        token = tokens[pos]
        pos += 1
        if token in ("[", "{"):
            depth += 1
        elif token in ("]", "}"):
            depth -= 1
            if depth == 0:
                return pos


def _join(tokens: list[str]) -> str:
    return " ".join(tokens).replace("$ ", "$")


def print_field_set(selections: FieldSet) -> str:
    """Print selections on one line (``id org { id }``): stable, for keys and messages."""
    parts: list[str] = []
    for selection in selections:
        if isinstance(selection, FragmentSelection):
            condition = f" on {selection.type_condition}" if selection.type_condition else ""
            parts.append(f"...{condition} {{ {print_field_set(selection.selections)} }}")
            continue
        text = f"{selection.alias}: {selection.name}" if selection.alias else selection.name
        if selection.arguments:
            text += "(" + ", ".join(f"{n}: {v}" for n, v in selection.arguments) + ")"
        if selection.selections:
            text += f" {{ {print_field_set(selection.selections)} }}"
        parts.append(text)
    return " ".join(parts)

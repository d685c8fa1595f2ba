"""Contextual arguments at run time: each entity's values, and one request that keeps them apart.

A fetch with ``context_rewrites`` reads, for every entity it sends, the value
of each contextual variable: from the entity's own path, each ``..`` goes up
one field level (list indices do not count), ``... on T`` checks the
ancestor's ``__typename``, and response names lead down to the value (through
lists item by item). The first rewrite of a variable that finds a value wins;
a variable none finds is left out, as an argument the subgraph was not given.

Entities are then grouped by their values. One group is the plain request,
the values as its variables. Several groups (shops in different currencies in
one list) still make one request: the ``_entities`` field is repeated under an
alias per group, each with its own representations and its own copy of the
variables (``_1: _entities(representations: $representations_1) { …
price(currency: $contextualArgument_1_0_1) }``), so every entity is answered
with its own value. Cost: a walk up from each entity (its depth), and, for
split requests, rewriting the operation once per group count (cached).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    NameNode,
    OperationDefinitionNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from router.execution.tree import ResponsePath, TypeMatcher
from router.plan import KeyRenamer

_PARENT = ".."
_FRAGMENT = "... on "
_MISSING = object()

REPRESENTATIONS = "representations"


def context_values(
    root: dict[str, Any],
    path: ResponsePath,
    rewrites: tuple[KeyRenamer, ...],
    matches: TypeMatcher,
) -> dict[str, Any]:
    """The contextual variables of the entity at ``path``: name → value, those found."""
    values: dict[str, Any] = {}
    for rewrite in rewrites:
        if rewrite.rename_to in values:
            continue
        value = _read(root, path, rewrite.path, matches)
        if value is not _MISSING:
            values[rewrite.rename_to] = value
    return values


def _read(
    root: dict[str, Any], path: ResponsePath, steps: tuple[str, ...], matches: TypeMatcher
) -> Any:
    end = len(path)
    up = 0
    while up < len(steps) and steps[up] == _PARENT:
        # One field level up: past the list indices after the last key, then the key.
        end -= 1
        while end >= 0 and not isinstance(path[end], str):
            end -= 1
        if end < 0:
            return _MISSING
        up += 1
    value: Any = root
    for step in path[:end]:
        value = value[step]
    return _down(value, steps[up:], matches)


def _down(value: Any, steps: tuple[str, ...], matches: TypeMatcher) -> Any:
    for index, step in enumerate(steps):
        if isinstance(value, list):
            items = [_down(item, steps[index:], matches) for item in value]
            return [None if item is _MISSING else item for item in items]
        if not isinstance(value, dict):
            return _MISSING
        if step.startswith(_FRAGMENT):
            if not matches(value.get("__typename"), step[len(_FRAGMENT) :]):
                return _MISSING
            continue
        value = value.get(step, _MISSING)
        if value is _MISSING:
            return _MISSING
    return value


def split_variables(
    groups: list[tuple[dict[str, Any], list[dict[str, Any]]]], separator: str
) -> dict[str, Any]:
    """Variables of a split request: each group's representations and values, suffixed by its index."""
    variables: dict[str, Any] = {}
    for index, (values, representations) in enumerate(groups):
        variables[f"{REPRESENTATIONS}{separator}{index}"] = representations
        for name, value in values.items():
            variables[f"{name}{separator}{index}"] = value
    return variables


def free_separator(names: tuple[str, ...], client_variables: tuple[str, ...]) -> str:
    """A suffix separator under which no renamed variable can meet a client variable."""
    renamed = (REPRESENTATIONS, *names)
    separator = "_"
    while any(
        taken.startswith(f"{name}{separator}") for taken in client_variables for name in renamed
    ):
        separator += "_"
    return separator


@lru_cache(maxsize=256)
def split_operation(operation: str, names: tuple[str, ...], count: int, separator: str) -> str:
    """``operation`` with its ``_entities`` field repeated ``count`` times, aliased ``_0``…

    Copy ``i`` reads ``$representations{separator}i`` and, for every variable
    in ``names``, ``$name{separator}i``.
    """
    document = parse(operation, no_location=True)
    definition = document.definitions[0]
    assert isinstance(definition, OperationDefinitionNode)
    entities = definition.selection_set.selections[0]
    assert isinstance(entities, FieldNode)
    renamed = (REPRESENTATIONS, *names)
    declarations: list[VariableDefinitionNode] = []
    for declaration in definition.variable_definitions or ():
        name = declaration.variable.name.value
        if name not in renamed:
            declarations.append(declaration)
            continue
        for index in range(count):
            copy = VariableDefinitionNode(
                variable=VariableNode(name=NameNode(value=f"{name}{separator}{index}")),
                type=declaration.type,
                default_value=declaration.default_value,
                directives=declaration.directives,
            )
            declarations.append(copy)
    copies = []
    for index in range(count):
        suffixed = {name: f"{name}{separator}{index}" for name in renamed}
        copy = visit(entities, _Rename(suffixed))
        assert isinstance(copy, FieldNode)
        copies.append(
            FieldNode(
                alias=NameNode(value=f"_{index}"),
                name=copy.name,
                arguments=copy.arguments,
                directives=copy.directives,
                selection_set=copy.selection_set,
            )
        )
    split = OperationDefinitionNode(
        operation=definition.operation,
        name=definition.name,
        variable_definitions=tuple(declarations),
        directives=definition.directives,
        selection_set=definition.selection_set.__class__(selections=tuple(copies)),
    )
    return print_ast(split)


class _Rename(Visitor):
    def __init__(self, renamed: dict[str, str]) -> None:
        super().__init__()
        self.renamed = renamed

    def enter_variable(self, node: VariableNode, *_: object) -> VariableNode | None:
        name = self.renamed.get(node.name.value)
        return None if name is None else VariableNode(name=NameNode(value=name))

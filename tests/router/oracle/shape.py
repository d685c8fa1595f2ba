"""Whether an answer has the shape its operation asks for.

Every field the operation selects on an object is present (under its
response name), no other key is, and every value fits its type: lists are
lists, scalars and enum values are of their type, and ``null`` appears only
where the type is nullable (a non-null field's null must bubble up).
For an abstract type without ``__typename`` in the answer, the keys must be
exactly those of one of its possible types. Fields of one response name are
one field whose selections are all of theirs (the spec's field collection).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    value_from_ast_untyped,
)

SCALARS = {"Int": int, "Float": (int, float), "String": str, "ID": str, "Boolean": bool}


def with_variables(document: DocumentNode, variables: dict[str, Any]) -> dict[str, Any]:
    """``variables`` with the defaults of those left out."""
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    found = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in found and definition.default_value is not None:
            found[name] = value_from_ast_untyped(definition.default_value)
    return found


def directive(node: SelectionNode, name: str) -> DirectiveNode | None:
    return next((d for d in node.directives or () if d.name.value == name), None)


def truthy(found: DirectiveNode, variables: dict[str, Any], default: bool) -> bool:
    """The value of ``found``'s ``if`` argument (``default`` without one)."""
    argument = next((a.value for a in found.arguments or () if a.name.value == "if"), None)
    if argument is None:
        return default
    if isinstance(argument, VariableNode):
        return bool(variables.get(argument.name.value))
    return isinstance(argument, BooleanValueNode) and argument.value


def skipped(node: SelectionNode, variables: dict[str, Any]) -> bool:
    """Whether ``@skip``/``@include`` leave ``node`` out with ``variables``."""
    skip, include = directive(node, "skip"), directive(node, "include")
    return (skip is not None and truthy(skip, variables, False)) or (
        include is not None and not truthy(include, variables, True)
    )


def shape_problems(
    schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any], answer: dict[str, Any]
) -> list[str]:
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    checker = _Checker(schema, with_variables(document, variables), document)
    data = answer.get("data")
    if data is None:
        return [] if answer.get("errors") else ["no data and no error"]
    root = schema.get_root_type(operation.operation)
    assert root is not None
    checker.object(root, operation.selection_set, data, ())
    return checker.problems


class _Checker:
    def __init__(
        self, schema: GraphQLSchema, variables: dict[str, Any], document: DocumentNode
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.problems: list[str] = []

    def expected(
        self, type_: GraphQLObjectType, selections: SelectionSetNode
    ) -> dict[str, list[FieldNode]]:
        """The field nodes of each response name, in the order the names are first met."""
        found: dict[str, list[FieldNode]] = {}
        for selection in selections.selections:
            if skipped(selection, self.variables):
                continue
            if isinstance(selection, FieldNode):
                found.setdefault((selection.alias or selection.name).value, []).append(selection)
                continue
            fragment = (
                self.fragments[selection.name.value]
                if isinstance(selection, FragmentSpreadNode)
                else selection
            )
            if isinstance(fragment, InlineFragmentNode | FragmentDefinitionNode):
                condition = fragment.type_condition
                if condition is None or self._applies(condition.name.value, type_):
                    for key, nodes in self.expected(type_, fragment.selection_set).items():
                        found.setdefault(key, []).extend(nodes)
        return found

    def _applies(self, condition: str, type_: GraphQLObjectType) -> bool:
        if condition == type_.name:
            return True
        target = self.schema.get_type(condition)
        return bool(
            target is not None
            and is_abstract_type(target)
            and self.schema.is_sub_type(target, type_)
        )  # type: ignore[arg-type]

    def object(
        self,
        type_: GraphQLObjectType,
        selections: SelectionSetNode,
        value: Any,
        path: tuple[Any, ...],
    ) -> None:
        if not isinstance(value, dict):
            self.problems.append(f"{_at(path)}: {value!r} is not an object")
            return
        expected = self.expected(type_, selections)
        if list(value) != list(expected):
            self.problems.append(f"{_at(path)}: keys {list(value)}, expected {list(expected)}")
            return
        for key, nodes in expected.items():
            name = nodes[0].name.value
            if name == "__typename":
                if value[key] != type_.name:
                    self.problems.append(f"{_at((*path, key))}: __typename {value[key]!r}")
                continue
            self.value(type_.fields[name].type, _merged(nodes), value[key], (*path, key))

    def value(
        self,
        type_: GraphQLOutputType,
        selections: SelectionSetNode | None,
        value: Any,
        path: tuple[Any, ...],
    ) -> None:
        if value is None:
            if isinstance(type_, GraphQLNonNull):
                self.problems.append(f"{_at(path)}: null for {type_}")
            return
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                self.problems.append(f"{_at(path)}: {value!r} is not a list")
                return
            for index, item in enumerate(value):
                self.value(type_.of_type, selections, item, (*path, index))
            return
        named = get_named_type(type_)
        if is_leaf_type(named):
            if isinstance(named, GraphQLEnumType):
                ok = value in named.values
            else:
                kind = SCALARS.get(named.name)
                ok = kind is None or (
                    isinstance(value, kind) and not (kind is int and isinstance(value, bool))
                )
            if not ok:
                self.problems.append(f"{_at(path)}: {value!r} is not a {named.name}")
            return
        assert selections is not None
        if isinstance(named, GraphQLObjectType):
            self.object(named, selections, value, path)
            return
        self.abstract(named, selections, value, path)  # type: ignore[arg-type]

    def abstract(
        self, named: Any, selections: SelectionSetNode, value: Any, path: tuple[Any, ...]
    ) -> None:
        if not isinstance(value, dict):
            self.problems.append(f"{_at(path)}: {value!r} is not an object")
            return
        candidates = list(self.schema.get_possible_types(named))
        typename = next((value[k] for k in value if k == "__typename"), None)
        if typename is not None:
            candidates = [t for t in candidates if t.name == typename]
        fitting = [t for t in candidates if list(self.expected(t, selections)) == list(value)]
        if not fitting:
            self.problems.append(f"{_at(path)}: keys {list(value)} fit no type of {named.name}")
            return
        before = len(self.problems)
        for candidate in fitting:
            self.object(candidate, selections, value, path)
            if len(self.problems) == before:
                return
            if candidate is not fitting[-1]:
                del self.problems[before:]


def _merged(nodes: list[FieldNode]) -> SelectionSetNode | None:
    """The selections of every field node of one response name (``None`` for a leaf)."""
    sets = [node.selection_set for node in nodes if node.selection_set is not None]
    if not sets:
        return None
    return SelectionSetNode(selections=tuple(s for each in sets for s in each.selections))


def _at(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path) or "data"

"""How big an operation is once its fragments are expanded, measured on the parsed document.

Runs before validation, so it tolerates what validation would refuse: a
fragment spread into itself is not followed again (validation reports the
cycle), an unknown field or type still counts but adds no list size. Each
named fragment is measured once and its figures reused wherever it is
spread, so a document that spreads fragments exponentially is measured in
time linear in its length while the figures count every expanded copy.

- ``depth``: the deepest field nesting (a root field is depth 1);
- ``height``: every field selected, counted once per expanded copy;
- ``aliases``: fields with an alias; ``directives``: directive uses;
- ``root_fields``: the root fields selected, by (field name, response key);
- ``cost``: each field costs 1, times the sizes of the lists around it (a
  ``first``, ``last`` or ``limit`` integer argument on the list field or the
  field above it, else ``list_size``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

SLICING_ARGUMENTS = frozenset({"first", "last", "limit"})

RootField = tuple[str, str]

_HUGE = 10**9  # a list size argument longer than this is taken as this


@dataclass(slots=True)
class Shape:
    depth: int = 0
    height: int = 0
    aliases: int = 0
    directives: int = 0
    cost: int = 0
    root_fields: Counter[RootField] = field(default_factory=Counter)

    def add(self, other: Shape, *, times: int = 1) -> None:
        self.depth = max(self.depth, other.depth)
        self.height += other.height * times
        self.aliases += other.aliases * times
        self.directives += other.directives * times
        self.cost += other.cost * times
        for key, count in other.root_fields.items():
            self.root_fields[key] += count * times


def measure(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    *,
    list_size: int,
) -> Shape:
    """The expanded figures of ``operation`` (``fragments`` by name)."""
    root = schema.get_root_type(operation.operation)
    walker = _Walker(schema, fragments, list_size)
    shape = walker.selections(operation.selection_set, root, slicing=None, root=True)
    shape.directives += len(operation.directives or ())
    return shape


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        list_size: int,
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._list_size = list_size
        self._done: dict[tuple[str, bool], Shape] = {}
        self._visiting: set[str] = set()

    def selections(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLOutputType | None,
        *,
        slicing: int | None,
        root: bool = False,
    ) -> Shape:
        shape = Shape()
        for selection in selection_set.selections if selection_set else ():
            shape.directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                shape.add(self._field(selection, parent, slicing, root))
            elif isinstance(selection, InlineFragmentNode):
                condition = self._condition(selection.type_condition) or parent
                shape.add(
                    self.selections(selection.selection_set, condition, slicing=slicing, root=root)
                )
            elif isinstance(selection, FragmentSpreadNode):
                shape.add(self._spread(selection.name.value, root))
        return shape

    def _field(
        self, node: FieldNode, parent: GraphQLOutputType | None, slicing: int | None, root: bool
    ) -> Shape:
        definition = (
            parent.fields.get(node.name.value)
            if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
            else None
        )
        own_slicing = _slicing(node.arguments)
        field_type = definition.type if definition else None
        is_list = _is_list(field_type)
        below = self.selections(
            node.selection_set,
            _named(field_type),
            slicing=None if is_list else own_slicing,
        )
        times = 1
        if is_list:
            times = own_slicing or slicing or self._list_size
        shape = Shape(
            depth=below.depth + 1,
            height=below.height + 1,
            aliases=below.aliases + (node.alias is not None),
            directives=below.directives,
            cost=(1 + below.cost) * times,
        )
        if root:
            shape.root_fields[(node.name.value, (node.alias or node.name).value)] += 1
        return shape

    def _spread(self, name: str, root: bool) -> Shape:
        known = self._done.get((name, root))
        if known is not None:
            return known
        fragment = self._fragments.get(name)
        if fragment is None or name in self._visiting:
            return Shape()
        self._visiting.add(name)
        try:
            shape = self.selections(
                fragment.selection_set,
                self._condition(fragment.type_condition),
                slicing=None,
                root=root,
            )
        finally:
            self._visiting.discard(name)
        shape.directives += len(fragment.directives or ())
        self._done[(name, root)] = shape
        return shape

    def _condition(self, node: NamedTypeNode | None) -> GraphQLOutputType | None:
        if node is None:
            return None
        found = self._schema.get_type(node.name.value)
        return found if isinstance(found, GraphQLObjectType | GraphQLInterfaceType) else None


def _slicing(arguments: tuple[ArgumentNode, ...] | None) -> int | None:
    for argument in arguments or ():
        if argument.name.value in SLICING_ARGUMENTS and isinstance(argument.value, IntValueNode):
            digits = argument.value.value
            return _HUGE if len(digits) > len(str(_HUGE)) else max(int(digits), 0)
    return None


def _is_list(field_type: GraphQLOutputType | None) -> bool:
    while isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList)


def _named(field_type: GraphQLOutputType | None) -> GraphQLOutputType | None:
    while isinstance(field_type, GraphQLNonNull | GraphQLList):
        field_type = field_type.of_type
    return field_type

"""``validate()``: graphql-core's validation with each AST node kind sent only to the rules
that handle it.

graphql-core's :func:`graphql.validate` instantiates every specified rule per document,
looks up each rule's ``enter_<kind>``/``leave_<kind>`` method by name on each instance for
every node kind it meets, and then calls through all ~30 rules at every node whether or not
they handle its kind. Here the methods are looked up once per rule class and kind, and a node
is handed only to the rules with a method for its kind. Same rules, same order, same errors;
the skip and break protocol of :class:`graphql.language.ParallelVisitor` is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    BREAK,
    SKIP,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    ParallelVisitor,
    TypeInfo,
    TypeInfoVisitor,
    ValidationContext,
    Visitor,
    assert_valid_schema,
    specified_rules,
    visit,
)
from graphql.language.visitor import EnterLeaveVisitor
from graphql.validation.validate import (
    FragmentNestingVisitor,
    ValidationAbortedError,
    query_document_keys_to_validate,
)

MAX_ERRORS = 100

_Method = Callable[..., Any]
_Table = tuple[tuple[tuple[int, _Method], ...], tuple[tuple[int, _Method | None], ...]]
_TABLES: dict[tuple[tuple[type[Visitor], ...], str], _Table] = {}


def _table(classes: tuple[type[Visitor], ...], kind: str) -> _Table:
    """For rules of ``classes`` (in order) and nodes of ``kind``: the (index, unbound enter
    method) of each rule with one, and the (index, unbound leave method or ``None``) of each
    rule with either. Once per rule list and kind."""
    key = (classes, kind)
    found = _TABLES.get(key)
    if found is None:
        enters: list[tuple[int, _Method]] = []
        leaves: list[tuple[int, _Method | None]] = []
        for index, cls in enumerate(classes):
            enter = getattr(cls, f"enter_{kind}", None) or getattr(cls, "enter", None)
            leave = getattr(cls, f"leave_{kind}", None) or getattr(cls, "leave", None)
            if enter is not None:
                enters.append((index, enter))
            if enter is not None or leave is not None:
                leaves.append((index, leave))
        found = _TABLES[key] = (tuple(enters), tuple(leaves))
    return found


class KindDispatch(ParallelVisitor):
    """A :class:`ParallelVisitor` whose per-kind functions call only the rules that handle
    that kind."""

    def __init__(self, visitors: list[Visitor]) -> None:
        super().__init__(visitors)
        self.classes = tuple(type(v) for v in visitors)

    def get_enter_leave_for_kind(self, kind: str) -> EnterLeaveVisitor:
        try:
            return self.enter_leave_map[kind]
        except KeyError:
            pass
        indexed, with_leave = _table(self.classes, kind)
        visitors = list(self.visitors)
        enters = [(index, visitors[index], fn) for index, fn in indexed]
        leaves = [(index, visitors[index], fn) for index, fn in with_leave]
        if not leaves:
            found = self.enter_leave_map[kind] = EnterLeaveVisitor(None, None)
            return found
        skipping = self.skipping

        def enter(node: Any, *args: Any) -> Any:
            for index, visitor, fn in enters:
                if not skipping[index]:
                    result = fn(visitor, node, *args)
                    if result is None:
                        continue
                    if result is SKIP or result is False:
                        skipping[index] = node
                    elif result is BREAK or result is True:
                        skipping[index] = BREAK
                    else:
                        return result
            return None

        def leave(node: Any, *args: Any) -> Any:
            # Only a rule with a method for this kind can have skipped a node of this kind.
            for index, visitor, fn in leaves:
                skipped = skipping[index]
                if not skipped:
                    if fn is not None:
                        result = fn(visitor, node, *args)
                        if result is None:
                            continue
                        if result is BREAK or result is True:
                            skipping[index] = BREAK
                        elif result is not SKIP and result is not False:
                            return result
                elif skipped is node:
                    skipping[index] = None
            return None

        found = self.enter_leave_map[kind] = EnterLeaveVisitor(enter, leave)
        return found


def validate(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
    """The specified rules' errors for ``document``, as :func:`graphql.validate` gives them
    (at most :data:`MAX_ERRORS`, then an abort error)."""
    assert_valid_schema(schema)
    errors: list[GraphQLError] = []
    type_info = TypeInfo(schema)

    def on_error(error: GraphQLError) -> None:
        if len(errors) >= MAX_ERRORS:
            raise ValidationAbortedError(
                "Too many validation errors, error limit reached. Validation aborted."
            )
        errors.append(error)

    context = ValidationContext(schema, document, type_info, on_error)
    visitors: list[Visitor] = [rule(context) for rule in specified_rules]
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    if fragments:
        visitors.insert(0, FragmentNestingVisitor(fragments))
    try:
        visit(
            document,
            TypeInfoVisitor(type_info, KindDispatch(visitors)),
            query_document_keys_to_validate,
        )
    except ValidationAbortedError as error:
        error.__context__ = None
        errors.append(error.with_traceback(None))
    except RecursionError:
        errors.append(ValidationAbortedError("Validation aborted."))
    return errors

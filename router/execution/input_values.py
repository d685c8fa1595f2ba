"""Refuse variable values a receiving subgraph does not know, before any fetch runs.

A variable can hold an enum value or input field that the client API schema
offers but the subgraph a fetch sends it to lacks (see
``router.planner.input_values``); forwarding it would only make that
subgraph reject its operation. Before running the plan, every fetch that will
run (``Condition`` nodes evaluated) has the values of the variables it sends
walked with their API types, against the names the plan says its subgraph
lacks. A hit is a request error, as a variable of the wrong type is, with
Apollo Router's code for an enum value a variable cannot carry
(``GRAPHQL_VALIDATION_FAILED``). Cost: a walk of the plan's nodes, and of the
variable values only for fetches that list unknown inputs (none, for
supergraphs whose subgraphs agree on their input types).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    is_input_type,
    type_from_ast,
)

from router.errors import ErrorCode, formatted_error
from router.plan import (
    ConditionNode,
    DeferNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
    SubscriptionNode,
)


def refused_variables(
    plan: QueryPlan,
    operation: OperationDefinitionNode,
    schema: GraphQLSchema,
    variables: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """One error per variable value that a subgraph receiving it does not know."""
    if not variables:
        return []
    definitions = {d.variable.name.value: d for d in operation.variable_definitions or ()}
    errors: dict[str, dict[str, Any]] = {}
    for fetch in _fetches_to_run(plan.node, variables):
        if not fetch.unknown_inputs:
            continue
        unknown = {u.type_name: u.names for u in fetch.unknown_inputs}
        for name in fetch.variable_usages:
            definition = definitions.get(name)
            if definition is None or name not in variables:
                continue
            type_ = type_from_ast(schema, definition.type)
            if not is_input_type(type_):
                continue  # validation already refused the operation
            refusal = _refusal(type_, variables[name], unknown, name)
            if refusal is not None:
                message = (
                    f'Variable "${name}" has a value that subgraph "{fetch.service_name}", '
                    f"which receives it, does not accept: {refusal}."
                )
                errors.setdefault(
                    message,
                    formatted_error(
                        GraphQLError(message, definition), ErrorCode.GRAPHQL_VALIDATION_FAILED
                    ),
                )
    return list(errors.values())


def _fetches_to_run(node: PlanNode | None, variables: Mapping[str, Any]) -> Iterator[FetchNode]:
    if node is None:
        return
    if isinstance(node, FetchNode):
        yield node
    elif isinstance(node, FlattenNode):
        yield from _fetches_to_run(node.node, variables)
    elif isinstance(node, SequenceNode | ParallelNode):
        for child in node.nodes:
            yield from _fetches_to_run(child, variables)
    elif isinstance(node, ConditionNode):
        branch = node.if_clause if variables.get(node.condition) else node.else_clause
        yield from _fetches_to_run(branch, variables)
    elif isinstance(node, SubscriptionNode):
        yield node.primary
        yield from _fetches_to_run(node.rest, variables)
    elif isinstance(node, DeferNode):
        yield from _fetches_to_run(node.primary.node, variables)
        for deferred in node.deferred:
            yield from _fetches_to_run(deferred.node, variables)


def _refusal(
    type_: GraphQLInputType, value: Any, unknown: Mapping[str, frozenset[str]], where: str
) -> str | None:
    """The first name in ``value`` (coerced for ``type_``) listed in ``unknown``, described."""
    if value is None:
        return None
    if isinstance(type_, GraphQLNonNull):
        return _refusal(type_.of_type, value, unknown, where)
    if isinstance(type_, GraphQLList):
        return next(
            (
                refusal
                for i, item in enumerate(value)
                if (refusal := _refusal(type_.of_type, item, unknown, f"{where}[{i}]"))
            ),
            None,
        )
    if isinstance(type_, GraphQLEnumType):
        name = type_.serialize(value)
        if name in unknown.get(type_.name, ()):
            return f'at "{where}", enum "{type_.name}" has no value "{name}" there'
        return None
    if isinstance(type_, GraphQLInputObjectType):
        lacking = unknown.get(type_.name, frozenset())
        for key, item in value.items():
            if key in lacking:
                return f'at "{where}", input "{type_.name}" has no field "{key}" there'
            refusal = _refusal(type_.fields[key].type, item, unknown, f"{where}.{key}")
            if refusal is not None:
                return refusal
    return None

"""Query plan vocabulary shared by the planner (which builds plans) and the executor."""

from router.plan.nodes import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    KeyRenamer,
    OperationKind,
    ParallelNode,
    PlanNode,
    QueryPlan,
    RequiredField,
    RequiredFragment,
    RequiredSelection,
    SequenceNode,
    SubscriptionNode,
    UnknownInputs,
    ValueSetter,
)

__all__ = [
    "ConditionNode",
    "FetchNode",
    "FlattenNode",
    "KeyRenamer",
    "OperationKind",
    "ParallelNode",
    "PlanNode",
    "QueryPlan",
    "RequiredField",
    "RequiredFragment",
    "RequiredSelection",
    "SequenceNode",
    "SubscriptionNode",
    "UnknownInputs",
    "ValueSetter",
]

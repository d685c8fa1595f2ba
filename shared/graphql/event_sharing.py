"""Subscription events executed once per event and query shape, the result shared by subscribers.

When one event reaches many subscriptions in a process (a message in a
room with thousands of members), executing every subscription's selection
set for it repeats the same work per subscriber. Here a payload that has a
``sharing_key`` (equal for the same event whichever subscriber's stream
yields it) is executed once per *shape*, the selection below the root field
and the values of the variables it uses, and that result serves every
subscriber with the same shape. The root field's own arguments do not enter
the shape: they chose the stream, they play no part in executing an event.

What depends on the viewer is not shared. The shared execution runs with
:meth:`SharedContext.shared`, a copy of the first subscriber's context that
raises :class:`ViewerDependent` when a resolver reads the viewer from it, so
a field's dependence on the viewer is found rather than declared. When no
field read the viewer, every subscriber gets the shared result as it is.
Otherwise each subscriber executes the event again, taking the shared
completed value of every field below which nothing read the viewer, reusing
the shared resolved value (without calling the resolver again) of the
fields above one that did, and resolving only the viewer-dependent fields
with its own context. Any other error in the shared execution makes each
subscriber execute the event on its own, exactly as without sharing, so
errors keep their paths and their propagation.

Cost: one execution per (event, shape) while it stays among the
``capacity`` most recent, then per subscriber a dictionary lookup, or a
walk down the paths to the viewer-dependent fields. Payloads without a
``sharing_key`` are executed per subscriber, as usual.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLObjectType,
    GraphQLOutputType,
    VariableNode,
    Visitor,
    print_ast,
    visit,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.executor import Executor, to_nodes
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

T = TypeVar("T")
PathKey = tuple[str | int, ...]


class ViewerDependent(Exception):
    """A resolver read the viewer from a shared context: its field is resolved per subscriber."""


class SharedContext(Protocol):
    def shared(self) -> Any:
        """A copy of this context whose viewer, when read, raises :class:`ViewerDependent`."""


@dataclass(frozen=True, slots=True)
class SharedExecution:
    """One event executed for one shape, with what each subscriber's execution may reuse."""

    result: ExecutionResult
    completed: dict[PathKey, Any]
    resolved: dict[PathKey, Any]
    viewer_paths: frozenset[PathKey]
    above_viewer: frozenset[PathKey]


@dataclass(slots=True)
class _Recording:
    completed: dict[PathKey, Any] = field(default_factory=dict)
    resolved: dict[PathKey, Any] = field(default_factory=dict)


class EventSharing:
    """The most recent shared executions of one schema, ``capacity`` at most."""

    def __init__(self, capacity: int = 256) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[Hashable, asyncio.Future[SharedExecution | None]] = OrderedDict()
        self.executions = 0

    async def get(
        self, key: Hashable, run: Callable[[], Awaitable[SharedExecution | None]]
    ) -> SharedExecution | None:
        """The shared execution for ``key``, run by the first caller; ``None`` when it cannot
        be shared (the caller executes on its own)."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return await asyncio.shield(entry)
        entry = asyncio.get_running_loop().create_future()
        self._entries[key] = entry
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
        try:
            shared = await run()
        except BaseException:
            # Failed or cancelled (its subscriber left): those waiting execute on their
            # own, and the next to come tries again.
            entry.set_result(None)
            if self._entries.get(key) is entry:
                del self._entries[key]
            raise
        self.executions += 1
        entry.set_result(shared)
        return shared


def sharing_executor(sharing: EventSharing) -> type[StrawberryGraphQLCoreExecutionContext]:
    """The executor class for a schema whose subscription events share ``sharing``."""
    return type("SharingExecutor", (_SharingExecutor,), {"_sharing": sharing})


class _SharingExecutor(StrawberryGraphQLCoreExecutionContext):
    _sharing: EventSharing
    _shape: Hashable | None = None
    _recording: _Recording | None = None
    _replaying: SharedExecution | None = None

    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        key = getattr(payload, "sharing_key", None)
        if key is None:
            return super().build_per_event_executor(payload)
        if self._shape is None:
            self._shape = _shape_of(self)
        # No copy of the executor unless this subscriber executes anything itself.
        return cast("Executor[Any]", _SharedEvent(self, payload, key))

    async def execute_shared(self, payload: Any, key: Hashable) -> ExecutionResult:
        shared = await self._sharing.get((key, self._shape), lambda: self._record(payload))
        if shared is not None and not shared.viewer_paths:
            return ExecutionResult(shared.result.data, None)
        own = cast("_SharingExecutor", super().build_per_event_executor(payload))
        own._replaying = shared
        return cast("ExecutionResult", await _settled(own.execute_operation(False)))

    async def _record(self, payload: Any) -> SharedExecution | None:
        shared_context = getattr(self.context_value, "shared", None)
        if shared_context is None:
            return None
        recorder = cast("_SharingExecutor", super().build_per_event_executor(payload))
        recorder.context_value = shared_context()
        # Nulls stay where they happen: a viewer-dependent non-null field must not take its
        # parent's shared siblings with it.
        recorder.error_propagation = False
        recorder._recording = recording = _Recording()
        result = cast("ExecutionResult", await _settled(recorder.execute_operation(False)))
        viewer_paths: set[PathKey] = set()
        for error in result.errors or ():
            if not isinstance(error.original_error, ViewerDependent) or error.path is None:
                return None
            viewer_paths.add(tuple(error.path))
        # What a subscriber's own execution reuses; nothing when it executes nothing.
        return SharedExecution(
            result=result,
            completed=recording.completed if viewer_paths else {},
            resolved=recording.resolved if viewer_paths else {},
            viewer_paths=frozenset(viewer_paths),
            above_viewer=frozenset(p[:i] for p in viewer_paths for i in range(1, len(p))),
        )

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        replaying = self._replaying
        if replaying is not None:
            key = tuple(path.as_list())
            if key in replaying.above_viewer and key in replaying.resolved:
                return self._complete_resolved(
                    parent_type, field_details_list, path, replaying.resolved[key], position_context
                )
            if (
                key not in replaying.above_viewer
                and key not in replaying.viewer_paths
                and key in replaying.completed
            ):
                return replaying.completed[key]
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        replaying = self._replaying
        if replaying is not None and isinstance(path.key, int):  # a list item
            key = tuple(path.as_list())
            if key not in replaying.above_viewer and key in replaying.completed:
                return replaying.completed[key]
        completed = super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )
        recording = self._recording
        if recording is None:
            return completed
        key = tuple(path.as_list())
        recording.resolved[key] = result
        if not self.is_awaitable(completed):
            recording.completed[key] = completed
            return completed

        async def keep(awaited: Awaitable[Any]) -> Any:
            value = await awaited
            recording.completed[key] = value
            return value

        return keep(completed)

    def _complete_resolved(
        self,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        resolved: Any,
        position_context: Any,
    ) -> Any:
        """Complete a field from the value its resolver gave the shared execution."""
        field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        assert field_def is not None  # it was resolved once already
        return_type = field_def.type
        info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
        try:
            completed = self.complete_value(
                return_type, field_details_list, info, path, resolved, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None

        return await_completed()


class _SharedEvent:
    """One event for one subscriber, as graphql-core's per-event executor: executing it
    takes the shared execution."""

    __slots__ = ("_executor", "_key", "_payload")

    def __init__(self, executor: _SharingExecutor, payload: Any, key: Hashable) -> None:
        self._executor = executor
        self._payload = payload
        self._key = key

    def execute_operation(self, serially: bool | None = None) -> Awaitable[ExecutionResult]:
        return self._executor.execute_shared(self._payload, self._key)


async def _settled(value: Any) -> Any:
    return await value if asyncio.iscoroutine(value) or isinstance(value, Awaitable) else value


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.names.add(node.name.value)


def _shape_of(executor: Executor[Any]) -> Hashable:
    """What makes two subscriptions' executions of one event equal: the selections below
    the root fields, their directives and fragments, and the variables they use."""
    used = _Variables()
    parts: list[str] = []
    for selection in executor.operation.selection_set.selections:
        if isinstance(selection, FieldNode):
            parts.append(selection.alias.value if selection.alias else selection.name.value)
            parts.append(selection.name.value)
            for directive in selection.directives or ():
                visit(directive, used)
                parts.append(print_ast(directive))
            if selection.selection_set is not None:
                visit(selection.selection_set, used)
                parts.append(print_ast(selection.selection_set))
        else:
            visit(selection, used)
            parts.append(print_ast(selection))
    for name in sorted(executor.fragment_definitions):
        definition = executor.fragment_definitions[name]
        visit(definition, used)
        parts.append(print_ast(definition))
    coerced = executor.variable_values.coerced
    values = tuple((name, repr(coerced.get(name))) for name in sorted(used.names))
    return ("\n".join(parts), values)

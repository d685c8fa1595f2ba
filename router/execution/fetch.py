"""Run one ``FetchNode``: a root fetch writes ``data``, an entity fetch fills tree objects.

An entity fetch gathers every object at the Flatten path (or paths: the
executor hands over identical fetches from one Parallel together), builds
their representations, deduplicates them (one ``_entities`` request per node,
each distinct representation sent once), and maps result ``i`` back onto
every object that produced representation ``i``. Entities whose contextual
arguments differ are grouped by value and the request split into aliased
``_entities`` fields, still one request (see :mod:`.contexts`). Cost: one
subgraph round trip and a walk of the tree at each path.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import orjson

from router.execution.contexts import (
    context_values,
    free_separator,
    split_operation,
    split_variables,
)
from router.execution.representations import (
    EntityGroup,
    apply_renames,
    representation_builder,
    representation_key,
)
from router.execution.state import RunState
from router.execution.subgraph_errors import (
    client_error,
    entity_error_paths,
    fetch_failed_error,
    request_id,
    root_error_path,
    unavailable_error,
)
from router.execution.tree import ResponsePath, deep_merge, located_at, merge_into_each
from router.plan import FetchNode
from router.transport.errors import TransportError
from router.transport.types import SubgraphRequest, SubgraphResponse


async def execute_root_fetch(fetch: FetchNode, state: RunState) -> SubgraphResponse | None:
    response = await _send(fetch, state, {}, _no_path)
    if response is not None:
        merge_root_response(fetch, response, state)
    return response


def merge_root_response(fetch: FetchNode, response: SubgraphResponse, state: RunState) -> None:
    """A root fetch's answer (or one subscription event) into the tree, errors at their paths."""
    for error in response.errors:
        state.errors.append(
            client_error(error, fetch.service_name, root_error_path(error), state.policy)
        )
    if response.data:
        data = response.data
        if fetch.output_rewrites:  # renamed in a private copy: the answer may be shared
            data = orjson.loads(orjson.dumps(data))
            apply_renames(data, fetch.output_rewrites, state.matches)
        deep_merge(state.data, data, state.owned)
        state.walks.shape += 1


async def execute_entity_fetch(
    fetch: FetchNode, paths: tuple[tuple[str, ...], ...], state: RunState
) -> None:
    """One ``_entities`` request for the objects at every path in ``paths`` (usually one)."""
    await fetch_entities(fetch, paths, group_entities(fetch, paths, state), state)


async def fetch_entities(
    fetch: FetchNode,
    paths: tuple[tuple[str, ...], ...],
    groups: list[EntityGroup],
    state: RunState,
) -> tuple[list[Any], SubgraphResponse] | None:
    """Send the groups' representations, merge the answers; the entities and the response
    when the subgraph answered every one without errors."""
    representations = [r for group in groups for r in group.representations]
    targets = [t for group in groups for t in group.targets]
    if not representations:
        return None

    def object_paths() -> list[list[ResponsePath]]:
        # Only errors need them: a second walk, keeping paths, skipped when all goes well.
        path_of = {
            id(loc.obj): loc.path
            for path in paths
            for loc in located_at(state.data, path, state.matches, state.owned)
        }
        # An object a parallel fetch has since nulled out of the tree has no path.
        return [[path_of[id(o)] for o in group if id(o) in path_of] for group in targets]

    def where() -> ResponsePath | None:
        return _common_prefix([path for group in object_paths() for path in group])

    if len(groups) == 1:
        response = await _send(
            fetch, state, {"representations": representations, **groups[0].values}, where
        )
        if response is None:
            return None
        entities, errors = (response.data or {}).get("_entities"), response.errors
    else:
        names = tuple(dict.fromkeys(r.rename_to for r in fetch.context_rewrites))
        separator = free_separator(names, fetch.variable_usages)
        response = await _send(
            fetch,
            state,
            split_variables([(g.values, g.representations) for g in groups], separator),
            where,
            split_operation(fetch.operation, names, len(groups), separator),
        )
        if response is None:
            return None
        entities, errors = _joined(response, groups)
    if errors:
        error_object_paths = object_paths()
        for error in errors:
            for error_path in entity_error_paths(error, error_object_paths):
                state.errors.append(
                    client_error(error, fetch.service_name, error_path, state.policy)
                )

    if not isinstance(entities, list) or len(entities) != len(representations):
        if not errors:
            state.errors.append(
                fetch_failed_error(
                    fetch.service_name,
                    f"expected {len(representations)} entities in the response",
                    where(),
                    state.policy,
                )
            )
        return None
    for entity, group, representation in zip(entities, targets, representations, strict=True):
        merge_entity(entity, group, fetch, state, representation.get("__typename"))
    # Answers that came with errors (some entities may be null because of them) are not
    # handed on: the entity cache stores only what a subgraph answered cleanly.
    return None if errors else (entities, response)


def group_entities(
    fetch: FetchNode, paths: tuple[tuple[str, ...], ...], state: RunState
) -> list[EntityGroup]:
    """Representations, deduplicated, grouped by contextual values (one group without contexts)."""
    build = representation_builder(fetch.requires, fetch.input_rewrites, state.schema)
    if not fetch.context_rewrites:
        single = EntityGroup({})
        for path in paths:
            build.add_all(state.objects_at(path), single, state.matches)
        return [single]
    by_values: dict[Hashable, EntityGroup] = {}
    for path in paths:
        for obj, obj_path in located_at(state.data, path, state.matches, state.owned):
            representation = build(obj, state.matches)
            if representation is None:
                continue
            values = context_values(state.data, obj_path, fetch.context_rewrites, state.matches)
            key = representation_key(values)
            group = by_values.get(key) or by_values.setdefault(key, EntityGroup(values))
            group.add(representation, obj)
    return list(by_values.values()) or [EntityGroup({})]


def _joined(
    response: SubgraphResponse, groups: list[EntityGroup]
) -> tuple[list[Any] | None, tuple[dict[str, Any], ...]]:
    """A split request's answers as one ``_entities`` list, and its errors with paths to match."""
    data = response.data or {}
    entities: list[Any] | None = []
    offsets: dict[str, int] = {}
    for index, group in enumerate(groups):
        offsets[f"_{index}"] = len(entities or ())
        part = data.get(f"_{index}")
        if (
            entities is not None
            and isinstance(part, list)
            and len(part) == len(group.representations)
        ):
            entities.extend(part)
        else:
            entities = None
    errors = []
    for error in response.errors:
        path = error.get("path")
        if isinstance(path, list) and len(path) > 1 and path[0] in offsets:
            if isinstance(path[1], int):
                path = ["_entities", offsets[path[0]] + path[1], *path[2:]]
            else:
                path = ["_entities"]
            error = {**error, "path": path}
        errors.append(error)
    return entities, tuple(errors)


def merge_entity(
    entity: Any,
    group: list[dict[str, Any]],
    fetch: FetchNode,
    state: RunState,
    typename: str | None = None,
) -> None:
    # A null entity adds nothing: the fields it was asked for stay missing (shaping nulls
    # them, bubbling as the spec says) and fetches needing them skip the object.
    if not isinstance(entity, dict):
        return
    if fetch.output_rewrites:  # renamed in a private copy: the answer may be shared
        entity = orjson.loads(orjson.dumps(entity))
        # An entity need not name its type: the representation's is its own.
        apply_renames(entity, fetch.output_rewrites, state.matches, typename)
    # Objects sharing a representation share the entity's nested values: the tree
    # copies them on write, so each object's own path still gets its own copy.
    if merge_into_each(group, entity, state.owned):
        state.walks.shape += 1


async def _send(
    fetch: FetchNode,
    state: RunState,
    extra_variables: dict[str, Any],
    where: Callable[[], ResponsePath | None],
    query: str | None = None,
) -> SubgraphResponse | None:
    """Send ``fetch`` (or ``query`` in its stead: a split entity request)."""
    request = subgraph_request(fetch, state, extra_variables, query)
    try:
        response = await state.transport.fetch(fetch.service_name, request)
    except TransportError as exc:
        state.errors.append(
            unavailable_error(fetch.service_name, exc.reason, where(), request_id(state.headers))
        )
        return None
    state.subgraph_headers.append(response.headers)
    if state.cache is not None and response.extensions:
        await state.cache.invalidate_named(fetch.service_name, response.extensions)
    return response


def subgraph_request(
    fetch: FetchNode,
    state: RunState,
    extra_variables: dict[str, Any] | None = None,
    query: str | None = None,
) -> SubgraphRequest:
    """What ``fetch`` sends: its operation (or ``query`` in its stead), the client variables
    it uses, the forwarded headers."""
    variables = fetch_variables(fetch, state)
    variables.update(extra_variables or {})
    return SubgraphRequest(
        query=fetch.operation if query is None else query,
        operation_name=fetch.operation_name,
        variables=variables,
        headers=state.headers,
    )


def fetch_variables(fetch: FetchNode, state: RunState) -> dict[str, Any]:
    """The client variable values ``fetch`` sends."""
    return {
        name: state.variables[name] for name in fetch.variable_usages if name in state.variables
    }


def _no_path() -> None:
    return None


def _common_prefix(paths: list[ResponsePath]) -> ResponsePath | None:
    if not paths:
        return None
    prefix = paths[0]
    for path in paths[1:]:
        length = 0
        for a, b in zip(prefix, path, strict=False):
            if a != b:
                break
            length += 1
        prefix = prefix[:length]
    return prefix or None

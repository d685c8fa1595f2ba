"""Fetches through the entity cache: answer what it holds, send only the rest, store the answers.

An entity fetch looks up its distinct representations in one round trip,
merges every hit into the tree as if the subgraph had answered it, sends one
``_entities`` request for the misses alone (their objects mapped back in
order, as :mod:`.fetch` always does) and stores what the subgraph answered
when it answered without errors. A root query fetch is one entry. Fetches
the cache does not cover, and every fetch when Redis fails, run as without
a cache. What the cache answered counts in the client's ``Cache-Control``
as a subgraph's answer would: its remaining age, ``private`` if it was
(:mod:`router.http.headers` merges them). Only the executor's dispatch calls
here, and only with a cache on.
"""

from __future__ import annotations

from router.cache import MISS, RequestCache
from router.execution.fetch import (
    execute_root_fetch,
    fetch_entities,
    fetch_variables,
    group_entities,
    merge_entity,
    merge_root_response,
)
from router.execution.representations import EntityGroup
from router.execution.state import RunState
from router.plan import FetchNode
from router.transport.types import SubgraphResponse


async def execute_cached_root_fetch(fetch: FetchNode, state: RunState, cache: RequestCache) -> None:
    if not cache.covers(fetch):
        await execute_root_fetch(fetch, state)
        return
    lookup = await cache.lookup_root(fetch, fetch_variables(fetch, state))
    if lookup is not None and lookup.served is not None:
        merge_root_response(fetch, SubgraphResponse(data=lookup.hit), state)
        state.subgraph_headers.append(lookup.served.headers())
        return
    response = await execute_root_fetch(fetch, state)
    if lookup is not None and response is not None and response.data and not response.errors:
        await cache.store_root(fetch, lookup, response.data, response.headers)


async def execute_cached_entity_fetch(
    fetch: FetchNode, paths: tuple[tuple[str, ...], ...], state: RunState, cache: RequestCache
) -> None:
    groups = group_entities(fetch, paths, state)
    if not cache.covers(fetch) or len(groups) != 1 or not groups[0].representations:
        await fetch_entities(fetch, paths, groups, state)
        return
    (group,) = groups
    lookup = await cache.lookup_entities(
        fetch, group.representations, fetch_variables(fetch, state), tuple(group.index_of)
    )
    if lookup is None:
        await fetch_entities(fetch, paths, groups, state)
        return
    misses = EntityGroup({})
    sent: list[int] = []
    for index, hit in enumerate(lookup.hits):
        if hit is MISS:
            misses.representations.append(group.representations[index])
            misses.targets.append(group.targets[index])
            sent.append(index)
        else:
            typename = group.representations[index].get("__typename")
            merge_entity(hit, group.targets[index], fetch, state, typename)
    if lookup.served is not None:
        state.subgraph_headers.append(lookup.served.headers())
    if not sent:
        return
    answered = await fetch_entities(fetch, paths, [misses], state)
    if answered is not None:
        entities, response = answered
        await cache.store_entities(
            fetch, lookup, zip(sent, entities, strict=True), response.headers
        )

"""One operation shaped across requests: what is collected once must follow each request's variables."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema, parse

from router.execution import ExecutionRequest, execute
from router.execution.shaping import ShapingCache
from router.execution.shaping_cache import ShapingCaches, directive_variables
from router.plan import FetchNode, QueryPlan
from router.transport import SubgraphRequest, SubgraphResponse

ROOT = QueryPlan(FetchNode("media", "{...}"))
BOOK = {"__typename": "Book", "id": "b1", "title": "Dune", "pages": 412}
DOCUMENT = parse(
    """
    query($withPages: Boolean!, $noTitle: Boolean = false, $first: Int) {
      search { ... on Book @include(if: $withPages) { pages } id title @skip(if: $noTitle) }
    }
    """
)


async def _answer(
    schema: GraphQLSchema, canned: Any, search: list[Any], variables: dict[str, Any]
) -> dict[str, Any]:
    async def answer(service: str, request: SubgraphRequest) -> SubgraphResponse:
        return SubgraphResponse(data={"search": search})

    request = ExecutionRequest(schema=schema, document=DOCUMENT, variables=variables)
    return (await execute(ROOT, request, canned(answer))).formatted()


async def test_requests_of_one_document_follow_their_own_directive_variables(
    api_schema, canned
) -> None:
    cases = [
        ({"withPages": True}, {"pages": 412, "id": "b1", "title": "Dune"}),
        ({"withPages": False}, {"id": "b1", "title": "Dune"}),
        ({"withPages": True, "noTitle": True}, {"pages": 412, "id": "b1"}),
        ({"withPages": True, "first": 3}, {"pages": 412, "id": "b1", "title": "Dune"}),
    ]
    for _ in range(2):
        for variables, shaped in cases:
            response = await _answer(api_schema, canned, [BOOK], variables)
            assert response == {"data": {"search": [shaped]}}, variables


async def test_a_null_after_clean_answers_is_still_reported_at_its_path(api_schema, canned) -> None:
    clean = await _answer(api_schema, canned, [BOOK, BOOK], {"withPages": False})
    assert "errors" not in clean
    broken = await _answer(api_schema, canned, [BOOK, {**BOOK, "id": None}], {"withPages": False})
    assert broken["data"] == {"search": None}  # SearchResult! items: the list is nulled
    assert [e["path"] for e in broken["errors"]] == [["search", 1, "id"]]


def cache_of(caches: ShapingCaches, *args: Any, **kwargs: Any) -> ShapingCache:
    return caches.get(*args, **kwargs)[1]


def test_the_documents_fragments_come_with_each_of_its_caches() -> None:
    document = parse("query($a: Boolean!) { ...F @include(if: $a) } fragment F on Query { x }")
    caches = ShapingCaches()
    fragments, _ = caches.get(document, {"a": True}, deferring=False)
    assert list(fragments) == ["F"] and fragments["F"] is document.definitions[1]
    assert caches.get(document, {"a": False}, deferring=True)[0] is fragments


def test_the_cache_key_reads_only_variables_that_directives_use() -> None:
    assert directive_variables(DOCUMENT) == ("noTitle", "withPages")
    caches = ShapingCaches()
    one = cache_of(caches, DOCUMENT, {"withPages": True, "first": 1}, deferring=False)
    assert cache_of(caches, DOCUMENT, {"withPages": True, "first": 2}, deferring=False) is one
    assert cache_of(caches, DOCUMENT, {"withPages": False}, deferring=False) is not one
    assert cache_of(caches, DOCUMENT, {"withPages": True, "first": 1}, deferring=True) is not one


def test_the_cache_is_bounded_in_documents_and_variants() -> None:
    caches = ShapingCaches(documents=2, variants=2)
    documents = [parse("query($a: Boolean!) { x @include(if: $a) }") for _ in range(3)]
    first = cache_of(caches, documents[0], {"a": True}, deferring=False)
    for document in documents[1:]:
        cache_of(caches, document, {"a": True}, deferring=False)
    assert cache_of(caches, documents[0], {"a": True}, deferring=False) is not first  # evicted
    kept = [
        cache_of(caches, documents[2], {"a": value}, deferring=value) for value in (True, False)
    ]
    extra = cache_of(caches, documents[2], {"a": None}, deferring=False)
    assert cache_of(caches, documents[2], {"a": None}, deferring=False) is not extra  # not kept
    assert cache_of(caches, documents[2], {"a": True}, deferring=True) is kept[0]

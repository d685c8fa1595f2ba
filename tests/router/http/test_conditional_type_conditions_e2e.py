"""Conditional type conditions under an entity's interface field, end to end: the printshop subgraphs and our router.

``notes { item }`` comes from ``notes``; what a type condition asks of the
item comes from ``catalog`` (``code``, ``issuer``) and ``titles``
(``title``), and ``@skip``/``@include`` on those type conditions, nested or
beside an unconditional one, decide per variable what the client gets.
``Studio`` is a value type in ``catalog`` and an entity in ``studios``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.router.http.compose import PRINTSHOP_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.printshop import printshop_apps

TITLE = {"n1": "Night Train", "c1": "Ink Moon"}
CODE = {"n1": "c-n1", "c1": "c-c1"}


@pytest.fixture(scope="module")
async def printshop() -> AsyncIterator[Federation]:
    async with federation(printshop_apps(), PRINTSHOP_SUPERGRAPH) as running:
        yield running


def _items(novel: list[str], comic: list[str]) -> list[dict[str, Any]]:
    """The items with their notes' items, each with ``id`` and the fields named for its kind."""

    def item(id: str, fields: list[str]) -> dict[str, Any]:
        values = {"title": TITLE[id], "code": CODE[id]}
        return {"id": id, **{field: values[field] for field in fields}}

    return [
        {"id": "n1", "notes": [{"item": item("n1", novel)}] * 2},
        {"id": "c1", "notes": [{"item": item("c1", comic)}]},
        {"id": "n2", "notes": []},
    ]


@pytest.mark.parametrize(
    ("selection", "value", "novel", "comic"),
    [
        (
            "... on Novel @include(if: $t) { title } ... on Comic { code }",
            True,
            ["title"],
            ["code"],
        ),
        ("... on Novel @include(if: $t) { title } ... on Comic { code }", False, [], ["code"]),
        ("... on Novel @skip(if: $t) { title } ... on Comic { code }", False, ["title"], ["code"]),
        ("... on Novel @skip(if: $t) { title } ... on Comic { code }", True, [], ["code"]),
        (
            "... on Novel @skip(if: $t) { title } ... on Novel { code } ... on Comic { code }",
            True,
            ["code"],
            ["code"],
        ),
        (
            "... on Novel @skip(if: $t) { title } ... on Novel { code } ... on Comic { code }",
            False,
            ["title", "code"],
            ["code"],
        ),
        (
            "... on Novel @include(if: $t) { title ... on Novel { code } } ... on Comic { code }",
            True,
            ["title", "code"],
            ["code"],
        ),
        (
            """... on Novel @include(if: $t) { title ... on Novel @skip(if: $t) { code } }
               ... on Comic { code }""",
            True,
            ["title"],
            ["code"],
        ),
    ],
)
async def test_conditional_type_conditions_under_an_entity_field(
    printshop: Federation, selection: str, value: bool, novel: list[str], comic: list[str]
) -> None:
    query = (
        f"query($t: Boolean = {str(value).lower()}) "
        f"{{ items {{ id notes {{ item {{ id {selection} }} }} }} }}"
    )
    answer = await printshop.ask(query)
    assert answer.body == {"data": {"items": _items(novel, comic)}}
    required = query.replace(f"Boolean = {str(value).lower()}", "Boolean!")
    variable = await printshop.ask(required, {"t": value})
    assert variable.body == answer.body
    if "title" not in novel:
        assert "titles" not in variable.asked.services()


async def test_a_union_member_that_is_an_entity_only_elsewhere(printshop: Federation) -> None:
    answer = await printshop.ask(
        """{ items { id notes { item { id
              ... on Comic { issuer { ...Issued } }
              ... on Novel { issuer { ...Issued } } } } } }
           fragment Issued on Issuer { ... on Studio { id name } ... on Solo { email } }"""
    )
    novel = {"id": "n1", "issuer": {"email": "ann@example.com"}}
    comic = {"id": "c1", "issuer": {"id": "s1", "name": "Inkworks"}}
    assert answer.body == {
        "data": {
            "items": [
                {"id": "n1", "notes": [{"item": novel}] * 2},
                {"id": "c1", "notes": [{"item": comic}]},
                {"id": "n2", "notes": []},
            ]
        }
    }
    (studios,) = answer.asked.to("studios")
    assert studios.representations == [{"__typename": "Studio", "id": "s1"}]

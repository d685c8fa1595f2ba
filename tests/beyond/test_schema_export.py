"""The checked-in subgraph SDLs are what the code serves."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import ObjectTypeDefinitionNode, parse

from beyond.domains import discover, export_sdls

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema" / "subgraphs"


@pytest.mark.parametrize("name", sorted(discover()))
def test_the_exported_sdl_matches_the_code(name: str) -> None:
    checked_in = (SCHEMA_DIR / f"{name}.graphql").read_text()
    assert checked_in == export_sdls()[name], (
        f"schema/subgraphs/{name}.graphql is stale: run `beyond schema compose`"
    )


def test_the_accounts_sdl_declares_the_user_entity() -> None:
    sdl = export_sdls()["accounts"]
    assert 'type User @key(fields: "id")' in sdl
    assert "https://specs.apollo.dev/federation/v2.11" in sdl


def test_the_social_sdl_adds_its_fields_to_user_by_key_only() -> None:
    document = parse(export_sdls()["social"])
    types = {
        d.name.value: d for d in document.definitions if isinstance(d, ObjectTypeDefinitionNode)
    }
    user = types["User"]
    assert [d.name.value for d in user.directives] == ["key"]
    assert [f.name.value for f in user.fields] == [
        "id",
        "followerCount",
        "followingCount",
        "followers",
        "following",
        "viewerFollows",
        "followsViewer",
    ]
    assert [d.name.value for d in types["PageInfo"].directives] == ["shareable"]

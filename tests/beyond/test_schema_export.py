"""The checked-in subgraph SDLs are what the code serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from beyond.services import SERVICES, export_sdls

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema" / "subgraphs"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_the_exported_sdl_matches_the_code(name: str) -> None:
    checked_in = (SCHEMA_DIR / f"{name}.graphql").read_text()
    assert checked_in == export_sdls()[name], (
        f"schema/subgraphs/{name}.graphql is stale: run `beyond schema compose`"
    )


def test_the_accounts_sdl_declares_the_user_entity() -> None:
    sdl = export_sdls()["accounts"]
    assert 'type User @key(fields: "id")' in sdl
    assert "https://specs.apollo.dev/federation/v2.11" in sdl

"""Cache keys: canonical entities, selections shared across operations, private keys per subject."""

from __future__ import annotations

from pathlib import Path

from router.cache import KeySpace, entity_keys
from router.cache.keys import digest, entity_identity, selection_digest
from router.supergraph import load_supergraph

ENTITIES = (
    "query Shelf__catalog__1($representations:[_Any!]!)"
    "{_entities(representations:$representations){...on Product{name}}}"
)
KEYS = KeySpace("t:")


def test_an_entity_is_its_first_whole_key_in_any_key_order() -> None:
    candidates = [("upc",), ("sku", "region")]
    assert entity_identity({"__typename": "P", "sku": "a", "region": "eu"}, candidates) == {
        "sku": "a",
        "region": "eu",
    }
    assert entity_identity({"__typename": "P", "upc": "1", "sku": "a"}, candidates) == {"upc": "1"}
    one = KEYS.entity_version("catalog", "P", {"sku": "a", "region": "eu"})
    assert one == KEYS.entity_version("catalog", "P", {"region": "eu", "sku": "a"})
    assert one != KEYS.entity_version("catalog", "P", {"sku": "b", "region": "eu"})


def test_without_a_known_key_the_representation_names_the_entity() -> None:
    assert entity_identity({"__typename": "P", "id": 1, "weight": 3}, []) == {"id": 1, "weight": 3}


def test_the_selection_ignores_the_operation_name_but_not_the_fields_or_variables() -> None:
    renamed = ENTITIES.replace("Shelf__catalog__1", "Other__catalog__4")
    assert selection_digest(ENTITIES, {}) == selection_digest(renamed, {})
    assert selection_digest(ENTITIES, {}) != selection_digest(ENTITIES.replace("name", "id"), {})
    assert selection_digest(ENTITIES, {"v": 1}) != selection_digest(ENTITIES, {"v": 2})
    assert selection_digest(ENTITIES, {"v": 1}) != selection_digest(ENTITIES, {"v": True})


def test_requires_values_and_subjects_make_entries_differ() -> None:
    entity = digest({"id": "p1"})
    plain = {"__typename": "Product", "id": "p1"}
    weighed = {**plain, "weight": 3}
    selection = selection_digest(ENTITIES, {})
    shared = KEYS.entity_entry("catalog", "Product", entity, plain, selection, None)
    assert shared != KEYS.entity_entry("catalog", "Product", entity, weighed, selection, None)
    ada = KEYS.entity_entry("catalog", "Product", entity, plain, selection, "ada")
    grace = KEYS.entity_entry("catalog", "Product", entity, plain, selection, "grace")
    assert len({shared, ada, grace}) == 3
    assert "ada" not in ada  # subjects appear only as digests
    assert shared.startswith("t:e:catalog:Product:")


def test_entity_keys_are_read_per_subgraph_from_the_supergraph() -> None:
    sdl = (Path(__file__).parents[1] / "http" / "supergraphs" / "pantry.graphql").read_text()
    keys = entity_keys(load_supergraph(sdl))
    assert keys[("catalog", "Product")] == (("id",),)
    assert keys[("notes", "Product")] == (("id",),)
    assert ("catalog", "Query") not in keys

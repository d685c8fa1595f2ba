"""Deduplicating representations without serialising them: equal exactly when the JSON is."""

from __future__ import annotations

from router.execution.representations import representation_key


def test_equal_representations_share_a_key_whatever_their_key_order() -> None:
    a = {"__typename": "Product", "upc": "1", "dims": {"w": 1, "h": [2, 3]}}
    b = {"dims": {"h": [2, 3], "w": 1}, "upc": "1", "__typename": "Product"}
    assert representation_key(a) == representation_key(b)


def test_values_json_tells_apart_get_different_keys() -> None:
    keys = [
        representation_key(r)
        for r in (
            {"id": 1},
            {"id": True},
            {"id": 1.5},
            {"id": "1"},
            {"id": [1]},
            {"id": {"v": 1}},
            {"id": None},
            {"id": 1, "extra": None},
        )
    ]
    assert len(set(keys)) == len(keys)

"""TTL and scope from a subgraph answer's Cache-Control."""

from __future__ import annotations

import pytest

from router.cache.policy import Freshness, TtlPolicy

POLICY = TtlPolicy(max_ttl=600)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["public, max-age=60"], Freshness(60, private=False)),
        (["max-age=60, s-maxage=30"], Freshness(30, private=False)),
        (["private, max-age=60, s-maxage=30"], Freshness(60, private=True)),
        (["public", "max-age=90"], Freshness(90, private=False)),
        (["max-age=86400"], Freshness(600, private=False)),
        (["no-store, max-age=60"], None),
        (["no-cache, max-age=60"], None),
        (["max-age=0"], None),
        (["max-age=soon"], None),
        (["public"], None),
        ([], None),
    ],
)
def test_freshness_follows_the_header(values: list[str], expected: Freshness | None) -> None:
    headers = [("Cache-Control", value) for value in values] + [("content-type", "x")]
    assert POLICY.freshness(headers) == expected


def test_a_default_ttl_covers_answers_that_state_no_age_only() -> None:
    policy = TtlPolicy(max_ttl=600, default_ttl=45)
    assert policy.freshness([]) == Freshness(45, private=False)
    assert policy.freshness([("cache-control", "private")]) == Freshness(45, private=True)
    assert policy.freshness([("cache-control", "no-store")]) is None
    assert policy.freshness([("cache-control", "max-age=5")]) == Freshness(5, private=False)

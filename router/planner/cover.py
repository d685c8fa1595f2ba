"""Choosing where unresolved fields go: greedy weighted set cover.

Each field can be answered through one of several options (hops into
subgraphs, or subgraphs for root fields), each with a price for that field;
opening an option costs one fetch unless it is already open (a group that
can be shared). The greedy choice takes the option with the fewest fetches
per field covered, then the shallowest, then the one covering more fields,
then the earlier option, so the result is deterministic.
Cost: O(options x fields) per choice.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from router.planner.price import FREE, ONE_FETCH, Cost

Option = TypeVar("Option", bound=Hashable)


def cover(
    prices: Sequence[dict[Option, Cost]],
    is_open: Callable[[Option], bool],
    rank: Callable[[Option], int],
) -> list[Option | None]:
    """For each field (its prices per option), the option chosen; ``None`` when it has none."""
    chosen: list[Option | None] = [None] * len(prices)
    remaining = {i for i, options in enumerate(prices) if options}
    opened: set[Option] = set()
    while remaining:
        best: tuple[float, int, int, int] | None = None
        best_option: Option | None = None
        candidates: dict[Option, list[int]] = {}
        for index in sorted(remaining):
            for option in prices[index]:
                candidates.setdefault(option, []).append(index)
        for option, covered in candidates.items():
            total = FREE if option in opened or is_open(option) else ONE_FETCH
            for index in covered:
                total += prices[index][option]
            score = (total.fetches / len(covered), total.depth, -len(covered), rank(option))
            if best is None or score < best:
                best, best_option = score, option
        assert best_option is not None
        opened.add(best_option)
        for index in candidates[best_option]:
            chosen[index] = best_option
            remaining.discard(index)
    return chosen

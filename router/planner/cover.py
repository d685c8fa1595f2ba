"""Choosing where unresolved fields go: a small exact search, else greedy set cover.

Each field can be answered through one of several options (hops into
subgraphs, or subgraphs for root fields), each with a price for that field;
opening an option costs one fetch unless it is already open (a group that
can be shared). A plan's price is the sum over opened options; plans compare
by fetches, then depth, then the options' ranks (declaration order), so the
result is deterministic.

When the choices multiply to at most :data:`EXACT_LIMIT` combinations, every
combination is priced and the cheapest wins. Otherwise the greedy weighted
set cover takes, again and again, the option with the fewest fetches per
field covered (then more fields, then shallower, then earlier).
Cost: O(EXACT_LIMIT x fields) or O(options x fields) per greedy choice.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from router.planner.price import FREE, ONE_FETCH, Cost

Option = TypeVar("Option", bound=Hashable)

EXACT_LIMIT = 256


def cover(
    prices: Sequence[dict[Option, Cost]],
    is_open: Callable[[Option], bool],
    rank: Callable[[Option], int],
) -> list[Option | None]:
    """For each field (its prices per option), the option chosen; ``None`` when it has none."""
    choosable = [i for i, options in enumerate(prices) if options]
    combinations = math.prod(len(prices[i]) for i in choosable)
    if combinations <= EXACT_LIMIT:
        return _exact(prices, choosable, is_open, rank)
    return _greedy(prices, is_open, rank)


def _exact(
    prices: Sequence[dict[Option, Cost]],
    choosable: list[int],
    is_open: Callable[[Option], bool],
    rank: Callable[[Option], int],
) -> list[Option | None]:
    chosen: list[Option | None] = [None] * len(prices)
    opening = {o: FREE if is_open(o) else ONE_FETCH for i in choosable for o in prices[i]}
    best: tuple[int, int, list[int]] | None = None
    best_pick: tuple[Option, ...] = ()
    for pick in itertools.product(*(sorted(prices[i], key=rank) for i in choosable)):
        total = FREE
        for option in set(pick):
            total += opening[option]
        for index, option in zip(choosable, pick, strict=True):
            total += prices[index][option]
        score = (total.fetches, total.depth, [rank(option) for option in pick])
        if best is None or score < best:
            best, best_pick = score, pick
    for index, option in zip(choosable, best_pick, strict=True):
        chosen[index] = option
    return chosen


def _greedy(
    prices: Sequence[dict[Option, Cost]],
    is_open: Callable[[Option], bool],
    rank: Callable[[Option], int],
) -> list[Option | None]:
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
            score = (total.fetches / len(covered), -len(covered), total.depth, rank(option))
            if best is None or score < best:
                best, best_option = score, option
        assert best_option is not None
        opened.add(best_option)
        for index in candidates[best_option]:
            chosen[index] = best_option
            remaining.discard(index)
    return chosen

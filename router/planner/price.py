"""The price of a piece of plan: extra fetches, then the longest chain of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Cost:
    """Extra fetches, then the longest chain of fetches one after another."""

    fetches: int = 0
    depth: int = 0

    def __add__(self, other: Cost) -> Cost:
        """Side by side: fetches add up, the deeper chain counts."""
        return Cost(self.fetches + other.fetches, max(self.depth, other.depth))

    def then(self, other: Cost) -> Cost:
        """One after the other: fetches and chains both add up."""
        return Cost(self.fetches + other.fetches, self.depth + other.depth)


FREE = Cost()
ONE_FETCH = Cost(1, 1)

"""Which progressive ``@override`` labels are on for one request.

As in Apollo Router: a label ``percent(x)`` is on for x% of requests, rolled
afresh for each request; any other label is on only when the router
configuration switches it on (``override_labels``), so a labelled field stays
with the subgraph it is migrating from until someone says otherwise. The
labels that are on are part of the plan cache key: each combination plans
once.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

_PERCENT = re.compile(r"percent\((?P<share>\d+(?:\.\d+)?)\)")


@dataclass(frozen=True, slots=True)
class OverrideLabels:
    switched_on: frozenset[str]
    percent: tuple[tuple[str, float], ...]

    @classmethod
    def of(cls, in_supergraph: frozenset[str], configured: frozenset[str]) -> OverrideLabels:
        percent = []
        for label in sorted(in_supergraph):
            match = _PERCENT.fullmatch(label)
            if match is not None:
                percent.append((label, float(match["share"])))
        return cls(in_supergraph & configured, tuple(percent))

    def roll(self, chance: Callable[[], float] = random.random) -> frozenset[str]:
        """The labels on for one request; ``chance`` draws uniformly from [0, 1)."""
        if not self.percent:
            return self.switched_on
        rolled = {label for label, share in self.percent if chance() * 100 < share}
        return self.switched_on | rolled if rolled else self.switched_on

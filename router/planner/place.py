"""Where the walk stands: a fetch group, a spot in its selection, and the places above it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from router.operation import Condition
from router.planner.fetch_graph import FetchGroup
from router.planner.selection_builder import SelectionBuilder
from router.supergraph import FieldSet


@dataclass(frozen=True, slots=True)
class Place:
    """A spot in a group's selection: the type there, the response path, what ``@provides``
    grants on this path and the conditions guarding it.

    ``up`` is the place of the enclosing object (``None`` at the root), where a
    contextual argument finds the ancestor that sets its context; ``origin``,
    for the place an ``_entities`` hop lands on, is the place hopped from: the
    same objects, in the earlier group.
    """

    group: FetchGroup
    builder: SelectionBuilder
    parent: str
    path: tuple[str, ...]
    provided: FieldSet | None
    conditions: tuple[Condition, ...]
    up: Place | None = None
    origin: Place | None = None

    def narrow(self, concrete: str) -> Place:
        return replace(self, builder=self.builder.fragment(concrete), parent=concrete)

    def origins(self) -> list[Place]:
        """This place, then the places the hops to it started from, earliest last."""
        found: list[Place] = []
        place: Place | None = self
        while place is not None:
            found.append(place)
            place = place.origin
        return found

    def levels_below(self, ancestor: Place) -> int:
        """How many fields lead from ``ancestor``'s objects down to this place's (lists do not count)."""
        return sum(1 for step in self.path[len(ancestor.path) :] if step != "@")

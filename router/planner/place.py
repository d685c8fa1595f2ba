"""Where the walk stands: a fetch group, a spot in its selection, and the places above it."""

from __future__ import annotations

from typing import NamedTuple

from router.operation import Condition
from router.planner.fetch_graph import FetchGroup
from router.planner.selection_builder import SelectionBuilder
from router.supergraph import FieldSet


class Place(NamedTuple):
    """A spot in a group's selection: the type there, the response path, what ``@provides``
    grants on this path and the conditions guarding it.

    ``up`` is the place of the enclosing object (``None`` at the root), where a
    contextual argument finds the ancestor that sets its context; ``origin``,
    for the place an ``_entities`` hop lands on, is the place hopped from: the
    same objects, in the earlier group. ``only``, under an abstract field
    several subgraphs answer, names the possible types all of them have: the
    only type conditions asked there; ``answering`` names the subgraphs that
    could answer this path (empty: the group's alone). ``typed`` is ``path`` with
    the type conditions met on the way (``"... on T"`` steps), for the entity
    fetches at a path where branches diverge (:mod:`router.planner.divergence`).

    A named tuple, not a frozen dataclass: the walk makes one at every field
    and hop, and a frozen dataclass's ``__init__`` costs about three times as
    much (it sets each field through ``object.__setattr__``).
    """

    group: FetchGroup
    builder: SelectionBuilder
    parent: str
    path: tuple[str, ...]
    provided: FieldSet | None
    conditions: tuple[Condition, ...]
    up: Place | None = None
    origin: Place | None = None
    only: frozenset[str] | None = None
    answering: frozenset[str] = frozenset()
    typed: tuple[str, ...] = ()

    def admits(self, concrete: str) -> bool:
        """Objects of type ``concrete`` can be here (see ``Capabilities.runtime_types``)."""
        return self.only is None or concrete in self.only

    def narrow(self, concrete: str) -> Place:
        typed = self.typed if concrete == self.parent else (*self.typed, f"... on {concrete}")
        return self._replace(builder=self.builder.fragment(concrete), parent=concrete, typed=typed)

    def guarded(self, conditions: tuple[Condition, ...]) -> Place:
        """The same place under ``conditions`` instead of its own."""
        return self._replace(conditions=conditions)

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

"""Estimating how many extra fetches a selection costs from a given subgraph.

``estimate(graph, parent, selections)`` walks the selections the way the
planner would: fields the graph answers cost nothing and recurse; the rest are
grouped into hops by :func:`~router.planner.cover.cover`, each opened hop
costing one fetch plus what its fields cost after the hop, plus one more when
the key or the ``@requires`` selection is not at hand. Results are memoised
per (graph, type, selections) within one planning run, so the estimate of a
subtree is paid once; every call spends one budget step.
"""

from __future__ import annotations

from dataclasses import replace

from router.operation import Field, Fragment, Selection
from router.planner.budget import Budget
from router.planner.capabilities import (
    ROOT_ONLY_FIELDS,
    Capabilities,
    Hop,
    answers_all,
    provided_field,
)
from router.planner.cover import cover
from router.supergraph import FieldSet

UNSATISFIABLE = 10_000


class CostModel:
    def __init__(self, capabilities: Capabilities, budget: Budget) -> None:
        self.capabilities = capabilities
        self.budget = budget
        self._memo: dict[tuple[str, str, int, int], int] = {}

    def estimate(
        self,
        graph: str,
        parent: str,
        selections: tuple[Selection, ...],
        provided: FieldSet | None = None,
    ) -> int:
        if not selections:
            return 0
        key = (graph, parent, id(selections), id(provided))
        found = self._memo.get(key)
        if found is None:
            self.budget.spend()
            found = self._memo[key] = self._estimate(graph, parent, selections, provided)
        return found

    def _estimate(
        self,
        graph: str,
        parent: str,
        selections: tuple[Selection, ...],
        provided: FieldSet | None,
    ) -> int:
        caps = self.capabilities
        cost = 0
        remote: list[Selection] = []
        interface_object = caps.interface_object_in(graph, parent)
        for selection in selections:
            if isinstance(selection, Fragment):
                if interface_object:
                    remote.append(selection)
                elif selection.type_condition in caps.possible_in(graph, parent):
                    cost += self.estimate(
                        graph, selection.type_condition, selection.selections, provided
                    )
                continue
            if selection.name in ROOT_ONLY_FIELDS:
                continue
            if caps.resolvable(graph, parent, selection, provided):
                cost += self.estimate(
                    graph, selection.type, selection.selections,
                    self.sub_provided(graph, parent, selection, provided),
                )  # fmt: skip
            elif (
                caps.is_abstract(parent)
                and not interface_object
                and not caps.hops(parent, selection)
            ):
                cost += sum(
                    self.estimate(graph, concrete, (replace(selection, parent_type=concrete),))
                    for concrete in caps.possible_in(graph, parent)
                )
            else:
                remote.append(selection)
        if remote:
            cost += self.remote_cost(graph, parent, remote, provided)
        return cost

    def sub_provided(
        self, graph: str, parent: str, field: Field, provided: FieldSet | None
    ) -> FieldSet | None:
        if provided is not None:
            inner = provided_field(provided, parent, field.name, self.capabilities)
            if inner is not None:
                return inner.selections
        return self.capabilities.field_provides(graph, parent, field.name)

    def hop_prices(
        self, graph: str, parent: str, selection: Selection, provided: FieldSet | None
    ) -> dict[Hop, int]:
        """What answering ``selection`` through each possible hop costs beyond the hop."""
        caps = self.capabilities
        if isinstance(selection, Fragment) or selection.name == "__typename":
            hops = caps.concrete_type_hops(parent)
            inner: tuple[Selection, ...] = (
                selection.selections if isinstance(selection, Fragment) else ()
            )
            return {
                hop: self.key_price(graph, parent, hop, provided)
                + self.estimate(hop.graph, parent, inner)
                for hop in hops
                if hop.graph != graph
            }
        prices: dict[Hop, int] = {}
        for hop in caps.hops(parent, selection):
            price = self.key_price(graph, parent, hop, provided)
            requires = caps.field_requires(hop.graph, hop.entity_type, selection.name)
            if requires is not None and not answers_all(
                caps, graph, parent, caps.selections(parent, requires), provided
            ):
                price += 1
            price += self.estimate(
                hop.graph, selection.type, selection.selections,
                caps.field_provides(hop.graph, hop.entity_type, selection.name),
            )  # fmt: skip
            prices[hop] = price
        return prices

    def key_price(self, graph: str, parent: str, hop: Hop, provided: FieldSet | None) -> int:
        """0 when ``graph`` holds one of the hop's keys here, 1 when it needs fetching first."""
        caps = self.capabilities
        for key in caps.keys(hop.graph, hop.entity_type):
            if answers_all(
                caps, graph, parent, caps.selections(hop.entity_type, key.fields), provided
            ):
                return 0
        return 1

    def remote_cost(
        self,
        graph: str,
        parent: str,
        remote: list[Selection],
        provided: FieldSet | None,
    ) -> int:
        prices = [self.hop_prices(graph, parent, s, provided) for s in remote]
        if any(not p for p in prices):
            return UNSATISFIABLE
        chosen = cover(
            prices, lambda _: False, lambda hop: self.capabilities.graph_order[hop.graph]
        )
        total = len({hop for hop in chosen})
        for price, hop in zip(prices, chosen, strict=True):
            assert hop is not None
            total += price[hop]
        return total

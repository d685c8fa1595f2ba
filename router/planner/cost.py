"""Estimating what a selection costs from a given subgraph: extra fetches, then depth.

``estimate(graph, parent, selections)`` walks the selections the way the
planner would: fields the graph answers cost nothing and recurse; the rest are
grouped into hops by :func:`~router.planner.cover.cover`, each opened hop
costing one fetch and one level on top of what its fields cost after the hop,
with one more fetch and level when the key or the ``@requires`` selection is
not at hand. Sibling costs add fetches and take the deepest level, so plans
compare by number of fetches first and by their longest chain second.
Results are memoised per (graph, type, selections) within one planning run,
so the estimate of a subtree is paid once; every call spends one budget step.
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
from router.planner.price import FREE, ONE_FETCH, Cost
from router.supergraph import FieldSet


class CostModel:
    def __init__(self, capabilities: Capabilities, budget: Budget) -> None:
        self.capabilities = capabilities
        self.budget = budget
        self._memo: dict[tuple[str, str, int, int], Cost] = {}

    def estimate(
        self,
        graph: str,
        parent: str,
        selections: tuple[Selection, ...],
        provided: FieldSet | None = None,
    ) -> Cost:
        if not selections:
            return FREE
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
    ) -> Cost:
        caps = self.capabilities
        cost = FREE
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
                    graph,
                    selection.type,
                    selection.selections,
                    self.sub_provided(graph, parent, selection, provided),
                )
            elif (
                caps.is_abstract(parent)
                and not interface_object
                and not caps.hops(parent, selection)
            ):
                for concrete in caps.possible_in(graph, parent):
                    cost += self.estimate(
                        graph, concrete, (replace(selection, parent_type=concrete),)
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
    ) -> dict[Hop, Cost]:
        """What answering ``selection`` through each possible hop costs beyond the hop."""
        caps = self.capabilities
        if isinstance(selection, Fragment) or selection.name == "__typename":
            inner: tuple[Selection, ...] = (
                selection.selections if isinstance(selection, Fragment) else ()
            )
            return {
                hop: self.key_price(graph, parent, hop, provided).then(
                    self.estimate(hop.graph, parent, inner)
                )
                for hop in caps.concrete_type_hops(parent)
                if hop.graph != graph
            }
        prices: dict[Hop, Cost] = {}
        for hop in caps.hops(parent, selection):
            before = self.key_price(graph, parent, hop, provided)
            requires = caps.field_requires(hop.graph, hop.entity_type, selection.name)
            if requires is not None and not answers_all(
                caps, graph, parent, caps.selections(parent, requires), provided
            ):
                before += ONE_FETCH
            provides = caps.field_provides(hop.graph, hop.entity_type, selection.name)
            after = self.estimate(hop.graph, selection.type, selection.selections, provides)
            prices[hop] = before.then(after)
        return prices

    def key_price(self, graph: str, parent: str, hop: Hop, provided: FieldSet | None) -> Cost:
        """Free when ``graph`` holds one of the hop's keys here, one fetch when it must get one."""
        caps = self.capabilities
        for key in caps.keys(hop.graph, hop.entity_type):
            if answers_all(
                caps, graph, parent, caps.selections(hop.entity_type, key.fields), provided
            ):
                return FREE
        return ONE_FETCH

    def remote_cost(
        self, graph: str, parent: str, remote: list[Selection], provided: FieldSet | None
    ) -> Cost:
        prices = [self.hop_prices(graph, parent, s, provided) for s in remote]
        # No hop from here (a value type): the enclosing field is fetched
        # again from another subgraph, about one more fetch.
        total = FREE
        for price in prices:
            if not price:
                total += ONE_FETCH
        prices = [price for price in prices if price]
        chosen = cover(
            prices, lambda _: False, lambda hop: self.capabilities.graph_order[hop.graph]
        )
        per_hop: dict[Hop, Cost] = {}
        for price, hop in zip(prices, chosen, strict=True):
            assert hop is not None
            per_hop[hop] = per_hop.get(hop, FREE) + price[hop]
        for cost in per_hop.values():
            total += ONE_FETCH.then(cost)
        return total

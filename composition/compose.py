"""The composition pipeline: load each subgraph, check it, merge, check the merge, print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from composition.directives import merge_executable_directives
from composition.errors import CompositionError
from composition.facts import SubgraphFacts, analyse
from composition.fed1 import upgrade_fed1
from composition.graph_rules import valid_schema
from composition.inaccessible import inaccessible_rules
from composition.merge import merge
from composition.printer import print_supergraph
from composition.satisfiability import check_satisfiability
from composition.subgraph import Subgraph, SubgraphSDL, load_subgraph
from composition.subgraph_rules import subgraph_rules


@dataclass(frozen=True, slots=True)
class CompositionResult:
    """Either the supergraph SDL or every error found."""

    supergraph_sdl: str | None
    errors: tuple[CompositionError, ...] = ()

    @property
    def ok(self) -> bool:
        return self.supergraph_sdl is not None


def compose(subgraphs: Sequence[SubgraphSDL]) -> CompositionResult:
    """Compose subgraph SDLs into a Federation v2 supergraph SDL."""
    errors: list[CompositionError] = []
    loaded: list[Subgraph] = []
    for source in sorted(subgraphs, key=lambda s: s.name):
        result = load_subgraph(source)
        if isinstance(result, CompositionError):
            errors.append(result)
        else:
            loaded.append(result)
    facts: list[SubgraphFacts] = []
    for subgraph in loaded:
        subgraph_facts, subgraph_errors = analyse(subgraph)
        facts.append(subgraph_facts)
        errors.extend(subgraph_errors)
        errors.extend(subgraph_rules(subgraph, subgraph_facts))
    if len(loaded) < len(subgraphs):
        # A subgraph that did not load would make the merge report errors that are not.
        return CompositionResult(None, tuple(errors))
    # Merging goes on past the subgraphs' own errors, so that one run reports both; the
    # checks of the merged graph need a sound merge and run only when all is well so far.
    upgrade_fed1(loaded, facts)
    supergraph, merge_errors = merge(loaded, facts)
    supergraph.executable_directives = merge_executable_directives(loaded)
    errors.extend(merge_errors)
    if not errors:
        errors.extend(inaccessible_rules(supergraph))
    if not errors:
        errors.extend(check_satisfiability(loaded, facts, supergraph))
    if errors:
        return CompositionResult(None, tuple(errors))
    supergraph_sdl = print_supergraph(supergraph)
    errors.extend(valid_schema(supergraph_sdl))
    if errors:
        return CompositionResult(None, tuple(errors))
    return CompositionResult(supergraph_sdl)

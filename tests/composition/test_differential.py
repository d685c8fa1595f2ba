"""Apollo's composition (``@apollo/composition`` from npm) decides every corpus case as we do."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from beyond.commands.schema import read_routing
from composition import compose
from tests.composition.corpus import Case, apollo_outcomes, cases, compose_with_apollo, normalize
from tests.composition.random_subgraphs import (
    random_directive_subgraphs,
    random_interface_subgraphs,
    random_product_subgraphs,
    random_reachability_subgraphs,
    random_subgraphs,
)

pytestmark = pytest.mark.node


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_apollo_agrees(case: Case) -> None:
    ours = compose(case.subgraphs)
    theirs = apollo_outcomes()[case.name]
    apollo_sdl = theirs.get("supergraphSdl")
    apollo_codes = sorted({str(e["code"]) for e in theirs.get("errors", [])})  # type: ignore[attr-defined]
    our_codes = sorted({e.code for e in ours.errors})
    if case.apollo_differs is not None:
        # A documented, deliberate difference: it must still be one (else drop the note).
        assert (ours.supergraph_sdl is None, our_codes) != (apollo_sdl is None, apollo_codes) or (
            ours.supergraph_sdl is not None
            and normalize(ours.supergraph_sdl) != normalize(str(apollo_sdl))
        ), "Apollo now agrees: remove apollo-differs from the case"
        return
    assert (ours.supergraph_sdl is None) == (apollo_sdl is None), apollo_codes
    if ours.supergraph_sdl is not None:
        assert isinstance(apollo_sdl, str)
        assert normalize(ours.supergraph_sdl) == normalize(apollo_sdl)
    else:
        assert our_codes == apollo_codes


def test_apollo_composes_the_checked_in_contract_to_the_same_supergraph() -> None:
    schema_dir = Path(__file__).resolve().parents[2] / "schema"
    routing = read_routing(schema_dir)
    subgraphs = [
        {"name": p.stem, "url": routing[p.stem], "sdl": p.read_text()}
        for p in sorted((schema_dir / "subgraphs").glob("*.graphql"))
    ]
    outcome = compose_with_apollo({"contract": subgraphs})["contract"]
    assert "supergraphSdl" in outcome, outcome
    ours = (schema_dir / "supergraph.graphql").read_text()
    assert normalize(ours) == normalize(str(outcome["supergraphSdl"]))


RANDOM_SEEDS = range(80)
GENERATORS = {
    "user": random_subgraphs,
    "product": random_product_subgraphs,
    "reachability": random_reachability_subgraphs,
    "interface": random_interface_subgraphs,
    "directives": random_directive_subgraphs,
}


@cache
def _apollo_on_random_sets() -> dict[str, dict[str, object]]:
    return compose_with_apollo(
        {
            f"{kind}-{seed}": [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in make(seed)]
            for kind, make in GENERATORS.items()
            for seed in RANDOM_SEEDS
        }
    )


@pytest.mark.parametrize("seed", RANDOM_SEEDS)
@pytest.mark.parametrize("kind", GENERATORS)
def test_apollo_agrees_on_random_subgraphs(kind: str, seed: int) -> None:
    ours = compose(GENERATORS[kind](seed))
    theirs = _apollo_on_random_sets()[f"{kind}-{seed}"]
    apollo_sdl = theirs.get("supergraphSdl")
    assert (ours.supergraph_sdl is None) == (apollo_sdl is None), theirs.get("errors")
    if ours.supergraph_sdl is not None:
        assert normalize(ours.supergraph_sdl) == normalize(str(apollo_sdl))
    else:
        # Apollo stops after its first failing phase; we report every phase's errors.
        apollo_codes = {str(e["code"]) for e in theirs.get("errors", [])}  # type: ignore[attr-defined]
        assert apollo_codes <= {e.code for e in ours.errors}

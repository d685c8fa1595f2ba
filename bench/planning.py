"""Planning and loading figures: a generated 20-subgraph supergraph and a generated 2 MB one.

``python -m bench.planning`` composes both with our composer (not timed),
then times ``load_supergraph`` on each (and the router's own load of the large
one, which pauses the garbage collector), and the preparation and planning of a
fresh operation (never seen before: each run aliases its fields differently)
on the 20-subgraph graph, and prints the median and worst of ``--runs`` runs.
The operation walks a chain of entities through all 20 subgraphs, with a
``@requires`` at each hop, so the planner has real choices to make.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable

from composition import SubgraphSDL, compose
from router.http.federation import FederationFront
from router.operation import prepare
from router.planner import plan
from router.supergraph import Supergraph, load_supergraph

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@external", "@requires", "@shareable"])\n'
)


def chain_subgraphs(count: int) -> list[SubgraphSDL]:
    """Subgraph ``s{i}`` owns entity ``T{i}``, links to ``T{i+1}``, and adds a required field to ``T{i-1}``."""
    subgraphs = []
    for i in range(count):
        nxt, prev = (i + 1) % count, (i - 1) % count
        sdl = LINK + (
            f"type Query {{ t{i}(first: Int = 3): [T{i}] }}\n"
            f'type T{i} @key(fields: "id") {{\n'
            f"  id: ID!\n  name: String\n  size: Int\n  weight: Int\n"
            f"  tags: [String]\n  next: T{nxt}\n}}\n"
            f'type T{nxt} @key(fields: "id") {{ id: ID! }}\n'
            f'type T{prev} @key(fields: "id") {{\n'
            f"  id: ID!\n  size: Int @external\n  weight: Int @external\n"
            f'  score{i}: Float @requires(fields: "size weight")\n  note{i}: String\n}}\n'
        )
        subgraphs.append(SubgraphSDL(f"s{i}", f"http://127.0.0.1:{5000 + i}/graphql", sdl))
    return subgraphs


def wide_subgraphs(count: int, types: int, fields: int) -> list[SubgraphSDL]:
    """Many subgraphs of many documented entity types: bulk for the loading figure."""
    subgraphs = []
    for s in range(count):
        parts = [LINK, f"type Query {{ root{s}: [W{s}_0] }}\n"]
        for t in range(types):
            body = "\n".join(
                f'  "Field {f} of type {t} in subgraph {s}, documented like real schemas are."\n'
                f"  f{f}(limit: Int = 10, after: String): {'String' if f % 3 else 'Int'}"
                for f in range(fields)
            )
            link = f"  next: W{s}_{(t + 1) % types}\n"
            parts.append(
                f'"""Type {t} of subgraph {s}."""\n'
                f'type W{s}_{t} @key(fields: "id") {{\n  id: ID!\n{link}{body}\n}}\n'
            )
        # Every subgraph also contributes to one shared entity, as real graphs do.
        parts.append(f'type Shared @key(fields: "id") {{ id: ID! from{s}: String }}\n')
        subgraphs.append(
            SubgraphSDL(f"w{s}", f"http://127.0.0.1:{6000 + s}/graphql", "".join(parts))
        )
    return subgraphs


def composed(subgraphs: list[SubgraphSDL]) -> str:
    result = compose(subgraphs)
    if result.supergraph_sdl is None:
        raise SystemExit("composition failed:\n" + "\n".join(str(e) for e in result.errors[:10]))
    return result.supergraph_sdl


def chain_operation(count: int, hops: int, salt: int) -> str:
    """Start in ``s0`` and follow ``next`` ``hops`` times; at ``T{k}`` ask for fields of ``s{k}`` and ``s{k+1}``."""
    text = ""
    for depth in reversed(range(hops + 1)):
        k = depth % count
        inner = f" n{salt}_{depth}: next {{ {text} }}" if text else ""
        text = f"id name weight score{(k + 1) % count} note{(k + 1) % count}{inner}"
    return f"query Chain{salt} {{ a{salt}: t0 {{ {text} }} }}"


def timed(runs: int, work: Callable[[int], object]) -> list[float]:
    seconds = []
    for run in range(runs):
        gc.collect()  # start each run from a clean heap, as a router process does at startup
        start = time.perf_counter()
        work(run)
        seconds.append(time.perf_counter() - start)
    return seconds


def report(label: str, seconds: list[float], target: float) -> None:
    median = statistics.median(seconds)
    verdict = "met" if median < target else "MISSED"
    print(
        f"{label:<44} median {median * 1000:8.1f} ms   worst {max(seconds) * 1000:8.1f} ms"
        f"   target < {target * 1000:.0f} ms: {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.planning", description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--subgraphs", type=int, default=20)
    parser.add_argument("--hops", type=int, default=19)
    args = parser.parse_args(argv)

    chain_sdl = composed(chain_subgraphs(args.subgraphs))
    wide_sdl = composed(wide_subgraphs(count=24, types=28, fields=24))
    print(f"{args.subgraphs}-subgraph supergraph: {len(chain_sdl.encode()) / 1e6:.2f} MB")
    print(f"large supergraph: {len(wide_sdl.encode()) / 1e6:.2f} MB")

    report(
        f"load {args.subgraphs}-subgraph supergraph",
        timed(args.runs, lambda _: load_supergraph(chain_sdl)),
        2.0,
    )
    report("load large supergraph", timed(args.runs, lambda _: load_supergraph(wide_sdl)), 2.0)
    front = FederationFront()
    report(
        "the router loads the large supergraph",
        timed(args.runs, lambda _: front.load(wide_sdl)),
        2.0,
    )

    supergraph: Supergraph = load_supergraph(chain_sdl)
    operations = [chain_operation(args.subgraphs, args.hops, salt) for salt in range(args.runs + 1)]
    prepare(supergraph, operations[-1], None)  # first-call imports and caches out of the figures
    report(
        "prepare a fresh operation (parse, validate)",
        timed(args.runs, lambda run: prepare(supergraph, operations[run], None)),
        0.05,
    )
    prepared = [prepare(supergraph, op, None) for op in operations]
    plan(supergraph, prepared[-1])
    report(
        "plan a fresh operation",
        timed(args.runs, lambda run: plan(supergraph, prepared[run])),
        0.05,
    )
    report(
        "prepare + plan a fresh operation",
        timed(args.runs, lambda run: plan(supergraph, prepare(supergraph, operations[run], None))),
        0.05,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Compose ``bench/federation/subgraphs/*.graphql`` into ``supergraph.graphql`` with our composer.

Run ``python -m bench.federation.compose`` after changing a subgraph SDL; the
result is checked in. Routing URLs point at the ports the driver starts the
subgraphs on (``BASE_PORT`` and up).
"""

from __future__ import annotations

import sys
from pathlib import Path

from composition import SubgraphSDL, compose

HERE = Path(__file__).parent
SUBGRAPHS = ("accounts", "products", "reviews", "inventory")
BASE_PORT = 4201
SUPERGRAPH = HERE / "supergraph.graphql"


def main() -> int:
    sources = [
        SubgraphSDL(
            name=name,
            url=f"http://127.0.0.1:{BASE_PORT + i}/graphql",
            sdl=(HERE / "subgraphs" / f"{name}.graphql").read_text(encoding="utf-8"),
        )
        for i, name in enumerate(SUBGRAPHS)
    ]
    result = compose(sources)
    if result.supergraph_sdl is None:
        for error in result.errors:
            print(error, file=sys.stderr)
        return 1
    SUPERGRAPH.write_text(result.supergraph_sdl, encoding="utf-8")
    print(f"wrote {SUPERGRAPH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Compose the test graphs with Apollo's composition (tests/node) into checked-in supergraphs.

Run ``python -m tests.router.http.compose`` after changing a test subgraph.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import strawberry

from tests.router import library, parcels, shop, storefronts

ROOT = Path(__file__).resolve().parents[3]
NODE_DIR = ROOT / "tests" / "node"
SUPERGRAPHS = Path(__file__).with_name("supergraphs")
SHOP_SUPERGRAPH = SUPERGRAPHS / "shop.graphql"
LIBRARY_SUPERGRAPH = SUPERGRAPHS / "library.graphql"
PARCELS_SUPERGRAPH = SUPERGRAPHS / "parcels.graphql"
STOREFRONTS_SUPERGRAPH = SUPERGRAPHS / "storefronts.graphql"
GRAPHS: dict[Path, dict[str, strawberry.federation.Schema]] = {
    SHOP_SUPERGRAPH: shop.SCHEMAS,
    LIBRARY_SUPERGRAPH: library.SCHEMAS,
    PARCELS_SUPERGRAPH: parcels.SCHEMAS,
    STOREFRONTS_SUPERGRAPH: storefronts.SCHEMAS,
}


def placeholder_url(name: str) -> str:
    """URLs in the checked-in supergraphs; tests override them or mount the apps in-process."""
    return f"http://127.0.0.1:9/{name}/graphql"


def subgraph_sdl(schema: strawberry.federation.Schema) -> str:
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.data is not None, result.errors
    return str(result.data["_service"]["sdl"])


def compose(schemas: dict[str, strawberry.federation.Schema]) -> str:
    subgraphs = [
        {"name": name, "url": placeholder_url(name), "sdl": subgraph_sdl(schema)}
        for name, schema in schemas.items()
    ]
    completed = subprocess.run(
        ["node", str(NODE_DIR / "compose_fixture.mjs")],
        input=json.dumps({"subgraphs": subgraphs}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"composition failed: {completed.stderr}")
    return completed.stdout


if __name__ == "__main__":
    for path, schemas in GRAPHS.items():
        path.write_text(compose(schemas))

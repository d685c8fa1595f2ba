"""Compose the shop's subgraphs with Apollo's composition (tests/node), and the checked-in result."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.router.shop import SCHEMAS, subgraph_sdl

ROOT = Path(__file__).resolve().parents[3]
NODE_DIR = ROOT / "tests" / "node"
SHOP_SUPERGRAPH = Path(__file__).with_name("supergraphs") / "shop.graphql"


def placeholder_url(name: str) -> str:
    """URLs in the checked-in supergraph; tests override them or mount the apps in-process."""
    return f"http://127.0.0.1:9/{name}/graphql"


def compose_shop() -> str:
    subgraphs = [
        {"name": name, "url": placeholder_url(name), "sdl": subgraph_sdl(name)} for name in SCHEMAS
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
    SHOP_SUPERGRAPH.write_text(compose_shop())

"""The API schema of every fixture supergraph matches the one Apollo derives.

One node process prints Apollo's API schemas (tests/node/api_schema_fixture.mjs);
both sides are sorted lexicographically. graphql-js prints input object
default values as ``{a: 1}`` where graphql-core prints ``{ a: 1 }``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from graphql import lexicographic_sort_schema, print_schema, validate_schema

from router.supergraph import load_supergraph

TESTS = Path(__file__).resolve().parents[2]
NODE_DIR = TESTS / "node"
SUPERGRAPHS = sorted(
    [
        *(TESTS / "router" / "planner").glob("*/supergraph.graphql"),
        *(TESTS / "router" / "supergraph").glob("*/supergraph.graphql"),
    ]
)
IDS = [path.parent.name for path in SUPERGRAPHS]


def _ours(path: Path) -> str:
    return print_schema(lexicographic_sort_schema(load_supergraph(path.read_text()).api_schema))


def _same_spacing(sdl: str) -> str:
    return re.sub(r"\{ ([^{}\n]*) \}", r"{\1}", sdl).strip()


@pytest.fixture(scope="module")
def apollo() -> dict[Path, object]:
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "@apollo").exists():
        pytest.skip("node and tests/node/node_modules are needed for the Apollo comparison")
    completed = subprocess.run(
        ["node", str(NODE_DIR / "api_schema_fixture.mjs")],
        input=json.dumps([str(path) for path in SUPERGRAPHS]),
        capture_output=True,
        text=True,
        check=True,
        cwd=NODE_DIR,
        timeout=120,
    )
    return dict(zip(SUPERGRAPHS, json.loads(completed.stdout), strict=True))


@pytest.mark.node
@pytest.mark.parametrize("path", SUPERGRAPHS, ids=IDS)
def test_the_api_schema_matches_apollos(apollo: dict[Path, object], path: Path) -> None:
    reference = apollo[path]
    assert isinstance(reference, str), reference
    assert _same_spacing(_ours(path)) == _same_spacing(reference)


@pytest.mark.parametrize("path", SUPERGRAPHS, ids=IDS)
def test_the_api_schema_is_a_valid_schema(path: Path) -> None:
    assert validate_schema(load_supergraph(path.read_text()).api_schema) == []

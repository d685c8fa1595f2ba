"""Every subgraph operation our plans send is valid against that subgraph's own schema.

The subgraph schemas are the ones Apollo extracts from each fixture
supergraph (with ``_entities`` and ``_Any``); one node process validates
every fetch of every case (tests/node/validate_fetches.mjs). This is what
"only ask a subgraph about types, fields and values it knows" means.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.router.planner.plan_cases import all_cases, fetches, our_plan, supergraph_path

NODE_DIR = Path(__file__).resolve().parents[2] / "node"
CASES = all_cases()

pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def verdicts() -> dict[tuple[str, str], list[list[str]]]:
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "@apollo").exists():
        pytest.skip("node and tests/node/node_modules are needed to validate subgraph operations")
    payload: list[dict[str, str]] = []
    owners: list[tuple[str, str]] = []
    for feature, case in CASES:
        for fetch in fetches(our_plan(feature, case).node):
            payload.append(
                {
                    "supergraph": str(supergraph_path(feature)),
                    "service": fetch.service_name,
                    "operation": fetch.operation,
                }
            )
            owners.append((feature, case))
    completed = subprocess.run(
        ["node", str(NODE_DIR / "validate_fetches.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        cwd=NODE_DIR,
        timeout=120,
    )
    found: dict[tuple[str, str], list[list[str]]] = {}
    for owner, errors, sent in zip(owners, json.loads(completed.stdout), payload, strict=True):
        if errors:
            found.setdefault(owner, []).append([sent["service"], sent["operation"], *errors])
    return found


@pytest.mark.parametrize(("feature", "case"), CASES, ids=[f"{f}/{c}" for f, c in CASES])
def test_every_fetch_is_valid_for_its_subgraph(
    verdicts: dict[tuple[str, str], list[list[str]]], feature: str, case: str
) -> None:
    assert verdicts.get((feature, case), []) == []

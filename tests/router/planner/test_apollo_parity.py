"""Every fixture case against Apollo's query planner: never more subgraph fetches than it.

One node process plans all cases (tests/node/plan_fixture.mjs). Cases noting
``# apollo:`` are ones where Apollo is known to be wrong or to fail; for
those only our own plan is checked (by the feature's test file).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.router.planner.plan_cases import (
    all_cases,
    apollo_note,
    fetch_count,
    our_plan,
    query,
    supergraph_path,
)

NODE_DIR = Path(__file__).resolve().parents[2] / "node"
CASES = all_cases()

pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def apollo() -> dict[tuple[str, str], dict[str, object]]:
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "@apollo").exists():
        pytest.skip("node and tests/node/node_modules are needed for the Apollo comparison")
    payload = [
        {"supergraph": str(supergraph_path(f)), "query": query(f, c), "operationName": None}
        for f, c in CASES
    ]
    completed = subprocess.run(
        ["node", str(NODE_DIR / "plan_fixture.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        cwd=NODE_DIR,
        timeout=120,
    )
    return dict(zip(CASES, json.loads(completed.stdout), strict=True))


@pytest.mark.parametrize(("feature", "case"), CASES, ids=[f"{f}/{c}" for f, c in CASES])
def test_no_more_fetches_than_apollo(
    apollo: dict[tuple[str, str], dict[str, object]], feature: str, case: str
) -> None:
    reference = apollo[(feature, case)]
    if apollo_note(feature, case) is not None:
        pytest.skip(f"Apollo is known to get this wrong: {apollo_note(feature, case)}")
    assert "error" not in reference, reference.get("error")
    ours = fetch_count(our_plan(feature, case).node)
    assert ours <= int(str(reference["fetches"])), reference["plan"]

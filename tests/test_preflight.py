"""A server or npm package that is missing stops only the tests that need it, with one hint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _pytest(*paths: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *paths],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "server", "needs_it"),
    [
        ("BEYOND_TEST_REDIS_URL", "redis://127.0.0.1:1/0", "Redis", "tests/shared/test_cache.py"),
        (
            "BEYOND_TEST_MYSQL_URL",
            "mysql+aiomysql://root:@127.0.0.1:1/",
            "MariaDB",
            "tests/subgraphs/accounts/test_migrations.py",
        ),
    ],
)
def test_a_server_that_is_down_skips_only_the_tests_that_need_it(
    variable: str, value: str, server: str, needs_it: str
) -> None:
    result = _pytest("tests/test_import_contract.py", needs_it, env={**os.environ, variable: value})
    output = result.stdout + result.stderr
    hint = f"{server} is not reachable at "
    assert result.returncode == 1, output  # never green while a server is down
    summary = output.strip().splitlines()[-1]
    assert " passed" in summary and " skipped" in summary and "failed" not in summary, summary
    skips = [line for line in output.splitlines() if line.startswith("SKIPPED")]
    assert skips and all(hint in line and "start it with `" in line for line in skips), skips
    assert f"ERROR: {hint}" in output and "127.0.0.1:1" in output


def test_without_node_the_comparisons_with_apollo_are_skipped_with_the_reason() -> None:
    bin_dir = str(Path(sys.executable).parent)
    result = _pytest(
        "tests/router/supergraph/test_api_schema_parity.py",
        env={**os.environ, "PATH": bin_dir},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    skips = [line for line in output.splitlines() if line.startswith("SKIPPED")]
    assert skips and all("npm ci" in line for line in skips), output
    assert "failed" not in output.strip().splitlines()[-1]

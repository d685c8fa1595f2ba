"""A test run against a server that is down stops at once with one line saying how to start it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("variable", "value", "server"),
    [
        ("BEYOND_TEST_REDIS_URL", "redis://127.0.0.1:1/0", "Redis"),
        ("BEYOND_TEST_MYSQL_URL", "mysql+aiomysql://root:@127.0.0.1:1/", "MariaDB"),
    ],
)
def test_an_unreachable_server_stops_the_run_with_one_line(
    variable: str, value: str, server: str
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_import_contract.py",
        ],
        cwd=ROOT,
        env={**os.environ, variable: value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"ERROR: {server} is not reachable at ")
    assert "127.0.0.1:1" in lines[0]
    assert "start it with `" in lines[0]

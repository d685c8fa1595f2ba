"""``beyond --help`` and argument errors answer without importing any service.

The bound is proved by what got imported, not by a clock: a fresh interpreter
runs the CLI and reports every module it loaded; none of the heavy libraries
or the project's service code may be among them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Loading any of these is what made `beyond --help` take seconds.
HEAVY = (
    "graphql",
    "strawberry",
    "fastapi",
    "starlette",
    "sqlalchemy",
    "pydantic",
    "grpc",
    "redis",
    "uvicorn",
    "composition",
    "router",
    "shared",
    "subgraphs",
    "contracts",
    # The standard library's event loop and HTTP client: tens of milliseconds each.
    "asyncio",
    "http",
)

PROBE = """
import contextlib, io, json, sys
from beyond.cli import main
err = io.StringIO()
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
    try:
        status = main(sys.argv[1:])
    except SystemExit as exit:
        status = exit.code
print(json.dumps({"status": status, "stderr": err.getvalue(), "modules": sorted(sys.modules)}))
"""


def _probe(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


def heavy_modules(modules: object) -> list[str]:
    assert isinstance(modules, list)
    return [m for m in modules if m.split(".")[0] in HEAVY]


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["--help"], 0),
        (["serve", "--help"], 0),
        (["router", "--help"], 0),
        (["serve", "no-such-service"], 2),
        (["migrate", "nowhere"], 2),
        (["no-such-command"], 2),
        ([], 2),
    ],
    ids=["help", "serve-help", "router-help", "bad-service", "bad-migrate", "bad-command", "none"],
)
def test_help_and_argument_errors_import_no_service(args: list[str], status: int) -> None:
    answer = _probe(*args)
    assert answer["status"] == status
    assert heavy_modules(answer["modules"]) == []


def test_the_probe_sees_a_command_that_loads_services() -> None:
    answer = _probe("domains", "list")
    assert answer["status"] == 0
    assert "subgraphs.accounts.domain" in heavy_modules(answer["modules"])


def test_a_mistyped_service_still_lists_the_choices() -> None:
    answer = _probe("serve", "acounts")
    assert "invalid choice: 'acounts'" in str(answer["stderr"])
    assert "accounts" in str(answer["stderr"]).split("choose from", 1)[1]

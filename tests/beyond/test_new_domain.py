"""``beyond new-domain`` makes a domain that passes the gates and answers through the router.

It runs in a copy of the repository (the files git tracks or would track), so
this tree stays as it is: create the domain, then the gates ``./scripts/test``
runs (ruff, mypy on the new package, ``beyond schema check``, ``beyond domains
check``) and the domain's generated tests, the router one included.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from beyond.domains import discover
from beyond.scaffold import ScaffoldError, create_domain
from tests.support.repository import copy_of_the_repository

BIN = Path(sys.executable).parent


def _run(copy: Path, *command: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_") or "TEST" in k}
    result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{output}"
    return output


def test_a_new_domain_is_wired_everywhere_and_works_through_the_router(
    tmp_path: Path, mysql_server: None, redis_server: None
) -> None:
    copy = tmp_path / "repo"
    copy_of_the_repository(copy)
    python = str(BIN / "python")
    created = _run(copy, python, "-m", "beyond.cli", "new-domain", "polls")
    assert "created subgraphs/polls/domain.py" in created
    listed = _run(copy, python, "-m", "beyond.cli", "domains", "list")
    next_port = max(spec.port for spec in discover().values()) + 1
    assert f"polls: HTTP {next_port}" in listed
    assert "[subgraphs.polls]" in (copy / "schema/subgraphs.toml").read_text()
    assert "  polls:\n" in (copy / "deploy/compose.yaml").read_text()
    assert "| `BEYOND_POLLS_DATABASE_URL` | polls |" in (copy / "README.md").read_text()
    assert "createPollsItem" in (copy / "schema/supergraph.graphql").read_text()
    _run(copy, str(BIN / "ruff"), "check", ".")
    _run(copy, str(BIN / "mypy"), "subgraphs/polls")
    _run(copy, python, "-m", "beyond.cli", "schema", "check")
    _run(copy, python, "-m", "beyond.cli", "domains", "check")
    tested = _run(
        copy, python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/subgraphs/polls"
    )
    assert "6 passed" in tested, tested  # items (two on SQLite too), migrations, router


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Polls", "not a domain name"),
        ("x", "not a domain name"),
        ("class", "not a domain name"),
        ("accounts", "subgraphs/accounts exists already"),
    ],
)
def test_a_bad_or_taken_name_is_refused(tmp_path: Path, name: str, error: str) -> None:
    (tmp_path / "subgraphs" / "accounts").mkdir(parents=True)
    with pytest.raises(ScaffoldError, match=error):
        create_domain(name, root=tmp_path)
    with pytest.raises(ScaffoldError, match="port 4001 is taken"):
        create_domain("polls", port=4001, root=tmp_path)

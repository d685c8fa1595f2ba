"""`beyond dev-token`: a token the dev graph's router accepts, with the scopes asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jwt
import pytest

from beyond.dev import dev_router_config, dev_secrets
from router.http.authentication import Authenticator

ROOT = Path(__file__).resolve().parents[2]


def dev_token(*args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_")}
    return subprocess.run(
        [sys.executable, "-m", "beyond.cli", "dev-token", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_merchant_token_passes_the_dev_routers_scope_checks(tmp_path: Path) -> None:
    stored = dev_secrets(tmp_path)
    result = dev_token(
        "7", "--scope", "orders:ship", "--scope", "orders:refund", "--data-dir", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    claims = jwt.decode(token, stored["jwt_secret"], algorithms=["HS256"], audience="beyond")
    assert claims["sub"] == "7" and claims["exp"] - claims["iat"] == 3600
    config = dev_router_config(tmp_path / "supergraph.graphql", stored)
    assert config.authentication is not None
    access = Authenticator(config.authentication).access(f"Bearer {token}")
    assert access.authenticated and access.scopes == {"orders:ship", "orders:refund"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["seven"], "beyond: USER_ID must be a member's id (a positive integer), not 'seven'"),
        (["7", "--ttl", "0"], "beyond: --ttl must be a positive number of seconds, not 0"),
        (
            ["7", "--data-dir", "nowhere"],
            "beyond: there is no dev graph in nowhere: start `beyond dev` first",
        ),
    ],
)
def test_mistakes_are_one_line(args: list[str], message: str) -> None:
    result = dev_token(*args)
    assert result.returncode == 1
    assert result.stderr.strip() == message

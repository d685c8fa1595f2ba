"""``beyond router``: argument mistakes end in one readable line and status 1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from beyond.cli import main
from tests.router.http.compose import ROOT, SHOP_SUPERGRAPH


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["router"], "no supergraph: pass --supergraph PATH"),
        (["router", "--supergraph", "s.graphql", "--listen", "4000"], "--listen must be HOST:PORT"),
        (["router", "--supergraph", "missing.graphql"], "cannot read supergraph missing.graphql"),
        (["router", "--config", "nope.toml"], "cannot read config nope.toml"),
        (
            ["router", "explain", "--supergraph", "missing.graphql", "q.graphql"],
            "cannot read supergraph missing.graphql",
        ),
    ],
)
def test_mistakes_are_one_line_and_status_1(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_a_bad_supergraph_is_reported_before_serving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    supergraph = tmp_path / "bad.graphql"
    supergraph.write_text("type Query {")
    assert main(["router", "--supergraph", str(supergraph)]) == 1
    assert "cannot be served" in capsys.readouterr().err


def test_beyond_router_serves_until_stopped() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "beyond.cli", "router", "--supergraph", str(SHOP_SUPERGRAPH)]
    process = subprocess.Popen(
        [*command, "--listen", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"}, timeout=1
                )
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert response.json() == {"data": {"__typename": "Query"}}
    finally:
        process.terminate()
        process.wait(timeout=10)

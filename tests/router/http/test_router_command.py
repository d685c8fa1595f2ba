"""``beyond router``: argument mistakes end in one readable line and status 1."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from beyond.cli import main
from tests.router.http.compose import REVIEW_FEED_SUPERGRAPH, ROOT, SHOP_SUPERGRAPH
from tests.router.http.sockets import feed_subgraphs, socket, wait_until
from tests.router.review_feed import Probe
from tests.support.net import free_port


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


@pytest.mark.parametrize("access_log", [True, False])
def test_beyond_router_serves_until_stopped_logging_json_without_uvicorns_access_log(
    access_log: bool,
) -> None:
    port = free_port()
    command = [sys.executable, "-m", "beyond.cli", "router", "--supergraph", str(SHOP_SUPERGRAPH)]
    process = subprocess.Popen(
        [*command, "--listen", f"127.0.0.1:{port}", *(["--access-log"] if access_log else [])],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/graphql",
                    json={"query": "query Probe { __typename }"},
                    headers={"x-request-id": "probe-1"},
                    timeout=1,
                )
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert response.json() == {"data": {"__typename": "Query"}}
    finally:
        process.terminate()
        logged = process.communicate(timeout=10)[1]
    records = [json.loads(line) for line in logged.splitlines() if line.strip()]
    access = [r for r in records if r["logger"] == "router.access"]
    # The line per operation is opt-in: by default nothing is logged on the hot path.
    assert [(r["message"].split()[:2], r["request_id"]) for r in access] == (
        [(["Probe", "200"], "probe-1")] if access_log else []
    )
    assert all(r["service"] == "router" for r in records)
    assert not any(r["logger"] == "uvicorn.access" for r in records)


async def test_beyond_router_serves_subscriptions_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    async with feed_subgraphs() as urls:
        config = tmp_path / "router.toml"
        config.write_text(
            "".join(f'[subgraphs.{name}]\nurl = "{url}"\n' for name, url in urls.items())
        )
        process = await asyncio.create_subprocess_exec(
            *[sys.executable, "-m", "beyond.cli", "router"],
            *["--supergraph", str(REVIEW_FEED_SUPERGRAPH), "--config", str(config)],
            *["--listen", f"127.0.0.1:{port}"],
            cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            router = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=router, timeout=1) as client:
                for _ in range(200):
                    with contextlib.suppress(httpx.TransportError):
                        await client.get("/health")
                        break
                    assert process.returncode is None, "beyond router exited"
                    await asyncio.sleep(0.1)
            async with socket(router) as ws:
                await ws.init()
                query = 'subscription { reviewAdded(ids: ["r4"]) { body author { name } } }'
                await ws.send({"id": "1", "type": "subscribe", "payload": {"query": query}})
                assert (await ws.receive())["payload"] == {
                    "data": {"reviewAdded": {"body": "Wobbly.", "author": {"name": "Ada"}}}
                }
                assert await ws.receive() == {"id": "1", "type": "complete"}
                await ws.send(
                    {
                        "id": "2",
                        "type": "subscribe",
                        "payload": {"query": 'subscription { ticks(tag: "command", every: 30) }'},
                    }
                )
                assert (await ws.receive())["type"] == "next"
                process.terminate()
                assert (await ws.closed())[0] == 1012
            await wait_until(lambda: "command" in Probe.closed)
        finally:
            if process.returncode is None:
                process.terminate()
            _, errors = await asyncio.wait_for(process.communicate(), 15)
    # uvicorn shuts down, then ends by the signal it was stopped with.
    assert process.returncode in (0, -signal.SIGTERM), errors.decode()
    assert b"Application shutdown complete" in errors
    assert b"Traceback" not in errors


def test_the_router_secret_comes_from_the_environment_unless_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from beyond.cli import build_parser
    from beyond.commands.router import configured

    args = build_parser().parse_args(["router", "--supergraph", str(SHOP_SUPERGRAPH)])
    assert configured(args).server.router_secret is None
    monkeypatch.setenv("BEYOND_ROUTER_SECRET", "s" * 32)
    assert configured(args).server.router_secret == "s" * 32
    config = tmp_path / "router.toml"
    config.write_text('[server]\nrouter_secret = "from-the-config-file"\n')
    args = build_parser().parse_args(
        ["router", "--supergraph", str(SHOP_SUPERGRAPH), "--config", str(config)]
    )
    assert configured(args).server.router_secret == "from-the-config-file"
    monkeypatch.setenv("BEYOND_ROUTER_SECRET", "short")
    assert main(["router", "--supergraph", str(SHOP_SUPERGRAPH)]) == 1
    assert "BEYOND_ROUTER_SECRET must be at least 16 characters" in capsys.readouterr().err

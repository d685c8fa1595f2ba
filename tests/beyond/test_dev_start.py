"""`beyond dev` refuses before saying anything is running: taken ports, a Redis that is down."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from beyond.dev import dev_grpc_port, dev_secrets, dev_settings, wanted_ports
from beyond.domains import discover
from beyond.ports import taken
from tests.support.net import dev_graph_port, free_port

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def listening(port: int) -> Iterator[None]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", port))
        held.listen()
        yield


def dev(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_")}
    return subprocess.run(
        [sys.executable, "-m", "beyond.cli", "dev", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_taken_port_is_named_with_its_holder() -> None:
    busy, idle = free_port(), free_port()
    with listening(busy):
        lines = taken("127.0.0.1", {"the router": busy, "accounts HTTP": idle})
    assert len(lines) == 1 and "python" in lines[0]
    assert lines[0].startswith(f"port {busy} (the router) is taken by pid {os.getpid()} (")


def test_grpc_ports_and_targets_follow_the_graph_port(tmp_path: Path) -> None:
    ports = wanted_ports(4100)
    assert ports["the router"] == 4100
    assert ports["accounts HTTP"] == 4101 and ports["accounts gRPC"] == 5101
    assert len(set(ports.values())) == len(ports)
    stored = {"jwt_secret": "x" * 32, "data_key": "A" * 43 + "=", "router_secret": "r" * 32}
    social = dev_settings(discover()["social"], tmp_path, stored, 4100)
    assert social.model_dump()["accounts_grpc_target"] == "127.0.0.1:5101"


def test_dev_commerce_verifies_webhooks_with_a_kept_secret(tmp_path: Path) -> None:
    stored = dev_secrets(tmp_path)
    commerce = dev_settings(discover()["commerce"], tmp_path, stored).model_dump()
    secret = commerce["payment_webhook_secret"]
    assert secret and secret == stored["payment_webhook_secret"]
    # Kept across starts, so webhooks signed with it keep verifying.
    assert dev_secrets(tmp_path)["payment_webhook_secret"] == secret


def test_dev_refuses_a_taken_grpc_port_before_saying_it_runs(tmp_path: Path) -> None:
    port = dev_graph_port()
    grpc = dev_grpc_port(discover()["accounts"], port)
    with listening(grpc or 0):
        result = dev("--port", str(port), "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert f"beyond: port {grpc} (accounts gRPC) is taken by pid {os.getpid()}" in result.stderr
    assert "pass --port N to move the whole graph" in result.stderr
    assert "running" not in result.stdout
    assert "Traceback" not in result.stderr


def test_dev_refuses_a_redis_that_is_down_in_one_line(tmp_path: Path) -> None:
    for _ in range(5):  # tests running beside this one may take a port it wants meanwhile
        port = dev_graph_port()
        result = dev(
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path),
            env={"BEYOND_REDIS_URL": "redis://127.0.0.1:1/0"},
        )
        if " is taken" not in result.stderr:
            break
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    [line] = lines
    assert line.startswith("beyond: BEYOND_REDIS_URL redis://127.0.0.1:1/0 does not answer (")
    assert line.endswith("start Redis, or unset it for the in-process store")
    assert "running" not in result.stdout

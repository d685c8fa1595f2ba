"""``beyond dev``: the whole graph in one process on embedded defaults.

Every service runs on its own port inside one event loop. Databases are SQLite
files under the data folder unless ``BEYOND_<SERVICE>_DATABASE_URL`` is set;
Redis is the in-process store unless ``BEYOND_REDIS_URL`` is set; the JWT
secret and data key are generated once into ``<data>/secrets.json``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from beyond.services import SERVICES, ServiceSpec
from shared.migrations import upgrade
from shared.settings import CommonSettings, load_settings


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the dev runner, which owns several."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def dev_secrets(data_dir: Path) -> dict[str, str]:
    path = data_dir / "secrets.json"
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text())
        return stored
    generated = {
        "jwt_secret": secrets.token_urlsafe(48),
        "data_key": base64.b64encode(os.urandom(32)).decode(),
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(generated, indent=2))
    return generated


def dev_settings(spec: ServiceSpec, data_dir: Path, stored: dict[str, str]) -> CommonSettings:
    defaults: dict[str, Any] = {
        spec.database_setting: f"sqlite+aiosqlite:///{(data_dir / spec.name).resolve()}.db",
        "jwt_secret": stored["jwt_secret"],
        "data_key": stored["data_key"],
    }
    variables = {
        spec.database_setting: spec.database_variable,
        "jwt_secret": "BEYOND_JWT_SECRET",
        "data_key": "BEYOND_DATA_KEY",
    }
    overrides = {key: value for key, value in defaults.items() if variables[key] not in os.environ}
    return load_settings(spec.settings_cls, **overrides)


async def run_dev(
    *, data_dir: Path, host: str, port: int, seed: bool, say: Callable[[str], None] = print
) -> None:
    stored = dev_secrets(data_dir)
    servers: list[uvicorn.Server] = []
    apps: dict[str, FastAPI] = {}
    for spec in SERVICES.values():
        settings = dev_settings(spec, data_dir, stored)
        await asyncio.to_thread(upgrade, spec.database_url(settings), spec.migrations)
        apps[spec.name] = spec.create_app(settings)
        if seed and spec.seed:
            created = await spec.seed(apps[spec.name])
            say(f"{spec.name}: seeded {created} demo record(s)")
    graph = apps["accounts"]
    servers.append(
        _Server(uvicorn.Config(graph, host=host, port=port, log_level="warning", ws="auto"))
    )
    say(f"Beyond is running: GraphiQL and the graph at http://{host}:{port}/graphql")
    say("Verification codes are printed here as 'SMS to <mobile>: <code>'. Ctrl-C stops.")

    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in servers:
            server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    try:
        await asyncio.gather(*(server.serve() for server in servers))
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    if not all(server.started for server in servers):
        raise OSError(f"could not listen on {host}:{port}: is another process using it?")

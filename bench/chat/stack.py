"""The chat stack a benchmark runs against: MariaDB and Redis, chat processes, the router.

Each run gets a fresh MariaDB database and Redis prefix. Chat runs as
``beyond serve chat`` processes pinned to core 1 (``--replicas`` of them,
all on the same database and Redis), the router as ``beyond router``
pinned to core 0 over a supergraph of chat alone, subscribing at the first
replica. Members are not registered: the driver signs access tokens with
the stack's JWT secret, as accounts would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pymysql

from bench.federation.run import started
from beyond.domains import export_sdls
from beyond.ports import free_port
from composition import SubgraphSDL, compose
from shared.tokens import AccessTokens
from subgraphs.chat.settings import ChatSettings

MARIADB = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}
REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class Stack:
    router_url: str
    chat_urls: list[str]
    router_pid: int
    chat_pids: list[int]
    tokens: AccessTokens
    session: aiohttp.ClientSession
    _tokens: dict[int, str] = field(default_factory=dict)

    def token(self, user: int) -> str:
        if user not in self._tokens:
            self._tokens[user] = self.tokens.issue(str(user))
        return self._tokens[user]

    async def call(self, query: str, user: int, url: str | None = None, **variables: Any) -> Any:
        """``data``, retrying (up to 5 times, after ``retryAfter``) what was UNAVAILABLE."""
        headers = {"Authorization": f"Bearer {self.token(user)}"}
        for _ in range(5):
            async with self.session.post(
                url or f"{self.router_url}/graphql",
                json={"query": query, "variables": variables},
                headers=headers,
            ) as response:
                body = orjson.loads(await response.read())
            errors = body.get("errors")
            if not errors:
                return body["data"]
            extensions = errors[0].get("extensions", {})
            if extensions.get("code") != "UNAVAILABLE":
                break
            await asyncio.sleep(extensions.get("retryAfter", 1))
        raise RuntimeError(errors[0]["message"])


@contextlib.contextmanager
def _database() -> Iterator[str]:
    name = f"beyond_bench_chat_{uuid.uuid4().hex[:8]}"
    connection = pymysql.connect(**MARIADB)  # type: ignore[arg-type]
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        yield f"mysql+aiomysql://root:@127.0.0.1:3306/{name}?charset=utf8mb4"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.close()


async def _answers(session: aiohttp.ClientSession, url: str, within: float) -> None:
    deadline = time.monotonic() + within
    while True:
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(url) as response:
                if response.status == 200:
                    return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {within:g}s")
        await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def chat_stack(
    *, replicas: int = 1, queue: int = 1024, logs: Path | None = None
) -> AsyncIterator[Stack]:
    """The stack; with ``logs``, each process's output goes to a file there (chat-0.log, …)."""
    secret = secrets.token_urlsafe(48)
    with _database() as url, tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as procs:
        env = {
            "BEYOND_CHAT_DATABASE_URL": url,
            "BEYOND_REDIS_URL": REDIS_URL,
            "BEYOND_REDIS_PREFIX": f"bench:{uuid.uuid4().hex[:8]}:",
            "BEYOND_JWT_SECRET": secret,
            "BEYOND_CHAT_SEND_LIMIT": "100000",
            "BEYOND_CHAT_ROOM_MEMBER_LIMIT": "100000",
            "BEYOND_CHAT_SUBSCRIBER_QUEUE": str(queue),
            "BEYOND_LOG_LEVEL": "WARNING",
        }
        beyond = [sys.executable, "-m", "beyond.cli"]
        migrate = await asyncio.create_subprocess_exec(
            *beyond, "migrate", "chat", env={**os.environ, **env}
        )
        if await migrate.wait() != 0:
            raise RuntimeError("beyond migrate chat failed")
        ports = [free_port() for _ in range(replicas)]
        chats = [
            procs.enter_context(
                started(
                    [
                        "taskset",
                        "-c",
                        "1",
                        *beyond,
                        "serve",
                        "chat",
                        "--port",
                        str(port),
                        "--grpc-port",
                        str(free_port()),
                        "--no-workers",
                    ],
                    env=env,
                    log=logs / f"chat-{n}.log" if logs is not None else None,
                )
            )
            for n, port in enumerate(ports)
        ]
        chat_urls = [f"http://127.0.0.1:{port}" for port in ports]
        composed = compose([SubgraphSDL("chat", f"{chat_urls[0]}/graphql", export_sdls()["chat"])])
        assert composed.supergraph_sdl is not None, composed.errors
        supergraph = Path(tmp) / "supergraph.graphql"
        supergraph.write_text(composed.supergraph_sdl)
        config = Path(tmp) / "router.toml"
        config.write_text("[subscriptions]\nkeepalive = 600.0\n")
        router_port = free_port()
        router = procs.enter_context(
            started(
                [
                    "taskset",
                    "-c",
                    "0",
                    *beyond,
                    "router",
                    "--supergraph",
                    str(supergraph),
                    "--config",
                    str(config),
                    "--listen",
                    f"127.0.0.1:{router_port}",
                    "--log-level",
                    "WARNING",
                ],
                log=logs / "router.log" if logs is not None else None,
            )
        )
        router_url = f"http://127.0.0.1:{router_port}"
        tokens = AccessTokens.from_settings(
            ChatSettings(chat_database_url=url, jwt_secret=secret), ttl=3600
        )
        connector = aiohttp.TCPConnector(limit=50)
        async with aiohttp.ClientSession(connector=connector) as session:
            for chat_url in chat_urls:
                await _answers(session, f"{chat_url}/health", within=60)
            await _answers(session, f"{router_url}/health", within=60)
            yield Stack(router_url, chat_urls, router.pid, [c.pid for c in chats], tokens, session)


async def public_room(stack: Stack, owner: int, members: range) -> str:
    """A public room ``owner`` made, joined by every one of ``members`` (5 joins at a time: they queue on the room's row lock)."""
    room: str = (
        await stack.call('mutation { createRoom(title: "Bench", public: true) { id } }', owner)
    )["createRoom"]["id"]
    join = "mutation($c: ID!) { joinRoom(conversationId: $c) { id } }"
    pending = list(members)
    while pending:
        batch, pending = pending[:5], pending[5:]
        await asyncio.gather(*(stack.call(join, user, c=room) for user in batch))
    return room

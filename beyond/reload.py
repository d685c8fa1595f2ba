"""``beyond dev --reload``: the router stays up while the subgraphs follow the code.

This process serves the router; the services, their gRPC servers and their
workers run in a child (``beyond dev --subgraphs-only``), which composes the
code's subgraphs into ``<data>/supergraph.graphql`` as it starts. When a
Python file under ``subgraphs/``, ``shared/`` or ``contracts/`` changes, the
child is stopped and started again on the new code (new code needs a fresh
interpreter: reloading modules in place leaves old classes behind), and the
router, which polls that file, swaps in the new supergraph without dropping
its clients. Code that does not import or compose stops the child with its
error; the router keeps the last good graph, and the next save tries again.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from watchfiles import PythonFilter, awatch

from beyond.chat_page import chat_page_routes
from beyond.dev import (
    check_backing,
    dev_router_config,
    dev_secrets,
    print_line,
    say_running,
    wanted_ports,
    write_supergraph,
)
from beyond.domain_folders import ROOT
from beyond.ports import is_free
from beyond.runtime import http_server, run_until_stopped
from beyond.telemetry import METRICS_LISTEN_VARIABLE, configure_tracing, serve_metrics
from router.http import create_router_app
from router.telemetry import RouterMetrics
from shared.lifecycle import cancelled
from shared.logs import configure_logging

WATCHED = ("subgraphs", "shared", "contracts")
# How often the router looks at the supergraph file under --reload (1 s otherwise).
POLL_INTERVAL = 0.2
STOP_GRACE_SECONDS = 10.0


class SubgraphProcess:
    """A worker running the subgraphs in a child process, restarted when the code changes."""

    name = "subgraphs (reloading)"

    def __init__(
        self,
        command: Sequence[str],
        watched: Sequence[Path],
        say: Callable[[str], None],
        *,
        ports: Callable[[], bool],
        first_arguments: Sequence[str] = (),
    ) -> None:
        """``ports()`` says whether the child's ports are free again; ``first_arguments``
        go to the first start only (``--seed``: a restart keeps what the first start grew)."""
        self._command = list(command)
        self._ports_free = ports
        self._first_arguments = list(first_arguments)
        self._watched = [path for path in watched if path.exists()]
        self._say = say
        self._child: asyncio.subprocess.Process | None = None
        self._watching: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> None:
        await self._spawn(self._first_arguments)
        self._watching = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        self._stop.set()
        await cancelled(self._watching)
        await self._end_child()

    async def _spawn(self, extra: Sequence[str] = ()) -> None:
        # /metrics is the router's alone here: two processes cannot listen on one address.
        env = {k: v for k, v in os.environ.items() if k != METRICS_LISTEN_VARIABLE}
        self._child = await asyncio.create_subprocess_exec(*self._command, *extra, env=env)

    async def _end_child(self) -> None:
        child, self._child = self._child, None
        if child is None or child.returncode is not None:
            return
        # SIGTERM: a graceful stop once it serves, and a quiet one while it is still starting.
        child.terminate()
        try:
            await asyncio.wait_for(child.wait(), STOP_GRACE_SECONDS)
        except TimeoutError:
            child.kill()
            await child.wait()

    async def _watch(self) -> None:
        async for changes in awatch(
            *self._watched, watch_filter=PythonFilter(), stop_event=self._stop
        ):
            names = sorted({str(Path(path).relative_to(ROOT)) for _change, path in changes})
            self._say(f"reloading the subgraphs: {', '.join(names)} changed")
            await self._end_child()
            await self._released()
            await self._spawn()

    async def _released(self) -> None:
        """Wait (a bounded while) until the stopped child's ports can be bound again."""
        for _ in range(int(STOP_GRACE_SECONDS / 0.1)):
            if await asyncio.to_thread(self._ports_free):
                return
            await asyncio.sleep(0.1)


async def run_reloading(
    *,
    data_dir: Path,
    host: str,
    port: int,
    seed: bool,
    say: Callable[[str], None] = print_line,
) -> None:
    configure_logging(service="beyond-dev", json_lines=False)
    await check_backing(data_dir, host, port)
    # The first graph comes from the code as it is now, so the router serves at once;
    # each start of the subgraphs writes it again from the code they run.
    supergraph = write_supergraph(data_dir, host, port)
    metrics = serve_metrics(os.environ.get(METRICS_LISTEN_VARIABLE))
    router = create_router_app(
        dev_router_config(supergraph, dev_secrets(data_dir), poll_interval=POLL_INTERVAL),
        metrics=RouterMetrics() if metrics else None,
        tracer=configure_tracing("dev"),
    )
    router.router.routes.extend(chat_page_routes())
    server = http_server(router, host=host, port=port, log_level="warning")
    command = [sys.executable, "-m", "beyond.cli", "dev", "--subgraphs-only"]
    command += ["--host", host, "--port", str(port), "--data-dir", str(data_dir)]
    subgraphs = SubgraphProcess(
        command,
        [ROOT / name for name in WATCHED],
        say,
        ports=lambda: all(is_free(host, p) for p in wanted_ports(port, with_router=False).values()),
        first_arguments=["--seed"] if seed else [],
    )
    say_running(host, port, say)
    say(f"Reloading: a change under {', '.join(WATCHED)} restarts the subgraphs, not the router.")

    await run_until_stopped(apps=[router], workers=[subgraphs], servers=[server])

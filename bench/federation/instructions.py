"""The router's own work per request, counted in instructions: steady on a loaded machine.

CPU time per request moves with whatever else the machine runs; the number
of instructions the router executes does not. This runs the whole router app
(``create_router_app``: the edge, the plan cache, the executor, shaping,
encoding the answer) in-process over ASGI, with the subgraphs replaced by
their recorded answers (decoded from bytes per fetch, as the HTTP client
does), and counts the instructions of ``--runs`` requests under valgrind's
callgrind, less those of a run of none (startup, imports, the first request
that plans the operation). The HTTP server and client are not in it: it
measures what the router does with a request, not the sockets.

``python -m bench.federation.instructions record [--query heavy]``
    starts the Node subgraphs, sends the query once through the router with
    a recording transport, and writes the subgraph answers to ``--answers``.
``python -m bench.federation.instructions count [--runs 30]``
    prints the instructions per request (valgrind must be installed).
``python -m bench.federation.instructions run [--runs N]``
    the requests alone, in this process: for ``count``, or to profile with
    ``py-spy record -- python -m bench.federation.instructions run --runs 2000``.

Every answer is compared with ``expected-<query>.json``; a wrong one stops
the run. The garbage collector is off, so its passes do not make two counts
of the same tree differ.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

from bench.federation.compose import BASE_PORT, SUPERGRAPH
from bench.federation.run import NODE, WORKLOADS, started, subgraphs_ready
from router.config import RouterConfig
from router.http import create_router_app
from router.transport.decode import decode_response
from router.transport.http import HttpTransport
from router.transport.types import SubgraphRequest, SubgraphResponse, Transport

ANSWERS = Path(tempfile.gettempdir()) / "beyond-bench-answers-{query}.json"


def request_key(service_name: str, request: SubgraphRequest) -> str:
    return service_name + " " + orjson.dumps(request.body(), option=orjson.OPT_SORT_KEYS).decode()


class Recording:
    """Sends through ``inner`` and keeps every answer by request."""

    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self.answers: dict[str, Any] = {}

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        response = await self._inner.fetch(service_name, request)
        payload: dict[str, Any] = {"data": response.data}
        if response.errors:
            payload["errors"] = list(response.errors)
        self.answers[request_key(service_name, request)] = payload
        return response


class Replay:
    """Answers every request from the recording, decoding the bytes each time as a client would."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self._bodies = {key: orjson.dumps(payload) for key, payload in answers.items()}

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        body = self._bodies.get(request_key(service_name, request))
        if body is None:
            raise SystemExit(f"no recorded answer for {service_name}: {request.query[:80]}")
        return decode_response(service_name, 200, body, ())


class App:
    """The router app driven over ASGI, in this process."""

    def __init__(self, transport: Transport, body: bytes) -> None:
        config = RouterConfig(supergraph=SUPERGRAPH)
        self.app = create_router_app(config, transport=transport)
        self.body = body
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"content-type", b"application/json"),
                (b"accept", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 4300),
        }

    async def post(self) -> Any:
        sent = False
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.Event().wait()
            sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(dict(self.scope), receive, send)
        return orjson.loads(b"".join(chunks))


async def run_requests(transport: Transport, query: str, runs: int) -> None:
    workload = WORKLOADS[query]
    expected = orjson.loads(workload.expected.read_bytes())
    app = App(transport, workload.body)
    # The first request plans the operation and fills the caches: not counted.
    if await app.post() != expected:
        raise SystemExit("the first answer differs from the expected one")
    gc.collect()
    gc.freeze()
    gc.disable()
    for _ in range(runs):
        if await app.post() != expected:
            raise SystemExit("a wrong answer")


async def record(query: str) -> dict[str, Any]:
    """The subgraphs' answers to ``query``, by request."""
    with started(["node", str(NODE / "subgraphs.mjs"), str(BASE_PORT)]):
        await subgraphs_ready(within=30)
        http = HttpTransport(
            {
                "accounts": f"http://127.0.0.1:{BASE_PORT}/graphql",
                "products": f"http://127.0.0.1:{BASE_PORT + 1}/graphql",
                "reviews": f"http://127.0.0.1:{BASE_PORT + 2}/graphql",
                "inventory": f"http://127.0.0.1:{BASE_PORT + 3}/graphql",
            }
        )
        recording = Recording(http)
        try:
            await run_requests(recording, query, 0)
        finally:
            await http.aclose()
    return recording.answers


def write_answers(query: str, answers: Path) -> None:
    recorded = asyncio.run(record(query))
    answers.write_bytes(orjson.dumps(recorded, option=orjson.OPT_INDENT_2))
    print(f"{len(recorded)} subgraph answers written to {answers}")


_SUMMARY = re.compile(rb"^summary:\s+(\d+)", re.MULTILINE)


def instructions(query: str, answers: Path, runs: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            sys.executable, "-m", "bench.federation.instructions", "run",
            "--query", query, "--answers", str(answers), "--runs", str(runs),
        ]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)
        return callgrind_total(out)


def callgrind_total(out: Path) -> int:
    """The instructions counted in callgrind's output file ``out``."""
    found = _SUMMARY.search(out.read_bytes())
    if found is None:
        raise SystemExit("callgrind wrote no summary")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.federation.instructions")
    parser.add_argument("action", choices=("record", "count", "run"))
    parser.add_argument("--query", choices=tuple(WORKLOADS), default="heavy")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--answers", type=Path)
    args = parser.parse_args()
    answers: Path = args.answers or Path(str(ANSWERS).format(query=args.query))
    if args.action == "record":
        write_answers(args.query, answers)
    elif args.action == "run":
        asyncio.run(run_requests(Replay(orjson.loads(answers.read_bytes())), args.query, args.runs))
    else:
        if not answers.exists():
            write_answers(args.query, answers)
        base = instructions(args.query, answers, 0)
        total = instructions(args.query, answers, args.runs)
        per_request = (total - base) / args.runs
        print(
            f"{args.query}: {per_request / 1e6:.2f} M instructions per request "
            f"({args.runs} requests; startup and first request {base / 1e6:.1f} M)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

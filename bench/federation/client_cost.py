"""What the router's subgraph HTTP client costs per request, beside aiohttp's client.

``python -m bench.federation.client_cost [--requests 20000] [--in-flight 50] [--repeat 3]``
starts a loopback HTTP/1.1 server (a process of its own on the first CPU) that
answers every POST at once with the small query's subgraph answer, then, on
the last CPU, sends ``--requests`` subgraph requests through each client in
turn (``--in-flight`` at once; rounds alternate the order) and prints the CPU
time this process spent per request: the client's own work, its event loop
turns and its socket calls. ``beyond``: the router's transport
(:class:`router.transport.HttpTransport`); ``aiohttp``: a pooled
``aiohttp.ClientSession`` sending the same request (the router's client before
its own).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
from collections.abc import Awaitable, Callable

import aiohttp
import orjson
import uvloop

from router.transport import HttpTransport, SubgraphRequest

ANSWER = (
    b'{"data":{"topProducts":[{"upc":"1","name":"Table","price":899,"weight":100},'
    b'{"upc":"2","name":"Couch","price":1299,"weight":1000},'
    b'{"upc":"3","name":"Chair","price":54,"weight":50}]}}'
)
REQUEST = SubgraphRequest(
    query="{ topProducts { upc name price weight } }", headers=(("X-Request-Id", "bench"),)
)
_SERVER = """
import asyncio, sys
answer = sys.stdin.buffer.read()
response = b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n%s" % (len(answer), answer)
class Answering(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.pending = transport, b""
    def data_received(self, data):
        self.pending += data
        while (end := self.pending.find(b"\\r\\n\\r\\n")) >= 0:
            head = self.pending[:end].lower()
            length = int(head.split(b"content-length:", 1)[1].split(b"\\r\\n", 1)[0])
            if len(self.pending) < end + 4 + length:
                return
            self.pending = self.pending[end + 4 + length:]
            self.transport.write(response)
async def main():
    server = await asyncio.get_running_loop().create_server(Answering, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""

Send = Callable[[], Awaitable[object]]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _drive(send: Send, requests: int, in_flight: int) -> float:
    """CPU seconds per request for ``requests`` sends, ``in_flight`` at a time."""
    turns = iter(range(requests))

    async def client() -> None:
        for _ in turns:
            await send()

    before = _cpu_seconds()
    await asyncio.gather(*(client() for _ in range(in_flight)))
    return (_cpu_seconds() - before) / requests


async def _beyond(url: str, requests: int, in_flight: int) -> float:
    transport = HttpTransport({"s": url})

    async def send() -> object:
        response = await transport.fetch("s", REQUEST)
        assert response.data is not None
        return response

    try:
        await _drive(send, 500, in_flight)
        return await _drive(send, requests, in_flight)
    finally:
        await transport.aclose()


async def _aiohttp(url: str, requests: int, in_flight: int) -> float:
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=100, keepalive_timeout=4.0)
    )
    limit = aiohttp.ClientTimeout(total=30)
    headers = [
        *REQUEST.headers,
        ("Content-Type", "application/json"),
        ("Accept", "application/graphql-response+json, application/json;q=0.9"),
    ]

    async def send() -> object:
        async with session.post(
            url, data=orjson.dumps(REQUEST.body()), headers=headers, timeout=limit
        ) as response:
            payload = orjson.loads(await response.read())
            assert payload["data"] is not None
            return tuple(response.headers.items())

    try:
        await _drive(send, 500, in_flight)
        return await _drive(send, requests, in_flight)
    finally:
        await session.close()


CLIENTS = {"beyond": _beyond, "aiohttp": _aiohttp}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cpus = sorted(os.sched_getaffinity(0))
    server = subprocess.Popen(
        ["taskset", "-c", str(cpus[0]), sys.executable, "-c", _SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert server.stdin is not None and server.stdout is not None
        server.stdin.write(ANSWER)
        server.stdin.close()
        url = f"http://127.0.0.1:{int(server.stdout.readline())}/graphql"
        os.sched_setaffinity(0, {cpus[-1]})
        rounds: dict[str, list[float]] = {name: [] for name in CLIENTS}
        for round_ in range(args.repeat):
            order = list(CLIENTS) if round_ % 2 == 0 else list(reversed(CLIENTS))
            for name in order:
                cost = uvloop.run(CLIENTS[name](url, args.requests, args.in_flight))
                rounds[name].append(cost * 1e6)
                print(f"round {round_ + 1}: {name} {cost * 1e6:.1f} µs", file=sys.stderr)
    finally:
        server.kill()
        server.wait()
    print(f"{'client':8} {'µs CPU per request (median)':>28}  rounds")
    for name, costs in rounds.items():
        listed = ", ".join(f"{c:.1f}" for c in costs)
        print(f"{name:8} {statistics.median(costs):28.1f}  {listed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Chat fan-out and idle connections through the router, on real processes.

``python -m bench.chat fanout [--subscribers 200] [--rate 50 ...] [--seconds 10 | --messages N]``
    One public room, ``subscribers`` members each on its own WebSocket to the
    router (its own token, so its own subgraph WebSocket) subscribed to
    ``messageReceived``; one sender at ``rate`` messages/s for ``seconds``
    (or ``messages`` of them), sending to the *second* chat replica while the
    router subscribes at the first, so every message crosses replicas through
    Redis. Several rates run one after the other on the same subscribers.
    Prints, per rate, delivered messages/s, p50/p99 from send to receipt and
    router and chat CPU per delivered message; and router and chat RSS per
    connection.

``python -m bench.chat idle [--connections 1000] [--hold 5]``
    ``connections`` subscribed WebSockets that receive nothing for ``hold``
    seconds; then one message must reach every one. Prints router and chat
    memory per connection.

Both connect their subscribers ``--connecting`` at a time (default 50): each
opens its WebSocket, is acknowledged and subscribes before the next one
starts.

Router on core 0, chat replicas on core 1 (``taskset``); the driver is not
pinned and its own CPU is printed, since it shares the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from bench.chat.stack import Stack, chat_stack, public_room
from bench.federation.procs import usage

PROTOCOL = Subprotocol("graphql-transport-ws")
# since: 0, so a subscriber whose subscription is confirmed after the warm-up message was
# sent still gets it (replayed).
RECEIVED = """subscription($c: ID!) {
  messageReceived(conversationId: $c, since: 0) { seq body } }"""
SEND = """mutation($c: ID!, $k: String!, $b: String!) {
  sendMessage(conversationId: $c, clientMessageId: $k, body: $b) { seq } }"""


def rss_mb(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pids: Sequence[int]) -> float:
    return sum(usage(pid).cpu_seconds for pid in pids)


class Receivers:
    """The subscribers: when each message was sent, how long each receipt took."""

    def __init__(self) -> None:
        self.sent_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self.send_times: list[float] = []
        self.receipts = 0
        self.last_receipt = 0.0
        self.subscribed = 0
        self.retries = 0
        self.refusals: Counter[str] = Counter()
        self.got: dict[int, int] = {}
        self.sockets: list[ClientConnection] = []

    async def run(self, stack: Stack, user: int, room: str, slot: asyncio.Semaphore) -> None:
        url = stack.router_url.replace("http://", "ws://") + "/graphql"
        await slot.acquire()
        try:
            ws = await connect(url, subprotocols=[PROTOCOL], max_queue=None)
        except BaseException:
            slot.release()
            raise
        async with ws:
            self.sockets.append(ws)
            try:
                await ws.send(
                    orjson.dumps(
                        {
                            "type": "connection_init",
                            "payload": {"authorization": f"Bearer {stack.token(user)}"},
                        }
                    ).decode()
                )
                await ws.recv()
            except BaseException:
                slot.release()
                raise
            subscribe = {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": RECEIVED, "variables": {"c": room}},
            }
            await ws.send(orjson.dumps(subscribe).decode())
            self.subscribed += 1
            slot.release()
            seen: set[int] = set()
            async for raw in ws:
                message = orjson.loads(raw)
                if message.get("type") != "next":
                    if message.get("type") == "ping":
                        await ws.send('{"type":"pong"}')
                        continue
                    if _unavailable(message):
                        # As a client would: wait `retryAfter` and subscribe again (since: 0
                        # replays whatever came meanwhile, and duplicates are not counted).
                        self.retries += 1
                        self.refusals[message["payload"][0]["message"]] += 1
                        await asyncio.sleep(message["payload"][0]["extensions"]["retryAfter"])
                        await ws.send(orjson.dumps(subscribe).decode())
                        continue
                    raise RuntimeError(f"subscriber {user}: {message}")
                n = int(message["payload"]["data"]["messageReceived"]["body"].split()[1])
                if n in seen:
                    continue  # replayed again after a resubscription
                seen.add(n)
                now = time.monotonic()
                self.got[n] = self.got.get(n, 0) + 1
                sent = self.sent_at.get(n)
                if sent is not None:
                    self.latencies.append(now - sent)
                    self.receipts += 1
                    self.last_receipt = now


def _unavailable(message: dict[str, object]) -> bool:
    payload = message.get("payload")
    if message.get("type") != "error" or not isinstance(payload, list) or not payload:
        return False
    return bool(payload[0].get("extensions", {}).get("code") == "UNAVAILABLE")


async def send(stack: Stack, room: str, sender: int, n: int, receivers: Receivers | None) -> int:
    """Send message ``n`` (its body says ``message n``), timed from just before the request."""
    started = time.monotonic()
    if receivers is not None:
        receivers.sent_at[n] = started
    await stack.call(
        SEND, sender, f"{stack.chat_urls[-1]}/graphql", c=room, k=f"b{n}", b=f"message {n}"
    )
    if receivers is not None:
        receivers.send_times.append(time.monotonic() - started)
    return n


async def everyone_got(receivers: Receivers, seq: int, count: int, within: float) -> None:
    deadline = time.monotonic() + within
    while receivers.got.get(seq, 0) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"message {seq} reached {receivers.got.get(seq, 0)} of {count}")
        await asyncio.sleep(0.05)


async def connected(
    stack: Stack, count: int, connecting: int
) -> tuple[str, Receivers, list[asyncio.Task[None]], float, float]:
    """The room, its subscribers, and router and chat RSS before they connected."""
    owner = 1
    room = await public_room(stack, owner, range(2, count + 2))
    router_before, chat_before = rss_mb([stack.router_pid]), rss_mb(stack.chat_pids[:1])
    receivers = Receivers()
    slot = asyncio.Semaphore(connecting)
    tasks = [
        asyncio.create_task(receivers.run(stack, user, room, slot)) for user in range(2, count + 2)
    ]
    while receivers.subscribed < count:
        failed = [t.exception() for t in tasks if t.done() and t.exception()]
        if failed:
            raise RuntimeError(f"a subscriber failed to connect: {failed[0]}")
        await asyncio.sleep(0.05)
    # Subscribed at the router does not mean subscribed at chat yet: wait until a message
    # reaches everyone (since: 0 replays it to those subscribed after it was sent).
    await asyncio.sleep(0.5)
    warm = await send(stack, room, owner, 0, None)
    try:
        await everyone_got(receivers, warm, count, within=120 + count / 20)
    except RuntimeError:
        failed = [t.exception() for t in tasks if t.done() and t.exception()]
        raise RuntimeError(f"not every subscriber got the first message: {failed[:1]}") from None
    return room, receivers, tasks, router_before, chat_before


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def fanout(args: argparse.Namespace) -> None:
    async with chat_stack(replicas=2, logs=args.logs) as stack:
        started = time.monotonic()
        room, receivers, tasks, router_before, chat_before = await connected(
            stack, args.subscribers, args.connecting
        )
        ready = time.monotonic() - started
        router_rss, chat_rss = rss_mb([stack.router_pid]), rss_mb(stack.chat_pids[:1])
        print(
            f"subscribers {args.subscribers}, connected {args.connecting} at a time in "
            f"{ready:.1f} s ({receivers.retries} subscribe(s) retried after UNAVAILABLE), "
            "2 chat replicas"
        )
        for reason, count in receivers.refusals.most_common():
            print(f"  UNAVAILABLE {count} time(s): {reason}")
        print(
            "RSS per connection: router "
            f"{(router_rss - router_before) * 1024 / args.subscribers:.1f} KB, "
            f"chat {(chat_rss - chat_before) * 1024 / args.subscribers:.1f} KB",
            flush=True,
        )
        first = 1
        for rate in args.rate:
            total = args.messages or int(rate * args.seconds)
            await _phase(stack, room, receivers, args, rate, range(first, first + total))
            first += total
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _phase(
    stack: Stack,
    room: str,
    receivers: Receivers,
    args: argparse.Namespace,
    rate: float,
    numbers: range,
) -> None:
    """Send ``numbers`` at ``rate`` and print what their delivery took."""
    receivers.latencies.clear()
    receivers.send_times.clear()
    receivers.receipts = 0
    cpu_router, cpu_chat = cpu_seconds([stack.router_pid]), cpu_seconds(stack.chat_pids)
    driver_before = resource.getrusage(resource.RUSAGE_SELF)
    load = os.getloadavg()[0]
    start = time.monotonic()
    in_flight = asyncio.Semaphore(args.in_flight)

    async def paced(n: int) -> int:
        async with in_flight:
            return await send(stack, room, 1, n, receivers)

    sends = []
    for i, n in enumerate(numbers, 1):
        # On schedule, with at most `in_flight` sends waiting for their answer: when
        # sending is slower than asked, the achieved rate (printed) drops instead.
        await in_flight.acquire()
        in_flight.release()
        sends.append(asyncio.create_task(paced(n)))
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
    await asyncio.gather(*sends)
    sending = time.monotonic() - start
    await everyone_got(receivers, numbers[-1], args.subscribers, within=600)
    elapsed = receivers.last_receipt - start
    cpu_router = cpu_seconds([stack.router_pid]) - cpu_router
    cpu_chat = cpu_seconds(stack.chat_pids) - cpu_chat
    driver = resource.getrusage(resource.RUSAGE_SELF)
    total = len(numbers)
    expected = total * args.subscribers
    latencies = receivers.latencies
    print(
        f"rate {rate:g}/s asked: {total} messages sent in {sending:.1f} s "
        f"({total / sending:.1f}/s), load average {load:.2f} at the start"
    )
    print(
        f"  delivered {receivers.receipts}/{expected} in {elapsed:.1f} s: "
        f"{receivers.receipts / elapsed:,.0f} msg/s"
    )
    print(
        f"  send→receipt p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms; the send itself (until its answer) "
        f"p50 {percentile(receivers.send_times, 0.5) * 1000:.1f} ms"
    )
    driver_cpu = driver.ru_utime + driver.ru_stime - driver_before.ru_utime - driver_before.ru_stime
    print(
        f"  CPU per delivered message: router {cpu_router / receivers.receipts * 1e6:.0f} µs, "
        f"chat (both replicas) {cpu_chat / receivers.receipts * 1e6:.0f} µs; "
        f"driver {driver_cpu:.1f} s CPU",
        flush=True,
    )


async def idle(args: argparse.Namespace) -> None:
    async with chat_stack(replicas=1, logs=args.logs) as stack:
        started = time.monotonic()
        room, receivers, tasks, router_before, chat_before = await connected(
            stack, args.connections, args.connecting
        )
        ready = time.monotonic() - started
        await asyncio.sleep(args.hold)
        router_rss, chat_rss = rss_mb([stack.router_pid]), rss_mb(stack.chat_pids)
        seq = await send(stack, room, 1, 1, receivers)
        await everyone_got(receivers, seq, args.connections, within=60)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    print(
        f"{args.connections} idle subscribed WebSockets held {args.hold:g} s (set up in "
        f"{ready:.1f} s, {receivers.retries} subscribe(s) retried after UNAVAILABLE); a "
        "message then reached every one"
    )
    print(
        f"router RSS {router_before:.0f} → {router_rss:.0f} MB: "
        f"{(router_rss - router_before) * 1024 / args.connections:.1f} KB per connection; "
        f"chat RSS {chat_before:.0f} → {chat_rss:.0f} MB: "
        f"{(chat_rss - chat_before) * 1024 / args.connections:.1f} KB per subscription"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chat")
    commands = parser.add_subparsers(dest="command", required=True)
    fan = commands.add_parser("fanout", help="one room, many subscribers, one sender")
    fan.add_argument("--subscribers", type=int, default=200)
    fan.add_argument(
        "--rate", type=float, nargs="+", default=[50.0], help="messages/s; several run in turn"
    )
    fan.add_argument("--seconds", type=float, default=10.0, help="per rate")
    fan.add_argument("--messages", type=int, default=0, help="per rate, instead of --seconds")
    fan.add_argument("--in-flight", type=int, default=4, help="sends awaiting their answer")
    still = commands.add_parser("idle", help="idle subscribed WebSockets on one router")
    still.add_argument("--connections", type=int, default=1000)
    still.add_argument("--hold", type=float, default=5.0)
    for command in (fan, still):
        command.add_argument(
            "--connecting", type=int, default=50, help="subscribers connecting at once"
        )
        command.add_argument(
            "--logs", type=Path, default=None, help="a folder for the processes' logs"
        )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    asyncio.run(fanout(args) if args.command == "fanout" else idle(args))
    return 0

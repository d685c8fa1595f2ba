"""An app's hot endpoint answered by the protocol itself: which requests take that way, and
that a client sees what uvicorn would give it (order, keep-alive, limits, failures)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
import pytest

from shared.direct_http import Answer, DirectRoute, HttpRequest
from tests.support.connections import connect, until

BODY_TIMEOUT = 0.2


class App:
    """Answers ``{"way": "direct"|"asgi", "body": …}``, either way; ``slow`` delays direct answers."""

    def __init__(self, *, vary_origin: bool = False, slow: float = 0.0) -> None:
        self.direct_route = DirectRoute(
            b"/graphql",
            self.answer,
            max_body_bytes=64,
            body_timeout=BODY_TIMEOUT,
            vary_origin=vary_origin,
        )
        self.slow = slow
        self.fail = False
        self.requests: list[HttpRequest] = []

    async def answer(self, request: HttpRequest) -> Answer:
        self.requests.append(request)
        await asyncio.sleep(self.slow)
        if self.fail:
            raise RuntimeError("the endpoint broke")
        return self.reply("direct", request.body)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        answer = self.reply("asgi", body)
        await send({"type": "http.response.start", "status": 200, "headers": answer.headers})
        await send({"type": "http.response.body", "body": answer.body})

    @staticmethod
    def reply(way: str, body: bytes) -> Answer:
        content = orjson.dumps({"way": way, "body": body.decode()})
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(content)).encode()),
        ]
        return Answer(200, headers, content)


def request(
    body: bytes = b"{}",
    *extra: bytes,
    method: bytes = b"POST",
    target: bytes = b"/graphql",
    version: bytes = b"1.1",
    length: bool = True,
) -> bytes:
    head = [method + b" " + target + b" HTTP/" + version, b"host: x", *extra]
    if length:
        head.append(b"content-length: %d" % len(body))
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def answers(writes: list[bytes]) -> list[dict[str, Any]]:
    """Each response's JSON body, from writes holding whole responses."""
    stream = b"".join(writes)
    found = []
    while stream:
        head, _, rest = stream.partition(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        found.append(orjson.loads(rest[:length]))
        stream = rest[length:]
    return found


async def exchange(app: App, data: bytes, responses: int = 1) -> tuple[list[bytes], Any]:
    protocol, transport = connect(app)
    protocol.data_received(data)
    await until(transport, lambda writes: len(writes) >= responses)
    return transport.writes, transport


async def test_a_json_post_to_the_route_is_answered_directly_in_one_write() -> None:
    app = App()
    writes, transport = await exchange(app, request(b'{"query": "{ a }"}'))
    assert len(writes) == 1
    head, _, body = writes[0].partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 200 OK"
    assert b"content-type: application/json" in lines
    assert orjson.loads(body) == {"way": "direct", "body": '{"query": "{ a }"}'}
    assert app.requests[0].peer == "127.0.0.1" and app.requests[0].method == "POST"
    assert (b"host", b"x") in app.requests[0].headers
    assert not transport.closed


@pytest.mark.parametrize(
    "data",
    [
        request(method=b"PUT"),
        request(target=b"/graphql?query=x"),
        request(target=b"/other"),
        request(b"{}", b"expect: 100-continue"),
        request(b"2\r\n{}\r\n0\r\n\r\n", b"transfer-encoding: chunked", length=False),
        request(b"{}", b"accept: text/event-stream"),
        request(b"{}", b"Accept: Multipart/Mixed;deferSpec=20220824, application/json"),
        request(b"x" * 65),
    ],
    ids=["put", "query-string", "other-path", "expect", "chunked", "sse", "multipart", "too-big"],
)
async def test_every_other_request_goes_the_asgi_way(data: bytes) -> None:
    app = App()
    writes, _ = await exchange(app, data, responses=2 if b"expect" in data else 1)
    assert answers([w for w in writes if not w.startswith(b"HTTP/1.1 100")])[0]["way"] == "asgi"
    assert app.requests == []


async def test_pipelined_requests_are_answered_in_order_whichever_way_each_goes() -> None:
    app = App(slow=0.05)
    data = request(b'"1"') + request(b'"2"', target=b"/other") + request(b'"3"')
    protocol, transport = connect(app)
    protocol.data_received(data)
    assert not transport.reading  # the next requests wait their turn
    await until(transport, lambda writes: len(writes) >= 3)
    assert [(a["way"], a["body"]) for a in answers(transport.writes)] == [
        ("direct", '"1"'),
        ("asgi", '"2"'),
        ("direct", '"3"'),
    ]
    assert transport.reading and not transport.closed


async def test_kept_alive_connections_close_when_asked_and_on_http_1_0() -> None:
    protocol, transport = connect(App())
    protocol.data_received(request(b'"1"'))
    await until(transport, bool)
    assert not transport.closed
    protocol.data_received(request(b'"2"', b"connection: close"))
    await until(transport, lambda writes: len(writes) == 2)
    assert [a["body"] for a in answers(transport.writes)] == ['"1"', '"2"']
    assert b"connection: close" in transport.writes[1] and transport.closed

    writes, transport = await exchange(App(), request(version=b"1.0"))
    assert b"connection: close" in writes[0] and transport.closed


async def test_a_body_in_pieces_is_answered_once_whole() -> None:
    data = request(b'{"query": "{ a }"}')
    protocol, transport = connect(App())
    for piece in (data[:20], data[20:-5], data[-5:]):
        protocol.data_received(piece)
        await asyncio.sleep(BODY_TIMEOUT / 4)
    await until(transport, bool)
    assert answers(transport.writes) == [{"way": "direct", "body": '{"query": "{ a }"}'}]


async def test_a_body_that_stops_arriving_is_refused_with_408_and_the_connection_closed() -> None:
    app = App()
    protocol, transport = connect(app)
    protocol.data_received(request(b'{"query": "{ a }"}')[:-3])
    await until(transport, bool)
    head, _, body = transport.writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ") and b"connection: close" in head
    assert orjson.loads(body)["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"
    assert transport.closed and app.requests == []


async def test_an_endpoint_that_raises_is_a_logged_500_and_a_closed_connection(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = App()
    app.fail = True
    with caplog.at_level(logging.ERROR):
        writes, transport = await exchange(app, request())
    assert writes[0].startswith(b"HTTP/1.1 500 ") and writes[0].endswith(b"Internal Server Error")
    assert transport.closed
    assert "the endpoint broke" in caplog.text


@pytest.mark.parametrize(
    "header",
    [(b"x-note", b"split\r\nset-cookie: a=b"), (b"x-note", b"bell\x07"), (b"x note", b"v")],
    ids=["value-crlf", "value-control", "name-space"],
)
async def test_an_answer_with_an_invalid_header_is_a_logged_500_not_sent(
    header: tuple[bytes, bytes], caplog: pytest.LogCaptureFixture
) -> None:
    app = App()
    reply = app.reply

    def bad_reply(way: str, body: bytes) -> Answer:
        good = reply(way, body)
        return Answer(good.status, [*good.headers, header], good.body)

    app.reply = bad_reply  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR):
        writes, transport = await exchange(app, request())
    assert len(writes) == 1 and writes[0].startswith(b"HTTP/1.1 500 ")
    assert b"x-note" not in writes[0] and b"x note" not in writes[0] and transport.closed
    assert "Invalid HTTP header" in caplog.text


async def test_with_cors_on_a_request_with_an_origin_goes_the_asgi_way_and_others_vary() -> None:
    writes, _ = await exchange(App(vary_origin=True), request(b"{}", b"origin: http://a.example"))
    assert answers(writes)[0]["way"] == "asgi"
    writes, _ = await exchange(App(vary_origin=True), request())
    assert answers(writes)[0]["way"] == "direct" and b"\r\nvary: Origin\r\n" in writes[0]


async def test_a_client_gone_before_its_answer_gets_nothing_and_breaks_nothing() -> None:
    app = App(slow=0.05)
    protocol, transport = connect(app)
    protocol.data_received(request())
    protocol.connection_lost(None)
    await asyncio.sleep(0.1)
    assert transport.writes == [] and len(app.requests) == 1


async def test_a_shutdown_lets_the_answer_in_progress_finish_then_closes() -> None:
    protocol, transport = connect(App(slow=0.05))
    protocol.data_received(request())
    protocol.shutdown()
    assert not transport.closed
    await until(transport, bool)
    assert answers(transport.writes)[0]["way"] == "direct"
    assert b"connection: close" in transport.writes[0] and transport.closed


async def test_a_connection_lost_under_pipelined_requests_ends_every_answer_quietly() -> None:
    app = App(slow=0.05)
    protocol, transport = connect(app)
    protocol.data_received(request(b'"1"') + request(b'"2"'))
    answering = set(protocol.tasks)
    protocol.connection_lost(None)
    transport.closed = True
    await asyncio.sleep(0.1)
    assert transport.writes == [] and len(app.requests) == 1
    assert answering and all(task.done() and not task.exception() for task in answering)

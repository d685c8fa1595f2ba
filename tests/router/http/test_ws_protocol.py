"""The two WebSocket protocols as state machines: client messages in, actions out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from router.http.graphql_transport_ws import GraphQLTransportWS
from router.http.graphql_ws import GraphQLWS
from router.http.params import GraphQLParams
from router.http.ws_protocol import Close, Initialised, Reply, Start, Stop

QUERY = {"query": "subscription { ticks }"}


def text(message: dict[str, Any]) -> str:
    return json.dumps(message)


def initialised(protocol: GraphQLTransportWS | GraphQLWS) -> GraphQLTransportWS | GraphQLWS:
    protocol.receive(text({"type": "connection_init", "payload": {"authorization": "Bearer t"}}))
    return protocol


# graphql-transport-ws ---------------------------------------------------------


def test_init_is_acknowledged_and_hands_over_the_payload() -> None:
    protocol = GraphQLTransportWS(max_operations=10)
    actions = protocol.receive(text({"type": "connection_init", "payload": {"a": "b"}}))
    assert actions == [Reply({"type": "connection_ack"}), Initialised({"a": "b"})]
    assert protocol.initialised
    assert GraphQLTransportWS(max_operations=1).receive(b'{"type": "connection_init"}') == [
        Reply({"type": "connection_ack"}),
        Initialised({}),
    ]


def test_subscribe_starts_an_operation_and_complete_stops_it() -> None:
    protocol = initialised(GraphQLTransportWS(max_operations=10))
    started = protocol.receive(text({"type": "subscribe", "id": "1", "payload": QUERY}))
    assert started == [Start("1", GraphQLParams("subscription { ticks }", None, None, None))]
    assert protocol.result("1", {"data": {"ticks": 1}}) == {
        "id": "1",
        "type": "next",
        "payload": {"data": {"ticks": 1}},
    }
    assert protocol.receive(text({"type": "complete", "id": "1"})) == [Stop("1")]
    # Stopped by the client: nothing more is sent for it, not even complete.
    assert protocol.result("1", {"data": {"ticks": 2}}) is None
    assert protocol.complete("1") is None
    assert protocol.receive(text({"type": "complete", "id": "1"})) == []


def test_an_operation_ends_once_with_complete_or_error() -> None:
    protocol = initialised(GraphQLTransportWS(max_operations=10))
    protocol.receive(text({"type": "subscribe", "id": "a", "payload": QUERY}))
    protocol.receive(text({"type": "subscribe", "id": "b", "payload": QUERY}))
    assert protocol.complete("a") == {"id": "a", "type": "complete"}
    assert protocol.complete("a") is None
    errors = [{"message": "boom"}]
    assert protocol.error("b", errors) == {"id": "b", "type": "error", "payload": errors}
    assert protocol.error("b", errors) is None
    # Ended ids are free again.
    assert isinstance(
        protocol.receive(text({"type": "subscribe", "id": "a", "payload": QUERY}))[0], Start
    )


def test_ping_is_answered_at_any_time_and_pong_ignored() -> None:
    protocol = GraphQLTransportWS(max_operations=1)
    assert protocol.receive(text({"type": "ping", "payload": {"x": 1}})) == [
        Reply({"type": "pong"})
    ]
    assert protocol.receive(text({"type": "pong"})) == []


@pytest.mark.parametrize(
    ("before", "message", "close"),
    [
        ([], "nonsense", Close(4400, "Invalid message: not JSON")),
        ([], None, Close(4400, "Invalid message: empty frame")),
        ([], "[1]", Close(4400, "Invalid message: expected a JSON object with a string 'type'")),
        ([], '{"type": "start"}', Close(4400, "Invalid message: unknown type 'start'")),
        (
            [],
            '{"type": "connection_init", "payload": 3}',
            Close(4400, "Invalid message: the connection_init payload must be an object"),
        ),
        ([], text({"type": "subscribe", "id": "1", "payload": QUERY}), Close(4401, "Unauthorized")),
        (
            ["init"],
            text({"type": "connection_init"}),
            Close(4429, "Too many initialisation requests"),
        ),
        (
            ["init"],
            text({"type": "subscribe", "id": "", "payload": QUERY}),
            Close(4400, "Invalid message: 'subscribe' needs a non-empty string 'id'"),
        ),
        (
            ["init"],
            text({"type": "subscribe", "id": "1"}),
            Close(4400, "Invalid message: operation '1' needs a 'payload' object"),
        ),
        (
            ["init"],
            text({"type": "subscribe", "id": "1", "payload": {"query": "{a}", "variables": []}}),
            Close(
                4400, "Invalid message: operation '1': 'variables' must be a JSON object or null"
            ),
        ),
        (
            ["init", "sub"],
            text({"type": "subscribe", "id": "1", "payload": QUERY}),
            Close(4409, "Subscriber for 1 already exists"),
        ),
        (
            ["init"],
            text({"type": "complete"}),
            Close(4400, "Invalid message: 'complete' needs a non-empty string 'id'"),
        ),
    ],
    ids=[
        "not-json",
        "empty",
        "not-an-object",
        "unknown-type",
        "bad-init-payload",
        "subscribe-before-init",
        "second-init",
        "empty-id",
        "no-payload",
        "bad-variables",
        "id-in-use",
        "complete-without-id",
    ],
)
def test_each_violation_closes_with_the_protocols_code(
    before: list[str], message: str | None, close: Close
) -> None:
    protocol = GraphQLTransportWS(max_operations=10)
    if "init" in before:
        initialised(protocol)
    if "sub" in before:
        protocol.receive(text({"type": "subscribe", "id": "1", "payload": QUERY}))
    assert protocol.receive(message) == [close]


def test_past_the_limit_an_operation_is_refused_with_an_error() -> None:
    protocol = initialised(GraphQLTransportWS(max_operations=1))
    protocol.receive(text({"type": "subscribe", "id": "1", "payload": QUERY}))
    (refusal,) = protocol.receive(text({"type": "subscribe", "id": "2", "payload": QUERY}))
    assert isinstance(refusal, Reply)
    assert refusal.message["id"] == "2" and refusal.message["type"] == "error"
    assert refusal.message["payload"][0]["extensions"] == {"code": "TOO_MANY_OPERATIONS"}
    assert protocol.active == {"1"}


# graphql-ws (legacy) ------------------------------------------------------------


def test_legacy_init_ack_and_keep_alive() -> None:
    protocol = GraphQLWS(max_operations=10)
    assert protocol.receive(text({"type": "connection_init"})) == [
        Reply({"type": "connection_ack"}),
        Initialised({}),
    ]
    assert protocol.keepalive() == {"type": "ka"}
    assert GraphQLTransportWS(max_operations=1).keepalive() is None


def test_legacy_start_data_stop() -> None:
    protocol = initialised(GraphQLWS(max_operations=10))
    assert protocol.receive(text({"type": "start", "id": "1", "payload": QUERY})) == [
        Start("1", GraphQLParams("subscription { ticks }", None, None, None))
    ]
    assert protocol.result("1", {"data": {}}) == {
        "id": "1",
        "type": "data",
        "payload": {"data": {}},
    }
    assert protocol.receive(text({"type": "stop", "id": "1"})) == [
        Stop("1"),
        Reply({"id": "1", "type": "complete"}),
    ]
    assert protocol.receive(text({"type": "stop", "id": "1"})) == []


def test_legacy_start_with_a_running_id_replaces_that_operation() -> None:
    protocol = initialised(GraphQLWS(max_operations=1))
    protocol.receive(text({"type": "start", "id": "1", "payload": QUERY}))
    assert protocol.receive(text({"type": "start", "id": "1", "payload": QUERY})) == [
        Stop("1"),
        Start("1", GraphQLParams("subscription { ticks }", None, None, None)),
    ]


def test_legacy_errors_are_one_error_object() -> None:
    protocol = initialised(GraphQLWS(max_operations=10))
    protocol.receive(text({"type": "start", "id": "1", "payload": QUERY}))
    assert protocol.error("1", [{"message": "a"}, {"message": "b"}]) == {
        "id": "1",
        "type": "error",
        "payload": {"message": "a"},
    }


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("nonsense", {"type": "error", "payload": {"message": "Invalid message: not JSON"}}),
        (
            text({"type": "subscribe", "id": "5"}),
            {
                "type": "error",
                "id": "5",
                "payload": {"message": "Invalid message: unknown type 'subscribe'"},
            },
        ),
        (
            text({"type": "start", "id": "5", "payload": {}}),
            {
                "type": "error",
                "id": "5",
                "payload": {
                    "message": "Invalid message: operation '5': The request has no 'query': send the GraphQL document as a string"
                },
            },
        ),
        (
            text({"type": "connection_init"}),
            {
                "type": "error",
                "payload": {"message": "Invalid message: the connection is already initialised"},
            },
        ),
    ],
    ids=["not-json", "unknown-type", "no-query", "second-init"],
)
def test_legacy_bad_messages_get_one_error_each_and_the_connection_stays(
    message: str, error: dict[str, Any]
) -> None:
    protocol = initialised(GraphQLWS(max_operations=10))
    assert protocol.receive(message) == [Reply(error)]


def test_legacy_closing_cases() -> None:
    assert GraphQLWS(max_operations=1).receive(
        text({"type": "start", "id": "1", "payload": QUERY})
    ) == [Close(4401, "Unauthorized")]
    assert GraphQLWS(max_operations=1).receive(
        text({"type": "connection_init", "payload": "x"})
    ) == [
        Reply(
            {
                "type": "connection_error",
                "payload": {"message": "the connection_init payload must be an object"},
            }
        ),
        Close(4400, "the connection_init payload must be an object"),
    ]
    assert initialised(GraphQLWS(max_operations=1)).receive(
        text({"type": "connection_terminate"})
    ) == [Close(1000, "")]

"""Redaction, the JSON line format, and Strawberry's error records made one line."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from graphql import GraphQLError

from shared.errors import BadUserInput
from shared.logs import (
    REQUEST_ID,
    TRACE_ID,
    USER_ID,
    JsonFormatter,
    OneLineGraphQLErrors,
    configure_logging,
    redact,
    trace_id_of,
)


def test_values_after_secret_looking_names_are_hidden() -> None:
    assert redact('password: "hunter2" nickname: "Ann"') == 'password: (hidden) nickname: "Ann"'
    assert redact("refreshToken=abc.def, x=1") == "refreshToken=(hidden), x=1"
    assert redact("Authorization: Bearer eyJhbGci.x.y") == "Authorization: (hidden)"
    assert (
        redact("Variable '$code' got invalid value 123456; Int cannot represent")
        == "Variable '$code' got invalid value (hidden); Int cannot represent"
    )
    assert redact("You cannot follow yourself.") == "You cannot follow yourself."


def test_a_json_line_has_the_request_trace_and_user_ids() -> None:
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    tokens = (REQUEST_ID.set("req-1"), TRACE_ID.set(trace_id_of(traceparent)), USER_ID.set("42"))
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("a",), None)
            record.exc_info = sys.exc_info()
        line = json.loads(JsonFormatter("accounts").format(record))
    finally:
        for var, token in zip((REQUEST_ID, TRACE_ID, USER_ID), tokens, strict=True):
            var.reset(token)
    assert line["message"] == "failed a" and line["service"] == "accounts"
    assert line["level"] == "ERROR" and line["timestamp"].endswith("Z")
    assert (line["request_id"], line["trace_id"], line["user_id"]) == (
        "req-1",
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "42",
    )
    assert "RuntimeError: boom" in line["exception"]


def _record(error: GraphQLError) -> logging.LogRecord:
    record = logging.LogRecord("strawberry.execution", logging.ERROR, __file__, 1, error, (), None)
    record.exc_info = (type(error), error, None)
    return record


def test_an_expected_error_becomes_one_line_and_an_internal_one_is_left_to_the_masker() -> None:
    query = 'mutation { login(password: "hunter2") }'
    expected = GraphQLError(
        "The code is wrong.", path=["register"], original_error=BadUserInput("x", field="code")
    )
    record = _record(expected)
    assert OneLineGraphQLErrors().filter(record)
    assert record.getMessage() == "BAD_USER_INPUT at register: The code is wrong."
    assert record.exc_info is None and record.levelno == logging.INFO
    internal = GraphQLError(query, path=["login"], original_error=KeyError("k"))
    assert not OneLineGraphQLErrors().filter(_record(internal))


def test_configured_logging_writes_json_lines_and_quiets_migrations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("alembic").level)
    try:
        configure_logging(service="accounts", json_lines=True)
        logging.getLogger("alembic.runtime").info("Running upgrade")
        logging.getLogger("beyond.test").info("hello %s", "there")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.getLogger("alembic").setLevel(saved[2])
    [line] = capsys.readouterr().err.splitlines()
    assert json.loads(line)["message"] == "hello there"
    assert json.loads(line)["service"] == "accounts"

"""A journey full of expected mistakes leaves a readable console that keeps every secret.

Sign up, fail and succeed at signing in, use a wrong code, rotate a refresh
token, follow yourself, send a broken token: every record the processes log
on the way is rendered as a human line and as a JSON line, and neither holds
a password, code or token, nor a traceback. Expected errors are one line
each; each operation has one ``router.access`` line.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from shared.logs import HUMAN_FORMAT, JsonFormatter
from tests.subgraphs.accounts.conftest import new_mobile
from tests.support.graph import Graph

FOLLOW = "mutation Follow($id: ID!) { follow(userId: $id) { nickname } }"


@pytest.fixture
def console() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """Every record at INFO and above, as ``beyond dev`` prints it and as JSON lines."""
    human, machine = io.StringIO(), io.StringIO()
    handlers = [logging.StreamHandler(human), logging.StreamHandler(machine)]
    handlers[0].setFormatter(logging.Formatter(HUMAN_FORMAT))
    handlers[1].setFormatter(JsonFormatter("journey"))
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.INFO)
    for handler in handlers:
        root.addHandler(handler)
    try:
        yield human, machine
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(previous)


async def test_expected_errors_are_one_line_and_no_secret_is_logged(
    graph: Graph, console: tuple[io.StringIO, io.StringIO]
) -> None:
    human, machine = console
    secrets: list[str] = []
    user_id, _ = await graph.register("Ada")
    secrets.append("correct1horse")  # the password graph.register signs up with
    mobile = new_mobile()
    await graph.data(
        "mutation($m: String!) { requestVerificationCode(mobile: $m, purpose: REGISTER) { expiresIn } }",
        m=mobile,
    )
    code = graph.sms.last_code(mobile)
    wrong_code = "000000" if code != "000000" else "111111"
    wrong = await graph.execute(
        """mutation Register($m: String!, $c: String!) {
             register(mobile: $m, code: $c, password: "hunter2hunter2", nickname: "Eve") { accessToken } }""",
        m=mobile,
        c=wrong_code,
    )
    assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    secrets += ["hunter2hunter2", wrong_code]
    signed_in = await graph.data(
        """mutation Register($m: String!, $c: String!) {
             register(mobile: $m, code: $c, password: "s3cret-horse-battery", nickname: "Eve") {
               accessToken refreshToken user { id } } }""",
        m=mobile,
        c=code,
    )
    session = signed_in["register"]
    secrets += ["s3cret-horse-battery", code, session["accessToken"], session["refreshToken"]]
    bad_login = await graph.execute(
        f'mutation Login {{ login(mobile: "{mobile}", password: "not-my-password1") {{ accessToken }} }}'
    )
    assert bad_login["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    secrets.append("not-my-password1")
    rotated = await graph.data(
        "mutation Refresh($t: String!) { refreshToken(refreshToken: $t) { refreshToken } }",
        t=session["refreshToken"],
    )
    secrets.append(rotated["refreshToken"]["refreshToken"])
    # A token that was never issued (a reuse within the grace window would succeed).
    forged = session["refreshToken"] + "x"
    secrets.append(forged)
    reused = await graph.execute(
        f'mutation Reuse {{ refreshToken(refreshToken: "{forged}") {{ accessToken }} }}'
    )
    assert reused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    yourself = await graph.execute(
        FOLLOW, session["accessToken"], id=signed_in["register"]["user"]["id"]
    )
    assert yourself["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    broken = await graph.execute("query Me { me { id } }", "not.a.token")
    assert broken["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert user_id

    text, lines = human.getvalue(), machine.getvalue().splitlines()
    for secret in secrets:
        assert secret not in text and secret not in machine.getvalue(), secret
    assert "Traceback" not in text and "mutation" not in text
    error_lines = [line for line in text.splitlines() if "strawberry.execution" in line]
    assert any("BAD_USER_INPUT at register:" in line for line in error_lines), text
    assert any("BAD_USER_INPUT at follow:" in line for line in error_lines), text
    assert any("UNAUTHENTICATED at login:" in line for line in error_lines), text
    # One access line per operation, naming it, its status and the subgraphs asked.
    access = [line for line in text.splitlines() if "router.access" in line]
    assert any(" Register 200 " in line and "subgraphs=accounts" in line for line in access)
    assert any(" Follow 200 " in line and "subgraphs=social" in line for line in access)
    records = [json.loads(line) for line in lines]
    assert all({"timestamp", "level", "service", "message"} <= set(r) for r in records)
    follow_error = next(r for r in records if r["message"].startswith("BAD_USER_INPUT at follow"))
    assert follow_error["user_id"] == signed_in["register"]["user"]["id"]
    assert follow_error["request_id"]

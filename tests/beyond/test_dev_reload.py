"""``beyond dev --reload``: a subgraph's new field reaches the router without restarting it.

Runs in a copy of the repository, whose qa schema the test edits while the
graph serves; the router (the process started here) must answer the new
field through the recomposed supergraph, introspection included, as
GraphiQL would ask for it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.support.net import dev_graph_port
from tests.support.repository import copy_of_the_repository

NEW_FIELD = """
    @strawberry.field(description="Whether qa answers.")
    def qa_ping(self) -> str:
        return "pong"
"""
QUERY_FIELDS = '{ __type(name: "Query") { fields { name } } }'


def _until(condition: Callable[[], bool], what: str, output: list[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} never happened:\n{''.join(output)}"
        time.sleep(0.3)


def _answer(url: str, query: str) -> dict[str, Any]:
    try:
        body: dict[str, Any] = httpx.post(url, json={"query": query}, timeout=10).json()
    except (httpx.HTTPError, ValueError):
        return {}
    return body


def test_a_new_field_reaches_the_router_without_a_restart(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    copy_of_the_repository(copy)
    port = dev_graph_port()
    url = f"http://127.0.0.1:{port}/graphql"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_")}
    data = tmp_path / "data"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "beyond.cli",
            "dev",
            "--reload",
            "--port",
            f"{port}",
            f"--data-dir={data}",
        ],
        cwd=copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: output.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        questions = "{ questions(first: 1) { totalCount } }"

        def qa_answers() -> bool:
            answer = _answer(url, questions)
            return bool(answer.get("data")) and "errors" not in answer

        _until(qa_answers, "qa answering", output, 90)
        assert "qaPing" not in str(_answer(url, QUERY_FIELDS))

        schema = copy / "subgraphs" / "qa" / "schema.py"
        text = schema.read_text()
        schema.write_text(text.replace("class Query:\n", "class Query:\n" + NEW_FIELD, 1))

        def pong() -> bool:
            return _answer(url, "{ qaPing }").get("data") == {"qaPing": "pong"}

        _until(pong, "the new field answering", output, 90)
        assert "qaPing" in str(_answer(url, QUERY_FIELDS))
        assert process.poll() is None
        assert "reloading the subgraphs: subgraphs/qa/schema.py changed" in "".join(output)
    finally:
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=30)
        reader.join(timeout=5)
        process.stdout.close()
    assert status == 0, "".join(output)
    assert "Traceback" not in "".join(output), "".join(output)

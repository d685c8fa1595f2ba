"""Every message a client can read from a Beyond error follows one style: a sentence that says what to do."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ERRORS = {"BadUserInput", "Unauthenticated", "Forbidden", "NotFound", "Conflict", "RateLimited"}


def _messages() -> Iterator[tuple[str, str]]:
    for package in ("shared", "subgraphs"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "_pb2" in path.name or "rpc" in path.parts:  # gRPC callers read codes, not text
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ERRORS
                    and node.args
                ):
                    first = node.args[0]
                    parts = first.values if isinstance(first, ast.JoinedStr) else [first]
                    text = "".join(
                        str(p.value) if isinstance(p, ast.Constant) else "{}" for p in parts
                    )
                    if isinstance(first, ast.Constant | ast.JoinedStr):
                        yield f"{path.relative_to(ROOT)}:{node.lineno}", text


def test_client_error_messages_are_sentences() -> None:
    messages = list(_messages())
    assert len(messages) > 20
    bad = [
        (where, text)
        for where, text in messages
        if not (text[:1].isupper() or text.startswith("{}")) or not text.endswith((".", "?"))
    ]
    assert bad == []

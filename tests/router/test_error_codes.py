"""The router's own error codes come from ``router.errors.ErrorCode``, never a string literal."""

from __future__ import annotations

import ast
from pathlib import Path

from router.errors import ErrorCode

ROUTER = Path(__file__).resolve().parents[2] / "router"


def literal_code_lines(source: str) -> list[int]:
    """Lines of ``{"code": "X"}`` and ``code = "X"`` (or ``*_CODE = "X"``) with a string constant."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        values: list[ast.expr] = []
        if isinstance(node, ast.Dict):
            values = [
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value == "code"
            ]
        elif isinstance(node, ast.Assign):
            values = [
                node.value
                for t in node.targets
                if isinstance(t, ast.Name) and (t.id == "code" or t.id.endswith("_CODE"))
            ]
        lines += [
            v.lineno for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        ]
    return sorted(lines)


def test_no_module_spells_an_error_code_as_a_string() -> None:
    offenders = [
        f"{path.relative_to(ROUTER)}:{line}"
        for path in sorted(ROUTER.rglob("*.py"))
        if path != ROUTER / "errors.py"
        for line in literal_code_lines(path.read_text())
    ]
    assert offenders == []


def test_the_scan_sees_a_literal_code() -> None:
    source = 'E = {"message": "m", "extensions": {"code": "NOPE"}}\ncode = "NOPE"\n'
    assert literal_code_lines(source) == [1, 2]


def test_codes_are_their_own_names() -> None:
    assert all(code.value == code.name for code in ErrorCode)

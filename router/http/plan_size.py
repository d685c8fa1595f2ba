"""The memory a cached plan keeps alive: made smaller where cheap, and estimated.

:func:`compact` drops the lexer's tokens from a parsed document: every
location keeps its offsets and source, which is all an error's
``locations`` need, while the doubly linked list of every token of the
operation (a quarter of a cached document) is freed.

Walks what a :class:`~router.http.plan_cache.PreparedPlan` holds: the plan's
nodes, the client's parsed document (nodes, locations, the lexer's tokens
and the source text) and the strings, tuples and dicts inside, counting
each object once with :func:`sys.getsizeof`. Enum members and classes are
shared by every plan and not counted. Runs once per plan, beside planning,
which costs far more.
"""

from __future__ import annotations

import enum
import sys
from typing import Any

from graphql import DocumentNode, Node, Token, TokenKind

_LEAVES = (str, bytes, int, float, bool, type(None))
_NO_TOKEN = Token(TokenKind.SOF, 0, 0, 0, 0)


def compact(document: DocumentNode) -> None:
    """Unlink the tokens from every location in ``document`` (in place)."""
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple | list):
            stack.extend(node)
        elif isinstance(node, Node):
            if node.loc is not None:
                node.loc.start_token = node.loc.end_token = _NO_TOKEN
            stack.extend(getattr(node, key) for key in node.keys)


def estimated_bytes(root: Any) -> int:
    seen: set[int] = set()
    stack = [root]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type | enum.Enum):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, _LEAVES):
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        else:
            stack.extend(_attributes(obj))
    return total


def _attributes(obj: Any) -> list[Any]:
    values = [
        getattr(obj, name)
        for cls in type(obj).__mro__
        for name in _slots(cls)
        if hasattr(obj, name)
    ]
    instance_dict = getattr(obj, "__dict__", None)
    if instance_dict is not None:
        values.append(instance_dict)
    return values


def _slots(cls: type) -> tuple[str, ...]:
    slots = getattr(cls, "__slots__", ())
    return (slots,) if isinstance(slots, str) else tuple(slots)

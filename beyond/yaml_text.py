"""A small YAML writer for the derived deployment files (no YAML library at run time).

Mappings and lists become block style; a list of scalars is written in flow
style (``["serve", "qa"]``); a string is written plain only when YAML cannot
read it as anything else, double-quoted (JSON escaping) otherwise, and as a
literal block (``|``) when it spans lines. Keys keep their insertion order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

# Plain scalars that YAML reads back as the same string: no indicator first, no `: ` or ` #`,
# and not a word YAML 1.1 reads as a boolean or null (compose and Kubernetes read 1.1).
_PLAIN = re.compile(r"[A-Za-z_./][A-Za-z0-9_./:@-]*")
_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", ".inf", ".nan"}


def scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _WORDS and not text.endswith(":"):
        return text
    return json.dumps(text, ensure_ascii=False)


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            lines += _entry(f"{pad}{scalar(key)}:", item, indent)
        return lines
    for item in value:
        if isinstance(item, Mapping) and item:
            first, *rest = _lines(item, indent + 2)
            lines += [f"{pad}- {first.lstrip()}", *rest]
        else:
            lines += _entry(f"{pad}-", item, indent)
    return lines


def _entry(head: str, item: Any, indent: int) -> list[str]:
    if isinstance(item, str) and "\n" in item:
        body = [f"{' ' * (indent + 2)}{line}" if line else "" for line in item.splitlines()]
        return [f"{head} |", *body]
    if isinstance(item, Mapping | list | tuple) and not item:
        return [f"{head} {'{}' if isinstance(item, Mapping) else '[]'}"]
    if isinstance(item, Mapping) or (_is_list(item) and not all(map(_is_scalar, item))):
        return [head, *_lines(item, indent + 2)]
    if _is_list(item):
        return [f"{head} [{', '.join(scalar(part) for part in item)}]"]
    return [f"{head} {scalar(item)}"]


def _is_list(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float) and not (isinstance(value, str) and "\n" in value)


def dump(value: Mapping[str, Any]) -> str:
    """``value`` as a YAML document."""
    return "\n".join(_lines(value, 0)) + "\n"

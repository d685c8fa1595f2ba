"""Frozen dataclasses to and from JSON-ready dicts, read off their type hints.

``DataclassCodec(UserView)`` checks every field's type once, when it is built
(an unsupported type fails then, not on the first cache miss), and handles
``int``, ``str``, ``float``, ``bool``, ``NewType``\\ s of them, ``datetime``
(ISO 8601), ``bytes`` (base64), enums (by value), ``X | None``, ``tuple[X, ...]``,
``list[X]`` and nested dataclasses.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")

Convert = tuple[Callable[[Any], Any], Callable[[Any], Any]]
"""(dump, load) of one type."""


def _same(value: Any) -> Any:
    return value


def _converter(hint: Any) -> Convert:
    supertype = getattr(hint, "__supertype__", None)
    if supertype is not None:  # a NewType: the same value at run time
        return _converter(supertype)
    if hint in (int, str, float, bool):
        return _same, _same
    if hint is datetime:
        return datetime.isoformat, datetime.fromisoformat
    if hint is bytes:
        return (lambda b: base64.b64encode(b).decode()), base64.b64decode
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return (lambda member: member.value), hint
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        codec = DataclassCodec(hint)
        return codec.encode, codec.decode
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        dump, load = _converter(next(a for a in args if a is not type(None)))
        return (lambda v: None if v is None else dump(v)), (
            lambda v: None if v is None else load(v)
        )
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        dump, load = _converter(args[0])
        return (lambda v: [dump(i) for i in v]), (lambda v: tuple(load(i) for i in v))
    if origin is list and len(args) == 1:
        dump, load = _converter(args[0])
        return (lambda v: [dump(i) for i in v]), (lambda v: [load(i) for i in v])
    raise TypeError(f"no cache encoding for {hint!r}")


class DataclassCodec(Generic[T]):
    """Encodes one dataclass type to a dict of JSON values and decodes it back."""

    def __init__(self, cls: type[T]) -> None:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__name__} is not a dataclass")
        hints = typing.get_type_hints(cls)
        self._cls = cls
        self._fields = {
            f.name: _converter(hints[f.name]) for f in dataclasses.fields(cls) if f.init
        }

    def encode(self, value: T) -> dict[str, Any]:
        return {name: dump(getattr(value, name)) for name, (dump, _) in self._fields.items()}

    def decode(self, data: dict[str, Any]) -> T:
        return self._cls(**{name: load(data[name]) for name, (_, load) in self._fields.items()})

"""Sending SMS. Production plugs a provider in behind :class:`SmsSender`; development
prints each message on the console."""

from __future__ import annotations

import sys
from typing import Protocol, TextIO


class SmsSender(Protocol):
    async def send_code(self, mobile: str, code: str) -> None: ...


class ConsoleSmsSender:
    """Prints ``SMS to <mobile>: <code>`` instead of sending anything."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send_code(self, mobile: str, code: str) -> None:
        stream = self._stream or sys.stdout
        print(f"SMS to {mobile}: {code}", file=stream, flush=True)

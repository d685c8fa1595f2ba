"""The servicer of the test ``Echo`` service (echo.proto)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from shared.errors import BadUserInput, NotFound, Unavailable
from shared.resilience.deadline import remaining
from tests.shared.grpc import echo_pb2, echo_pb2_grpc

ECHO = echo_pb2.DESCRIPTOR.services_by_name["Echo"].full_name


class EchoServicer(echo_pb2_grpc.EchoServicer):
    def __init__(self) -> None:
        self.calls = 0
        self.time_left: list[float | None] = []
        self.target = ""

    async def Say(self, request: Any, context: Any) -> Any:
        self.calls += 1
        self.time_left.append(remaining())
        await asyncio.sleep(request.delay_ms / 1000)
        if request.fail_with == "unavailable":
            raise Unavailable("Down for a moment.", retry_after=1)
        if request.fail_with == "not-found":
            raise NotFound(f"Nobody called {request.text} here.")
        if request.fail_with == "bad-input":
            raise BadUserInput("Say something shorter.", field="text")
        if request.fail_with == "crash":
            raise RuntimeError("secret internals")
        return echo_pb2.SayReply(text=request.text)

    async def Peek(self, request: Any, context: Any) -> Any:
        return await self.Say(request, context)

    async def Count(self, request: Any, context: Any) -> AsyncIterator[Any]:
        for n in range(1, request.count + 1):
            yield echo_pb2.SayReply(text=str(n))
        if request.count == 0:
            raise BadUserInput("Count to at least 1.", field="count")

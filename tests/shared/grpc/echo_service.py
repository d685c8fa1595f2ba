"""The servicer of the test ``Echo`` service (echo.proto)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from shared.errors import BadUserInput, NotFound
from tests.shared.grpc import echo_pb2, echo_pb2_grpc

ECHO = echo_pb2.DESCRIPTOR.services_by_name["Echo"].full_name


class EchoServicer(echo_pb2_grpc.EchoServicer):
    async def Say(self, request: Any, context: Any) -> Any:
        await asyncio.sleep(request.delay_ms / 1000)
        if request.fail_with == "not-found":
            raise NotFound(f"Nobody called {request.text} here.")
        if request.fail_with == "bad-input":
            raise BadUserInput("Say something shorter.", field="text")
        if request.fail_with == "crash":
            raise RuntimeError("secret internals")
        return echo_pb2.SayReply(text=request.text)

    async def Count(self, request: Any, context: Any) -> AsyncIterator[Any]:
        for n in range(1, request.count + 1):
            yield echo_pb2.SayReply(text=str(n))
        if request.count == 0:
            raise BadUserInput("Count to at least 1.", field="count")

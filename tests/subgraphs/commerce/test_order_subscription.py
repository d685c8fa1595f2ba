"""``orderStatusChanged``: the buyer's order as soon as it is written, then at every change."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from strawberry.types import ExecutionResult

from shared.graphql.context import Caller
from subgraphs.commerce.context import CommerceContext
from subgraphs.commerce.schema import build_schema
from tests.subgraphs.commerce.conftest import Commerce, new_sale, new_user
from tests.subgraphs.commerce.test_flash_sale import drain

SUBSCRIBE = """subscription($id: ID!) { orderStatusChanged(orderId: $id) { id status } }"""
CANCEL = "mutation($id: ID!) { cancelOrder(orderId: $id) { status } }"


def _context(commerce: Commerce, user: int) -> CommerceContext:
    token = commerce.runtime.tokens.issue(str(user))
    scope: dict[str, Any] = {
        "type": "http",
        "headers": [(b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 1),
    }
    caller = Caller.of(Request(scope), commerce.runtime.tokens, None)
    return CommerceContext.of(commerce.runtime, caller)


async def test_a_subscriber_sees_the_order_written_then_closed(commerce: Commerce) -> None:
    sale = await new_sale(commerce.runtime, 2)
    buyer = new_user()
    ticket = await commerce.runtime.seckill.enter(buyer, "10.3.3.3", sale.id, "r")
    stream = await build_schema().subscribe(
        SUBSCRIBE,
        context_value=_context(commerce, buyer),
        variable_values={"id": str(ticket.order_id)},
    )
    assert not isinstance(stream, ExecutionResult)
    updates: list[Any] = []

    async def listen() -> None:
        async for result in stream:
            assert result.errors is None, result.errors
            updates.append(result.data["orderStatusChanged"]["status"])
            if len(updates) == 2:
                return

    listening = asyncio.create_task(listen())
    await asyncio.sleep(0.2)
    assert updates == []  # not written yet
    await drain(commerce, sale.id)
    for _ in range(100):
        if updates:
            break
        await asyncio.sleep(0.02)
    assert updates == ["PENDING_PAYMENT"]
    await commerce.data(CANCEL, buyer, id=str(ticket.order_id))
    await asyncio.wait_for(listening, 3)  # woken by the change, well before the 5 s re-read
    assert updates == ["PENDING_PAYMENT", "CLOSED"]
    await stream.aclose()


async def test_someone_elses_order_is_forbidden(commerce: Commerce) -> None:
    sale = await new_sale(commerce.runtime, 1)
    buyer = new_user()
    ticket = await commerce.runtime.seckill.enter(buyer, "10.3.3.3", sale.id, "r")
    await drain(commerce, sale.id)
    stream = await build_schema().subscribe(
        SUBSCRIBE,
        context_value=_context(commerce, new_user()),
        variable_values={"id": str(ticket.order_id)},
    )
    assert not isinstance(stream, ExecutionResult)
    refused = await asyncio.wait_for(anext(stream), 3)
    assert refused.data is None and refused.errors is not None
    assert refused.errors[0].extensions == {"code": "FORBIDDEN"}
    await stream.aclose()

"""Commerce through the router: buy a membership and see the tier; win a flash sale, pay,
have a merchant ship it, confirm receipt; follow the order live over WebSocket."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import select

from subgraphs.commerce.models import Payment
from subgraphs.commerce.payments import FakePaymentProvider
from subgraphs.commerce.runtime import CommerceRuntime
from tests.router.http.sockets import socket
from tests.subgraphs.commerce.conftest import new_sale
from tests.support.graph import Graph
from tests.support.live_graph import LiveGraph

PLANS = "{ membershipPlans { id tier name price currency days } }"
BUY = """mutation($plan: ID!, $r: String!) {
  buyMembership(planId: $plan, requestId: $r) { id status amount currency } }"""
PAY = """mutation($order: ID!, $key: String!) {
  payOrder(orderId: $order, idempotencyKey: $key) { status amount checkoutUrl } }"""
ME = "{ me { nickname membership { tier expiresAt } } }"
MY_ORDERS = "{ me { orders(first: 5) { totalCount edges { node { id kind status } } } } }"
SECKILL = """mutation($sale: ID!, $r: String!) {
  seckill(flashSaleId: $sale, requestId: $r) { orderId } }"""
ORDER = """query($id: ID!) { order(id: $id) {
  status amount trackingNumber buyer { nickname } flashSale { price product { title } } } }"""
SHIP = """mutation($id: ID!) { shipOrder(orderId: $id, trackingNumber: "SF1024") {
  status trackingNumber } }"""
CONFIRM = "mutation($id: ID!) { confirmReceipt(orderId: $id) { status } }"


def _commerce(graph: Graph) -> CommerceRuntime:
    runtime = graph.domains.runtimes["commerce"]
    assert isinstance(runtime, CommerceRuntime)
    return runtime


async def _provider_pays(graph: Graph, order_id: str) -> None:
    """The provider confirms the order's payment with a signed webhook to commerce."""
    runtime = _commerce(graph)
    async with runtime.database.transaction() as session:
        payment = await session.scalar(
            select(Payment.provider_payment_id).where(Payment.order_id == int(order_id))
        )
    provider = runtime.checkout.provider
    assert isinstance(provider, FakePaymentProvider) and payment is not None
    body, headers = provider.webhook(payment)
    app = graph.domains.apps["commerce"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://commerce.test"
    ) as client:
        answer = await client.post("/webhooks/payments", content=body, headers=headers)
    assert answer.json() == {"outcome": "PAID"}


async def _until(graph: Graph, token: str, order_id: str, status: str) -> dict[str, Any]:
    for _ in range(200):
        order = (await graph.data(ORDER, token, id=order_id))["order"]
        if order is not None and order["status"] == status:
            return dict(order)
        await asyncio.sleep(0.05)
    raise AssertionError(f"order {order_id} never became {status}")


async def test_a_member_buys_a_membership_pays_and_sees_the_tier(
    authenticated_graph: Graph,
) -> None:
    graph = authenticated_graph
    _, token = await graph.register("Grace")
    plans = (await graph.data(PLANS))["membershipPlans"]
    monthly = next(p for p in plans if p["days"] == 30)
    assert (monthly["tier"], monthly["price"], monthly["currency"]) == ("PLUS", 1500, "CNY")
    assert (await graph.data(ME, token))["me"]["membership"] is None
    order = (await graph.data(BUY, token, plan=monthly["id"], r="plus-1"))["buyMembership"]
    assert (order["status"], order["amount"]) == ("PENDING_PAYMENT", 1500)
    payment = (await graph.data(PAY, token, order=order["id"], key="pay-1"))["payOrder"]
    assert payment["status"] == "CREATED"
    await _provider_pays(graph, order["id"])
    me = (await graph.data(ME, token))["me"]
    assert me["nickname"] == "Grace" and me["membership"]["tier"] == "PLUS"
    orders = (await graph.data(MY_ORDERS, token))["me"]["orders"]
    assert orders["totalCount"] == 1
    assert orders["edges"][0]["node"] == {"id": order["id"], "kind": "MEMBERSHIP", "status": "PAID"}


async def test_a_buyer_wins_a_flash_sale_pays_a_merchant_ships_and_the_buyer_confirms(
    authenticated_graph: Graph,
) -> None:
    graph = authenticated_graph
    runtime = _commerce(graph)
    _, token = await graph.register("Lin")
    sale = await new_sale(runtime, 10, price=19900)
    order_id = (await graph.data(SECKILL, token, sale=str(sale.id), r="go"))["seckill"]["orderId"]
    order = await _until(graph, token, order_id, "PENDING_PAYMENT")
    assert order["buyer"] == {"nickname": "Lin"}
    assert order["flashSale"]["price"] == 19900 == order["amount"]
    assert order["flashSale"]["product"]["title"] == "Noise-cancelling headphones"
    await graph.data(PAY, token, order=order_id, key="pay")
    await _provider_pays(graph, order_id)
    await _until(graph, token, order_id, "PAID")

    refused = await graph.execute(SHIP, token, id=order_id)  # the buyer is no merchant
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    merchant = runtime.tokens.issue("1", scopes=["orders:ship"])
    shipped = (await graph.data(SHIP, merchant, id=order_id))["shipOrder"]
    assert shipped == {"status": "SHIPPED", "trackingNumber": "SF1024"}

    confirmed = (await graph.data(CONFIRM, token, id=order_id))["confirmReceipt"]
    assert confirmed == {"status": "COMPLETED"}
    again = (await graph.data(CONFIRM, token, id=order_id))["confirmReceipt"]
    assert again == {"status": "COMPLETED"}


PUBLISH = """mutation($title: String!) { publishArticle(input: {
  title: $title, content: "Members read this part.", memberOnly: true }) { id memberOnly } }"""
ARTICLE = "query($id: ID!) { article(id: $id) { title memberOnly content } }"


async def test_a_member_only_article_shows_its_content_to_members_and_its_author_only(
    authenticated_graph: Graph,
) -> None:
    graph = authenticated_graph
    _, author = await graph.register("Ada")
    _, reader = await graph.register("Ben")
    _, member = await graph.register("Cai")
    article = (await graph.data(PUBLISH, author, title="For members"))["publishArticle"]
    assert article["memberOnly"] is True
    for token in (None, reader):
        body = await graph.execute(ARTICLE, token, id=article["id"])
        assert body["data"] == {
            "article": {"title": "For members", "memberOnly": True, "content": None}
        }
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["errors"][0]["path"] == ["article", "content"]
    assert (await graph.data(ARTICLE, author, id=article["id"]))["article"]["content"] == (
        "Members read this part."
    )
    plans = (await graph.data(PLANS))["membershipPlans"]
    order = (await graph.data(BUY, member, plan=plans[0]["id"], r="m"))["buyMembership"]
    await graph.data(PAY, member, order=order["id"], key="m")
    await _provider_pays(graph, order["id"])
    seen = (await graph.data(ARTICLE, member, id=article["id"]))["article"]
    assert seen == {
        "title": "For members",
        "memberOnly": True,
        "content": "Members read this part.",
    }


FOLLOW = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
  id status trackingNumber } }"""


def _follow(id: str, order_id: str) -> dict[str, Any]:
    return {
        "id": id,
        "type": "subscribe",
        "payload": {"query": FOLLOW, "variables": {"id": order_id}},
    }


async def test_the_buyer_follows_an_order_live_through_the_router_and_nobody_else_can(
    authenticated_live_graph: LiveGraph,
) -> None:
    graph = authenticated_live_graph
    runtime = _commerce(graph)
    _, buyer = await graph.register("Mei")
    _, stranger = await graph.register("Tao")
    sale = await new_sale(runtime, 3)
    order_id = (await graph.data(SECKILL, buyer, sale=str(sale.id), r="go"))["seckill"]["orderId"]
    async with socket(graph.url) as ws:
        await ws.init({"authorization": f"Bearer {buyer}"})
        await ws.send(_follow("mine", order_id))

        async def next_status() -> tuple[str, str | None]:
            message = await ws.receive()
            assert message["type"] == "next" and message["id"] == "mine", message
            seen = message["payload"]["data"]["orderStatusChanged"]
            assert seen["id"] == order_id
            return seen["status"], seen["trackingNumber"]

        # The consumer writes the order; the subscription sends it once written.
        assert await next_status() == ("PENDING_PAYMENT", None)
        await graph.data(PAY, buyer, order=order_id, key="pay")
        await _provider_pays(graph, order_id)
        assert await next_status() == ("PAID", None)
        merchant = runtime.tokens.issue("1", scopes=["orders:ship"])
        await graph.data(SHIP, merchant, id=order_id)
        assert await next_status() == ("SHIPPED", "SF1024")
        # Confirming delivers and completes in one transaction: the next status seen is final.
        await graph.data(CONFIRM, buyer, id=order_id)
        assert await next_status() == ("COMPLETED", "SF1024")
        assert await ws.receive() == {"id": "mine", "type": "complete"}

    async with socket(graph.url) as ws:
        await ws.init({"authorization": f"Bearer {stranger}"})
        await ws.send(_follow("theirs", order_id))
        refused = await ws.receive()
        assert refused["type"] == "error" and refused["id"] == "theirs"
        assert [e["extensions"]["code"] for e in refused["payload"]] == ["FORBIDDEN"]

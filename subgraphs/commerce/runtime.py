"""What the commerce domain runs on, built once from its settings, and its workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from shared.db import Database
from shared.domain import Runtime
from shared.events import OutboxRelay, event_stream
from shared.lifecycle import Worker
from shared.redis import create_redis
from shared.tokens import AccessTokens
from subgraphs.commerce.checkout import Checkout
from subgraphs.commerce.deadlines import DeadlineWorker
from subgraphs.commerce.due import DueQueue
from subgraphs.commerce.ids import OrderIds
from subgraphs.commerce.order_consumer import OrderRequests
from subgraphs.commerce.order_feed import OrderFeed
from subgraphs.commerce.payments import FakePaymentProvider, PaymentProvider
from subgraphs.commerce.reconcile import Reconciler
from subgraphs.commerce.refunds import RefundPolicy, Refunds, RefundWorker
from subgraphs.commerce.sale_store import SaleStore
from subgraphs.commerce.seckill import Limits, Seckill
from subgraphs.commerce.service import CommerceService, Deadlines
from subgraphs.commerce.settings import CommerceSettings

NAME = "commerce"


@dataclass(frozen=True, slots=True, kw_only=True)
class CommerceRuntime(Runtime[CommerceSettings]):
    service: CommerceService
    seckill: Seckill
    checkout: Checkout
    order_feed: OrderFeed

    async def aclose(self) -> None:
        await self.order_feed.aclose()
        await super(CommerceRuntime, self).aclose()


def build_runtime(
    settings: CommerceSettings, *, provider: PaymentProvider | None = None
) -> CommerceRuntime:
    """The runtime; ``provider`` defaults to the fake provider signing with the webhook secret."""
    database = Database.from_url(
        settings.commerce_database_url, timeouts=settings.database_timeouts()
    )
    redis = create_redis(settings.redis_url, timeout=settings.redis_timeout)
    store = SaleStore(redis, settings.redis_prefix)
    order_ids = OrderIds()
    service = CommerceService(
        redis=redis,
        prefix=settings.redis_prefix,
        store=store,
        due=DueQueue(redis, f"{settings.redis_prefix}commerce:due"),
        order_ids=order_ids,
        deadlines=Deadlines(
            payment=timedelta(seconds=settings.order_payment_timeout),
            auto_complete=timedelta(seconds=settings.order_auto_complete_after),
        ),
    )
    limits = Limits(
        settings.seckill_per_user, settings.seckill_per_network, settings.seckill_limit_window
    )
    payments = provider or FakePaymentProvider(settings.payment_webhook_secret or "")
    refunds = Refunds(
        database,
        payments,
        DueQueue(redis, f"{settings.redis_prefix}commerce:refunds"),
        RefundPolicy(settings.refund_attempts, settings.refund_retry_after),
    )
    return CommerceRuntime(
        settings=settings,
        database=database,
        redis=redis,
        tokens=AccessTokens.from_settings(settings),
        service=service,
        seckill=Seckill(store, database, limits, order_ids),
        checkout=Checkout(database, service, payments, refunds),
        order_feed=OrderFeed(redis, settings.redis_prefix),
    )


def workers(runtime: CommerceRuntime) -> list[Worker]:
    """The outbox relay, the order consumer, the deadline worker, reconciliation, refunds."""
    stream = event_stream(runtime.settings.redis_prefix, NAME)
    service = runtime.service
    return [
        OutboxRelay(runtime.database, runtime.redis, stream=stream),
        OrderRequests(
            runtime.database, service.store, service, claim_idle=runtime.settings.order_claim_idle
        ),
        DeadlineWorker(runtime.database, service),
        Reconciler(service.store, runtime.database),
        RefundWorker(runtime.checkout.refunds),
    ]

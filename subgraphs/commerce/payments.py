"""Payment providers and their signed webhooks.

A provider creates a payment for an order (idempotent on our key), refunds
one, and later tells us the outcome by POSTing a webhook signed with a shared
secret::

    Beyond-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
    {"id": "<event id>", "type": "payment.succeeded",
     "paymentId": "<provider payment id>", "amount": 1500, "currency": "CNY"}

:func:`verify_webhook` accepts a body only with a valid signature made within
``TOLERANCE`` seconds (a captured webhook cannot be replayed later; within
the window the event id makes a replay harmless). A call the provider does not
carry out raises :class:`ProviderRefused`. :class:`FakePaymentProvider`
is the provider for development and tests: it keeps its payments in memory and
produces webhooks exactly as a real provider would send them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Protocol

SIGNATURE_HEADER = "beyond-signature"
TOLERANCE = 300
PAYMENT_SUCCEEDED = "payment.succeeded"


class BadSignature(ValueError):
    """A webhook whose signature is missing, malformed, wrong or too old."""


class ProviderRefused(Exception):
    """The provider did not do what it was asked (an adapter raises it for any failed call)."""


@dataclass(frozen=True, slots=True)
class ProviderPayment:
    id: str
    checkout_url: str


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    id: str
    type: str
    payment_id: str
    amount: int
    currency: str


class PaymentProvider(Protocol):
    async def create_payment(
        self, *, reference: str, amount: int, currency: str, idempotency_key: str
    ) -> ProviderPayment: ...

    async def refund(self, payment_id: str, *, amount: int, currency: str) -> None: ...


def sign(secret: str, body: bytes, *, at: int | None = None) -> str:
    stamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def verify_webhook(secret: str, body: bytes, header: str | None) -> WebhookEvent:
    """The event in ``body`` if ``header`` signs it; :class:`BadSignature` otherwise."""
    parts = dict(part.split("=", 1) for part in (header or "").split(",") if "=" in part)
    stamp, given = parts.get("t", ""), parts.get("v1", "")
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > TOLERANCE:
        raise BadSignature("missing or stale timestamp")
    if not hmac.compare_digest(sign(secret, body, at=int(stamp)), f"t={stamp},v1={given}"):
        raise BadSignature("signature does not match")
    try:
        data = json.loads(body)
        return WebhookEvent(
            id=str(data["id"])[:64],
            type=str(data["type"]),
            payment_id=str(data["paymentId"])[:64],
            amount=int(data["amount"]),
            currency=str(data["currency"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise BadSignature(f"signed body is not an event: {exc}") from None


@dataclass
class FakePaymentProvider:
    """A provider that approves everything but the next ``refusals`` refunds (an outage, or a
    provider that rejects them); ``webhook`` is what it would POST."""

    secret: str
    payments: dict[str, tuple[int, str]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    refunds: list[tuple[str, int, str]] = field(default_factory=list)
    refusals: int = 0
    refused: list[str] = field(default_factory=list)

    async def create_payment(
        self, *, reference: str, amount: int, currency: str, idempotency_key: str
    ) -> ProviderPayment:
        key = f"{reference}:{idempotency_key}"
        payment_id = self.keys.setdefault(key, f"fake_{secrets.token_hex(8)}")
        self.payments[payment_id] = (amount, currency)
        return ProviderPayment(payment_id, f"https://pay.invalid/checkout/{payment_id}")

    async def refund(self, payment_id: str, *, amount: int, currency: str) -> None:
        if self.refusals > 0:
            self.refusals -= 1
            self.refused.append(payment_id)
            raise ProviderRefused(f"refund of {payment_id} declined: provider unavailable")
        self.refunds.append((payment_id, amount, currency))

    def webhook(
        self, payment_id: str, *, event_id: str | None = None, amount: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers announcing that ``payment_id`` succeeded."""
        paid, currency = self.payments[payment_id]
        body = json.dumps(
            {
                "id": event_id or f"evt_{secrets.token_hex(8)}",
                "type": PAYMENT_SUCCEEDED,
                "paymentId": payment_id,
                "amount": paid if amount is None else amount,
                "currency": currency,
            }
        ).encode()
        return body, {SIGNATURE_HEADER: sign(self.secret, body), "content-type": "application/json"}

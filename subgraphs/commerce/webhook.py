"""``POST /webhooks/payments``: the payment provider's signed notifications.

A request whose signature does not verify is refused with 401 and logged
(with the peer's address, never the body); a verified one is handled by
:meth:`Checkout.receive` and answered 200 (also for a duplicate, so the
provider stops redelivering), or 422 when its amount or currency is not what
the payment asked for.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from subgraphs.commerce.checkout import Checkout, Outcome
from subgraphs.commerce.payments import SIGNATURE_HEADER, BadSignature, verify_webhook

log = logging.getLogger(__name__)

MAX_BODY = 16_384


def webhook_routes(checkout: Checkout, secret: str | None) -> list[BaseRoute]:
    async def receive(request: Request) -> Response:
        peer = request.client.host if request.client else "unknown"
        body = await request.body()
        if secret is None or len(body) > MAX_BODY:
            log.warning(
                "payment webhook from %s refused: no secret configured or body too big", peer
            )
            return JSONResponse({"error": "refused"}, 401)
        try:
            event = verify_webhook(secret, body, request.headers.get(SIGNATURE_HEADER))
        except BadSignature as exc:
            log.warning("payment webhook from %s refused: %s", peer, exc)
            return JSONResponse({"error": "bad signature"}, 401)
        outcome = await checkout.receive(event)
        status = 422 if outcome is Outcome.MISMATCH else 200
        return JSONResponse({"outcome": outcome.value}, status)

    return [Route("/webhooks/payments", receive, methods=["POST"])]

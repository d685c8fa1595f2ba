"""``python -m subgraphs.commerce.refunds_now [--retry PAYMENT_ID …]``: refunds an operator follows.

Reads the commerce settings from the environment (as ``beyond worker commerce``
does) and prints one line per payment (the first 1,000) that is being refunded (``REFUND_DUE``)
or whose refund was given up (``REFUND_FAILED``), with its attempts and the
provider's last answer. ``--retry`` queues given-up refunds again (after the
cause is fixed); the worker attempts them.
"""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy import select

from shared.settings import load_settings
from subgraphs.commerce.models import Payment
from subgraphs.commerce.refunds import REFUND_DUE, REFUND_FAILED
from subgraphs.commerce.runtime import build_runtime
from subgraphs.commerce.settings import CommerceSettings

LIMIT = 1000


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m subgraphs.commerce.refunds_now")
    parser.add_argument("--retry", type=int, nargs="*", default=[], metavar="PAYMENT_ID")
    args = parser.parse_args(argv)
    runtime = build_runtime(load_settings(CommerceSettings))
    try:
        for payment_id in args.retry:
            queued = await runtime.checkout.refunds.retry(payment_id)
            print(f"payment {payment_id}: {'queued again' if queued else 'not REFUND_FAILED'}")
        async with runtime.database.transaction() as session:
            rows = await session.scalars(
                select(Payment)
                .where(Payment.status.in_((REFUND_DUE, REFUND_FAILED)))
                .order_by(Payment.id)
                .limit(LIMIT)
            )
            for row in rows:
                print(
                    f"payment {row.id} (order {row.order_id}, {row.provider_payment_id}): "
                    f"{row.status}, {row.amount} {row.currency}, {row.refund_attempts} attempts, "
                    f"last: {row.refund_error or '-'}"
                )
    finally:
        await runtime.aclose()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))

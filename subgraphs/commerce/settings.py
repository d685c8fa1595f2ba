"""Settings of the commerce domain (``BEYOND_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import SECRET, CommonSettings


class CommerceSettings(CommonSettings):
    commerce_database_url: str = Field(
        description="e.g. mysql+aiomysql://user:pw@host:3306/beyond_commerce"
    )
    order_payment_timeout: int = Field(
        default=900, ge=1, description="seconds an order waits for payment before it closes"
    )
    order_auto_complete_after: int = Field(
        default=864000,
        ge=1,
        description="seconds after shipping an order the buyer did not confirm completes by itself",
    )
    seckill_per_user: int = Field(
        default=5, ge=1, description="flash-sale attempts one member may make per limit window"
    )
    seckill_per_network: int = Field(
        default=300, ge=1, description="flash-sale attempts one network may make per limit window"
    )
    seckill_limit_window: int = Field(
        default=10, ge=1, description="seconds the flash-sale attempt limits count over"
    )
    order_claim_idle: float = Field(
        default=10.0,
        gt=0,
        description=(
            "seconds a flash-sale request may stay with an order consumer that stopped "
            "before another consumer takes it over"
        ),
    )
    payment_webhook_secret: str | None = Field(
        default=None,
        json_schema_extra=SECRET,
        description=(
            "HMAC-SHA256 key the payment provider signs its webhooks with "
            "(unset: every webhook is refused)"
        ),
    )
    refund_attempts: int = Field(
        default=8,
        ge=1,
        description=(
            "times a refund is asked of the payment provider before it is given up as "
            "REFUND_FAILED for an operator"
        ),
    )
    refund_retry_after: float = Field(
        default=60.0,
        gt=0,
        description=(
            "seconds before a refund the provider did not accept is asked again; each further "
            "wait doubles, up to an hour"
        ),
    )
    payment_currency: str = Field(
        default="CNY", min_length=3, max_length=3, description="currency of every price"
    )

"""Settings of the accounts service (``BEYOND_*`` environment variables)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from shared.settings import SECRET, Base64Key, CommonSettings


class AccountsSettings(CommonSettings):
    accounts_database_url: str = Field(
        description="e.g. mysql+aiomysql://user:pw@host:3306/beyond_accounts"
    )
    data_key: Base64Key = Field(
        description="base64 of 32 random bytes; encrypts personal data", json_schema_extra=SECRET
    )
    sms_provider: Literal["console", "webhook"] = Field(
        default="console",
        description=(
            "`console` prints each code (`beyond dev` only: `serve` refuses it) or `webhook` "
            "(POST `{mobile, code}` JSON to BEYOND_SMS_WEBHOOK_URL, a gateway to the SMS vendor)"
        ),
    )
    sms_webhook_url: str | None = Field(
        default=None,
        validate_default=True,
        json_schema_extra=SECRET,
        description="http(s) URL the `webhook` SMS provider posts each code to",
    )
    access_token_ttl: int = Field(
        default=900, ge=60, le=86_400, description="seconds an access token is valid"
    )
    refresh_token_ttl: int = Field(
        default=30 * 86_400, ge=3_600, description="seconds a refresh token is valid"
    )
    code_ttl: int = Field(default=300, description="seconds a verification code is valid")
    code_resend_cooldown: int = Field(
        default=60, description="seconds before a number may get another code"
    )
    codes_per_mobile_per_day: int = Field(default=10, description="codes one number may get a day")
    codes_per_ip_per_hour: int = Field(
        default=30, description="codes one network may ask for an hour"
    )
    code_attempts: int = Field(default=5, description="wrong tries that burn a code")
    login_failures_per_mobile: int = Field(
        default=5, description="failed sign-ins per number in the window before throttling"
    )
    login_failures_per_ip: int = Field(
        default=30, description="failed sign-ins per network in the window before throttling"
    )
    login_failure_window: int = Field(
        default=900, description="seconds failed sign-ins are counted over"
    )
    password_time_cost: int = Field(default=3, ge=1, description="Argon2id time cost")
    password_memory_kib: int = Field(default=65_536, ge=8, description="Argon2id memory in KiB")
    password_workers: int = Field(
        default=2, ge=1, description="Argon2 hashes and checks running at once (threads)"
    )
    password_queue: int = Field(
        default=8, ge=0, description="more waiting for a worker; past that, RATE_LIMITED"
    )
    known_device_ttl: int = Field(
        default=30 * 86_400, ge=60, description="how long a device stays known after a sign-in"
    )
    refresh_reuse_grace: int = Field(
        default=5,
        ge=0,
        le=60,
        description="seconds a just-rotated refresh token still answers the session it became",
    )

    @field_validator("sms_webhook_url")
    @classmethod
    def _url_for_webhook(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("sms_provider") == "webhook" and not value:
            raise ValueError("not set: the webhook SMS provider needs a URL to post codes to")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if self.sms_provider == "console":
            problems.append(
                "BEYOND_SMS_PROVIDER is console, which prints one-time codes on stdout: "
                "use webhook (and BEYOND_SMS_WEBHOOK_URL) outside `beyond dev`"
            )
        return problems

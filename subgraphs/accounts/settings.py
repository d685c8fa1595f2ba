"""Settings of the accounts service (``BEYOND_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import Base64Key, CommonSettings


class AccountsSettings(CommonSettings):
    accounts_database_url: str = Field(
        description="e.g. mysql+aiomysql://user:pw@host:3306/beyond_accounts"
    )
    data_key: Base64Key = Field(description="base64 of 32 random bytes; encrypts personal data")
    access_token_ttl: int = Field(default=900, ge=60, le=86_400)
    refresh_token_ttl: int = Field(default=30 * 86_400, ge=3_600)
    code_ttl: int = 300
    code_resend_cooldown: int = 60
    codes_per_mobile_per_day: int = 10
    codes_per_ip_per_hour: int = 30
    code_attempts: int = 5
    login_failures_per_mobile: int = 5
    login_failures_per_ip: int = 30
    login_failure_window: int = 900
    password_time_cost: int = Field(default=3, ge=1)
    password_memory_kib: int = Field(default=65_536, ge=8)

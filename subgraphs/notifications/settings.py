"""Settings of the notifications domain (``BEYOND_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import CommonSettings


class NotificationsSettings(CommonSettings):
    notifications_database_url: str = Field(
        description="e.g. mysql+aiomysql://user:pw@host:3306/beyond_notifications"
    )
    notifications_live_queue: int = Field(
        default=100,
        ge=1,
        description="notifications a subscriber may leave unread before its subscription ends",
    )

"""Settings of the engagement domain (``BEYOND_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import CommonSettings


class EngagementSettings(CommonSettings):
    engagement_database_url: str = Field(
        description="e.g. mysql+aiomysql://user:pw@host:3306/beyond_engagement"
    )

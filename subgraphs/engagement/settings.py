"""Settings of the engagement domain (``BEYOND_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import CommonSettings


class EngagementSettings(CommonSettings):
    engagement_database_url: str = Field(
        description="e.g. mysql+aiomysql://user:pw@host:3306/beyond_engagement"
    )
    like_flush_events: int = Field(
        default=500, ge=1, le=10_000, description="write like counts after this many like events"
    )
    like_flush_interval_ms: int = Field(
        default=200, ge=10, le=60_000, description="write buffered like counts at least this often"
    )
    like_claim_idle: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="seconds before another count consumer takes over a dead one's like events",
    )
    comment_rate_limit: int = Field(
        default=10, ge=1, description="comments one member may post per comment_rate_seconds"
    )
    comment_rate_seconds: int = Field(
        default=60, ge=1, le=86_400, description="the window of comment_rate_limit"
    )
    trending_size: int = Field(
        default=1000, ge=10, le=100_000, description="entries kept in each hot list"
    )

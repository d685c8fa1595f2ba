"""Settings of the articles service (``BEYOND_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import CommonSettings


class ArticlesSettings(CommonSettings):
    articles_database_url: str = Field(
        description="e.g. mysql+aiomysql://user:pw@host:3306/beyond_articles"
    )
    accounts_grpc_target: str = Field(
        default="127.0.0.1:5001", description="host:port of the accounts gRPC server"
    )
    accounts_grpc_deadline: float = Field(
        default=2.0, gt=0, le=30, description="seconds an accounts call may take before failing"
    )
    social_grpc_target: str = Field(
        default="127.0.0.1:5002", description="host:port of the social gRPC server"
    )
    social_grpc_deadline: float = Field(
        default=2.0, gt=0, le=30, description="seconds a social call may take before failing"
    )
    commerce_grpc_target: str = Field(
        default="127.0.0.1:5008", description="host:port of the commerce gRPC server"
    )
    commerce_grpc_deadline: float = Field(
        default=1.0, gt=0, le=30, description="seconds a commerce call may take before failing"
    )
    membership_cache_ttl: float = Field(
        default=30.0,
        ge=0,
        le=3600,
        description="seconds a member-only article remembers whether its reader is a member",
    )
    social_stream_deadline: float = Field(
        default=60.0,
        gt=0,
        le=600,
        description="seconds a follower or followee stream from social may take in all",
    )
    view_flush_views: int = Field(
        default=1000, ge=1, description="flush buffered view counts after this many views"
    )
    view_flush_interval_ms: int = Field(
        default=2000, ge=10, description="flush buffered view counts at least this often"
    )
    feed_timeline_size: int = Field(
        default=800, ge=10, le=10_000, description="articles kept in each reader's timeline"
    )
    feed_pull_threshold: int = Field(
        default=10_000,
        ge=1,
        description="authors with more followers than this are pulled at read time, not pushed",
    )
    feed_timeline_ttl: int = Field(
        default=7 * 24 * 3600, ge=60, description="seconds an unread timeline stays in Redis"
    )

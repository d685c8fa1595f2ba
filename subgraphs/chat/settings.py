"""Settings of the chat domain (``BEYOND_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import CommonSettings


class ChatSettings(CommonSettings):
    chat_database_url: str = Field(
        description="e.g. mysql+aiomysql://user:pw@host:3306/beyond_chat"
    )
    chat_group_member_limit: int = Field(
        default=200, ge=2, description="Most members a group room may have."
    )
    chat_room_member_limit: int = Field(
        default=10_000, ge=2, description="Most members a public room may have."
    )
    chat_send_limit: int = Field(
        default=30, ge=1, description="Messages one member may send per 10 seconds."
    )
    chat_subscriber_queue: int = Field(
        default=256,
        ge=1,
        description="Events a subscription may fall behind by before it is ended as too slow.",
    )
    chat_stream_reads: int = Field(
        default=8,
        ge=1,
        description="Database reads serving subscriptions (first read, catching up) at once; "
        "more wait their turn.",
    )

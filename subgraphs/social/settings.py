"""Settings of the social service (``BEYOND_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import CommonSettings


class SocialSettings(CommonSettings):
    social_database_url: str = Field(
        description="e.g. mysql+aiomysql://user:pw@host:3306/beyond_social"
    )
    accounts_grpc_target: str = Field(
        default="127.0.0.1:5001", description="host:port of the accounts gRPC server"
    )
    accounts_grpc_deadline: float = Field(
        default=2.0, gt=0, le=30, description="seconds an accounts call may take before failing"
    )

"""What the accounts domain runs on, built once from its settings."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from shared.cache import EntityCache
from shared.crypto import FieldCipher
from shared.db import Database
from shared.domain import Runtime
from shared.ratelimit import RateLimiter
from shared.redis import Keys, create_redis
from shared.tokens import AccessTokens
from subgraphs.accounts.codes import VerificationCodes
from subgraphs.accounts.devices import KnownDevices
from subgraphs.accounts.passwords import Passwords
from subgraphs.accounts.rotations import RecentRotations
from subgraphs.accounts.service import AccountsService, UserView
from subgraphs.accounts.settings import AccountsSettings
from subgraphs.accounts.sms import SmsSender, sms_sender

NAME = "accounts"


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountsRuntime(Runtime[AccountsSettings]):
    service: AccountsService


def build_runtime(
    settings: AccountsSettings, *, sms: SmsSender | None = None, redis: Redis | None = None
) -> AccountsRuntime:
    database = Database.from_url(
        settings.accounts_database_url, timeouts=settings.database_timeouts()
    )
    redis = redis or create_redis(settings.redis_url, timeout=settings.redis_timeout)
    keys = Keys(settings.redis_prefix, NAME)
    tokens = AccessTokens.from_settings(settings, ttl=settings.access_token_ttl)
    cipher = FieldCipher.from_base64(settings.data_key)
    service = AccountsService(
        settings=settings,
        keys=keys,
        cipher=cipher,
        passwords=Passwords.from_settings(settings),
        codes=VerificationCodes(
            redis, keys, ttl=settings.code_ttl, attempts=settings.code_attempts
        ),
        limiter=RateLimiter(redis, service=NAME),
        devices=KnownDevices(redis, keys, ttl=settings.known_device_ttl),
        rotations=RecentRotations(redis, keys, cipher, grace=settings.refresh_reuse_grace),
        sms=sms or sms_sender(settings),
        tokens=tokens,
        user_cache=EntityCache(redis, keys.key("user"), UserView),
    )
    return AccountsRuntime(
        settings=settings, database=database, redis=redis, tokens=tokens, service=service
    )

"""The business rules of accounts. Functions take the session and never commit.

Anti-enumeration: every answer about credentials is the same whether or not
the mobile number has an account. Asking for a LOGIN or RESET_PASSWORD code
for an unknown number answers exactly like a known one (limits included) but
sends nothing; a wrong mobile and a wrong password give one error; an unknown
mobile still costs one Argon2 verification.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.cache import EntityCache
from shared.crypto import FieldCipher
from shared.db import after_commit, utcnow
from shared.errors import BadUserInput, Conflict, NotFound, Unauthenticated
from shared.ids import UserId
from shared.ratelimit import RateLimiter
from shared.redis import Keys
from shared.tokens import AccessTokens
from subgraphs.accounts import rules
from subgraphs.accounts.codes import Purpose, VerificationCodes
from subgraphs.accounts.models import RefreshToken, User
from subgraphs.accounts.passwords import Passwords
from subgraphs.accounts.settings import AccountsSettings
from subgraphs.accounts.sms import SmsSender

MOBILE_COLUMN = "users.mobile"
_WRONG_CODE = "The verification code is wrong or has expired: request a new one."
_WRONG_CREDENTIALS = "The mobile number or password is incorrect."
_BAD_REFRESH = "The refresh token is invalid or has expired: log in again."


@dataclass(frozen=True, slots=True)
class UserView:
    """A user as the graph shows it; ``mobile_cipher`` is decrypted only for its owner."""

    id: UserId
    nickname: str
    avatar: str | None
    bio: str
    created_at: datetime
    mobile_cipher: bytes

    @classmethod
    def from_row(cls, row: User) -> UserView:
        return cls(
            UserId(row.id), row.nickname, row.avatar, row.bio, row.created_at, row.mobile_cipher
        )


@dataclass(frozen=True, slots=True)
class CodeTicket:
    expires_in: int
    resend_after: int


@dataclass(frozen=True, slots=True)
class Session:
    """What a successful sign-in hands out."""

    user: UserView
    access_token: str
    refresh_token: str
    expires_in: int


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountsService:
    def __init__(
        self,
        *,
        settings: AccountsSettings,
        keys: Keys,
        cipher: FieldCipher,
        passwords: Passwords,
        codes: VerificationCodes,
        limiter: RateLimiter,
        sms: SmsSender,
        tokens: AccessTokens,
        user_cache: EntityCache[UserId, UserView],
    ) -> None:
        self._settings = settings
        self._keys = keys
        self._cipher = cipher
        self._passwords = passwords
        self._codes = codes
        self._limiter = limiter
        self._sms = sms
        self._tokens = tokens
        self._user_cache = user_cache

    # -- reading -----------------------------------------------------------

    def masked_mobile(self, user: UserView, *, viewer: UserId | None) -> str | None:
        """The user's mobile number, masked, for the user themself; ``None`` for anyone else."""
        if viewer != user.id:
            return None
        return rules.mask_mobile(self._cipher.decrypt(user.mobile_cipher, column=MOBILE_COLUMN))

    async def users_by_id(
        self, ids: Iterable[UserId], *, session: AsyncSession
    ) -> dict[UserId, UserView | None]:
        """Users by id through the cache; all misses are read in one query (in ``session``,
        which runs no statement when the cache has them all)."""

        async def read(missing: list[UserId]) -> dict[UserId, UserView]:
            rows = await session.scalars(select(User).where(User.id.in_(missing)))
            return {UserId(row.id): UserView.from_row(row) for row in rows}

        return await self._user_cache.get_many(ids, read)

    async def _user_by_mobile(self, mobile: str, *, session: AsyncSession) -> User | None:
        index = self._cipher.blind_index(mobile, column=MOBILE_COLUMN)
        result: User | None = await session.scalar(select(User).where(User.mobile_index == index))
        return result

    # -- verification codes ------------------------------------------------

    async def request_code(
        self, raw_mobile: str, purpose: Purpose, *, client_ip: str, session: AsyncSession
    ) -> CodeTicket:
        mobile = rules.normalize_mobile(raw_mobile)
        index = self._cipher.blind_index(mobile, column=MOBILE_COLUMN)
        s = self._settings
        await self._limiter.hit(
            self._keys.key("limit", "code-ip", client_ip),
            limit=s.codes_per_ip_per_hour,
            window=3600,
            message="Too many verification codes requested from this network: try again later.",
        )
        await self._limiter.check(
            self._keys.key("limit", "code-day", index),
            limit=s.codes_per_mobile_per_day,
            message="This mobile number has had as many codes as it may today: try again tomorrow.",
        )
        await self._limiter.cooldown(
            self._keys.key("limit", "code-cooldown", index),
            seconds=s.code_resend_cooldown,
            message="A code was sent to this number a moment ago: wait before asking again.",
        )
        await self._limiter.record(self._keys.key("limit", "code-day", index), window=86_400)
        if purpose is Purpose.REGISTER or await self._user_by_mobile(mobile, session=session):
            code = await self._codes.issue(purpose, index)
            await self._sms.send_code(mobile, code)
        return CodeTicket(expires_in=s.code_ttl, resend_after=s.code_resend_cooldown)

    async def _consume_code(self, purpose: Purpose, mobile: str, code: str) -> None:
        code = rules.check_code(code)
        index = self._cipher.blind_index(mobile, column=MOBILE_COLUMN)
        if not await self._codes.consume(purpose, index, code):
            raise BadUserInput(_WRONG_CODE, field="code")

    # -- sign-up and sign-in -------------------------------------------------

    async def register(
        self, raw_mobile: str, code: str, password: str, nickname: str, *, session: AsyncSession
    ) -> Session:
        mobile = rules.normalize_mobile(raw_mobile)
        nickname = rules.check_nickname(nickname)
        rules.check_password(password, mobile=mobile)
        rules.check_code(code)
        if await self._user_by_mobile(mobile, session=session):
            # Whoever holds the code owns the number, so saying so enumerates nothing;
            # the check comes first so a taken number does not burn the code.
            await self._consume_code(Purpose.REGISTER, mobile, code)
            raise Conflict(
                "This mobile number already has an account: log in instead.", field="mobile"
            )
        await self._consume_code(Purpose.REGISTER, mobile, code)
        user = await self.create_user(mobile, password, nickname, session=session)
        return await self._open_session(user, session=session)

    async def create_user(
        self, mobile: str, password: str, nickname: str, *, session: AsyncSession
    ) -> User:
        """Insert a user whose mobile is already verified (by a code, or by seeding)."""
        user = User(
            nickname=rules.check_nickname(nickname),
            bio="",
            mobile_cipher=self._cipher.encrypt(mobile, column=MOBILE_COLUMN),
            mobile_index=self._cipher.blind_index(mobile, column=MOBILE_COLUMN),
            password_hash=self._passwords.hash(rules.check_password(password, mobile=mobile)),
        )
        session.add(user)
        try:
            await session.flush()
        except IntegrityError:
            raise Conflict(
                "This mobile number already has an account: log in instead.", field="mobile"
            ) from None
        return user

    async def has_account(self, raw_mobile: str, *, session: AsyncSession) -> bool:
        mobile = rules.normalize_mobile(raw_mobile)
        return await self._user_by_mobile(mobile, session=session) is not None

    async def login(
        self, raw_mobile: str, password: str, *, client_ip: str, session: AsyncSession
    ) -> Session:
        mobile = rules.normalize_mobile(raw_mobile)
        index = self._cipher.blind_index(mobile, column=MOBILE_COLUMN)
        mobile_key = self._keys.key("limit", "login-mobile", index)
        ip_key = self._keys.key("limit", "login-ip", client_ip)
        s = self._settings
        throttled = "Too many failed sign-ins: wait before trying again."
        await self._limiter.check(mobile_key, limit=s.login_failures_per_mobile, message=throttled)
        await self._limiter.check(ip_key, limit=s.login_failures_per_ip, message=throttled)
        user = await self._user_by_mobile(mobile, session=session)
        if not self._passwords.verify(user.password_hash if user else None, password):
            await self._limiter.record(mobile_key, window=s.login_failure_window)
            await self._limiter.record(ip_key, window=s.login_failure_window)
            raise Unauthenticated(_WRONG_CREDENTIALS)
        assert user is not None
        await self._limiter.reset(mobile_key)
        if self._passwords.needs_rehash(user.password_hash):
            user.password_hash = self._passwords.hash(password)
        return await self._open_session(user, session=session)

    async def login_with_code(
        self, raw_mobile: str, code: str, *, session: AsyncSession
    ) -> Session:
        mobile = rules.normalize_mobile(raw_mobile)
        await self._consume_code(Purpose.LOGIN, mobile, code)
        user = await self._user_by_mobile(mobile, session=session)
        if user is None:  # unreachable in practice: no LOGIN code is sent to unknown numbers
            raise BadUserInput(_WRONG_CODE, field="code")
        return await self._open_session(user, session=session)

    async def reset_password(
        self, raw_mobile: str, code: str, new_password: str, *, session: AsyncSession
    ) -> Session:
        mobile = rules.normalize_mobile(raw_mobile)
        rules.check_password(new_password, mobile=mobile, field="newPassword")
        await self._consume_code(Purpose.RESET_PASSWORD, mobile, code)
        user = await self._user_by_mobile(mobile, session=session)
        if user is None:
            raise BadUserInput(_WRONG_CODE, field="code")
        user.password_hash = self._passwords.hash(new_password)
        await self._revoke(RefreshToken.user_id == user.id, session=session)
        await self._limiter.reset(
            self._keys.key(
                "limit", "login-mobile", self._cipher.blind_index(mobile, column=MOBILE_COLUMN)
            )
        )
        return await self._open_session(user, session=session)

    # -- tokens --------------------------------------------------------------

    async def _open_session(
        self, user: User, *, session: AsyncSession, family_id: str | None = None
    ) -> Session:
        refresh = secrets.token_urlsafe(32)
        session.add(
            RefreshToken(
                user_id=user.id,
                family_id=family_id or uuid.uuid4().hex,
                token_hash=_token_hash(refresh),
                expires_at=utcnow() + timedelta(seconds=self._settings.refresh_token_ttl),
            )
        )
        await session.flush()
        return Session(
            user=UserView.from_row(user),
            access_token=self._tokens.issue(str(user.id)),
            refresh_token=refresh,
            expires_in=self._tokens.ttl,
        )

    async def _token(self, refresh_token: str, *, session: AsyncSession) -> RefreshToken | None:
        result: RefreshToken | None = await session.scalar(
            select(RefreshToken)
            .where(RefreshToken.token_hash == _token_hash(refresh_token))
            .with_for_update()
        )
        return result

    async def _revoke(self, condition: Any, *, session: AsyncSession) -> None:
        await session.execute(
            update(RefreshToken)
            .where(condition, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )

    async def refresh(self, refresh_token: str, *, session: AsyncSession) -> Session | None:
        """Rotate ``refresh_token``. ``None`` means it was already rotated: a copy is in
        someone else's hands, so its whole family is now revoked and the caller must
        commit that before refusing."""
        token = await self._token(refresh_token, session=session)
        if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
            raise Unauthenticated(_BAD_REFRESH)
        if token.rotated_at is not None:
            await self._revoke(RefreshToken.family_id == token.family_id, session=session)
            return None
        token.rotated_at = utcnow()
        user = await session.get(User, token.user_id)
        if user is None:
            raise Unauthenticated(_BAD_REFRESH)
        return await self._open_session(user, session=session, family_id=token.family_id)

    async def logout(self, refresh_token: str, *, all_devices: bool, session: AsyncSession) -> None:
        token = await self._token(refresh_token, session=session)
        if token is None:
            return  # already gone: logging out twice is not an error
        if all_devices:
            await self._revoke(RefreshToken.user_id == token.user_id, session=session)
        else:
            await self._revoke(RefreshToken.family_id == token.family_id, session=session)

    # -- profile -------------------------------------------------------------

    async def update_profile(
        self, user_id: UserId, changes: dict[str, str | None], *, session: AsyncSession
    ) -> UserView:
        user = await session.get(User, user_id, with_for_update=True)
        if user is None:
            raise NotFound("This account no longer exists.")
        if "nickname" in changes:
            if changes["nickname"] is None:
                raise BadUserInput("The nickname cannot be removed.", field="nickname")
            user.nickname = rules.check_nickname(changes["nickname"])
        if "bio" in changes:
            user.bio = rules.check_bio(changes["bio"] or "")
        if "avatar" in changes:
            avatar = changes["avatar"]
            user.avatar = rules.check_avatar(avatar) if avatar else None
        await session.flush()
        after_commit(session, lambda: self._user_cache.invalidate(user_id))
        return UserView.from_row(user)

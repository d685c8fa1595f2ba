"""The business rules of accounts. Functions take the session and never commit.

Anti-enumeration: every answer about credentials is the same whether or not
the mobile number has an account. Asking for a LOGIN or RESET_PASSWORD code
for an unknown number answers exactly like a known one (limits included) but
sends nothing; a wrong mobile and a wrong password give one error; an unknown
mobile still costs one Argon2 verification.

Limits are reserved before the work they guard (see :mod:`shared.ratelimit`),
so parallel guesses count one by one: a password sign-in reserves a failure
in the account's window and the network's before Argon2 runs, and gives the
network's back when the password is right. A known device (see
:mod:`subgraphs.accounts.devices`) is counted in a window of its own instead.
Code checks count wrong attempts inside the same Lua call that compares the
code (see :mod:`subgraphs.accounts.codes`).
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
from shared.codec import DataclassCodec
from shared.crypto import FieldCipher
from shared.db import utcnow
from shared.errors import BadUserInput, Conflict, NotFound, RateLimited, Unauthenticated
from shared.ids import UserId
from shared.ratelimit import RateLimiter, Window
from shared.redis import Keys
from shared.tokens import AccessTokens
from subgraphs.accounts import rules
from subgraphs.accounts.codes import Purpose, VerificationCodes
from subgraphs.accounts.devices import KnownDevices
from subgraphs.accounts.models import RefreshToken, User
from subgraphs.accounts.passwords import Passwords
from subgraphs.accounts.rotations import RecentRotations
from subgraphs.accounts.settings import AccountsSettings
from subgraphs.accounts.sms import SmsSender

MOBILE_COLUMN = "users.mobile"
_WRONG_CODE = "The verification code is wrong or has expired: request a new one."
_WRONG_CREDENTIALS = "The mobile number or password is incorrect."
_BAD_REFRESH = "The refresh token is invalid or has expired: log in again."
_THROTTLED = "Too many failed sign-ins: wait before trying again."


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
        devices: KnownDevices,
        rotations: RecentRotations,
        sms: SmsSender,
        tokens: AccessTokens,
        user_cache: EntityCache[UserId, UserView],
    ) -> None:
        self._settings = settings
        self._keys = keys
        self._cipher = cipher
        self.passwords = passwords
        self._codes = codes
        self._limiter = limiter
        self._devices = devices
        self._rotations = rotations
        self._sessions = DataclassCodec(Session)
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
        await self._limiter.reserve(
            Window(
                self._keys.key("limit", "code-ip", client_ip),
                s.codes_per_ip_per_hour,
                3600,
                "Too many verification codes requested from this network: try again later.",
            )
        )
        await self._limiter.cooldown(
            self._keys.key("limit", "code-cooldown", index),
            seconds=s.code_resend_cooldown,
            message="A code was sent to this number a moment ago: wait before asking again.",
        )
        await self._limiter.reserve(
            Window(
                self._keys.key("limit", "code-day", index),
                s.codes_per_mobile_per_day,
                86_400,
                "This mobile number has had as many codes as it may today: try again tomorrow.",
            )
        )
        if purpose is Purpose.REGISTER or await self._user_by_mobile(mobile, session=session):
            code = await self._codes.issue(purpose, index)
            await self._sms.send_code(mobile, code)
        return CodeTicket(expires_in=s.code_ttl, resend_after=s.code_resend_cooldown)

    async def _consume_code(self, purpose: Purpose, mobile: str, code: str) -> None:
        code = rules.check_code(code)
        index = self._cipher.blind_index(mobile, column=MOBILE_COLUMN)
        if not await self._codes.consume(purpose, index, code):
            raise BadUserInput(_WRONG_CODE, field="code")

    async def _hash_for_code(self, purpose: Purpose, mobile: str, password: str) -> str:
        """Hash ``password`` before a code is spent on it, so a sign-up or reset shed by a
        busy Argon2 pool keeps its code; with no code pending there is nothing to hash for."""
        index = self._cipher.blind_index(mobile, column=MOBILE_COLUMN)
        if not await self._codes.pending(purpose, index):
            raise BadUserInput(_WRONG_CODE, field="code")
        return await self.passwords.hash(password)

    # -- sign-up and sign-in -------------------------------------------------

    async def register(
        self,
        raw_mobile: str,
        code: str,
        password: str,
        nickname: str,
        *,
        device_id: str | None = None,
        session: AsyncSession,
    ) -> Session:
        mobile = rules.normalize_mobile(raw_mobile)
        nickname = rules.check_nickname(nickname)
        rules.check_password(password, mobile=mobile)
        rules.check_code(code)
        device = rules.check_device_id(device_id)
        password_hash = await self._hash_for_code(Purpose.REGISTER, mobile, password)
        if await self._user_by_mobile(mobile, session=session):
            # Whoever holds the code owns the number, so saying so enumerates nothing;
            # the check comes first so a taken number does not burn the code.
            await self._consume_code(Purpose.REGISTER, mobile, code)
            raise Conflict(
                "This mobile number already has an account: log in instead.", field="mobile"
            )
        await self._consume_code(Purpose.REGISTER, mobile, code)
        user = await self._insert_user(mobile, password_hash, nickname, session=session)
        return await self._signed_in(user, mobile, device, session=session)

    async def create_user(
        self, mobile: str, password: str, nickname: str, *, session: AsyncSession
    ) -> User:
        """Insert a user whose mobile is already verified (by a code, or by seeding)."""
        password_hash = await self.passwords.hash(rules.check_password(password, mobile=mobile))
        return await self._insert_user(mobile, password_hash, nickname, session=session)

    async def _insert_user(
        self, mobile: str, password_hash: str, nickname: str, *, session: AsyncSession
    ) -> User:
        user = User(
            nickname=rules.check_nickname(nickname),
            bio="",
            mobile_cipher=self._cipher.encrypt(mobile, column=MOBILE_COLUMN),
            mobile_index=self._cipher.blind_index(mobile, column=MOBILE_COLUMN),
            password_hash=password_hash,
        )
        session.add(user)
        try:
            await session.flush()
        except IntegrityError:
            raise Conflict(
                "This mobile number already has an account: log in instead.", field="mobile"
            ) from None
        self._user_cache.invalidate_after_commit(session, UserId(user.id))
        return user

    async def has_account(self, raw_mobile: str, *, session: AsyncSession) -> bool:
        mobile = rules.normalize_mobile(raw_mobile)
        return await self._user_by_mobile(mobile, session=session) is not None

    async def _failure_windows(
        self, index: str, device: str | None, client_ip: str
    ) -> list[Window]:
        """Where a failed password sign-in counts: the account's window and the network's, or
        for a device known to this account a window of that device's own."""
        s = self._settings
        if device is not None and await self._devices.is_known(index, device):
            key = self._keys.key("limit", "login-device", self._devices.key(index, device))
            return [Window(key, s.login_failures_per_mobile, s.login_failure_window, _THROTTLED)]
        return [
            Window(
                self._keys.key("limit", "login-mobile", index),
                s.login_failures_per_mobile,
                s.login_failure_window,
                _THROTTLED,
            ),
            Window(
                self._keys.key("limit", "login-ip", client_ip),
                s.login_failures_per_ip,
                s.login_failure_window,
                _THROTTLED,
            ),
        ]

    async def login(
        self,
        raw_mobile: str,
        password: str,
        *,
        client_ip: str,
        device_id: str | None = None,
        session: AsyncSession,
    ) -> Session:
        mobile = rules.normalize_mobile(raw_mobile)
        device = rules.check_device_id(device_id)
        index = self._cipher.blind_index(mobile, column=MOBILE_COLUMN)
        windows = await self._failure_windows(index, device, client_ip)
        # Counted as a failure before Argon2 runs; given back below if it was no failure.
        await self._limiter.reserve(*windows)
        user = await self._user_by_mobile(mobile, session=session)
        try:
            verified = await self.passwords.verify(user.password_hash if user else None, password)
        except RateLimited:  # shed by a busy pool: this guess was never judged
            await self._limiter.release(*windows)
            raise
        if not verified:
            raise Unauthenticated(_WRONG_CREDENTIALS)
        assert user is not None
        account_window, *network_window = windows
        await self._limiter.reset(account_window.key)
        await self._limiter.release(*network_window)
        if self.passwords.needs_rehash(user.password_hash):
            user.password_hash = await self.passwords.hash(password)
        return await self._signed_in(user, mobile, device, session=session)

    async def login_with_code(
        self, raw_mobile: str, code: str, *, device_id: str | None = None, session: AsyncSession
    ) -> Session:
        mobile = rules.normalize_mobile(raw_mobile)
        device = rules.check_device_id(device_id)
        await self._consume_code(Purpose.LOGIN, mobile, code)
        user = await self._user_by_mobile(mobile, session=session)
        if user is None:  # unreachable in practice: no LOGIN code is sent to unknown numbers
            raise BadUserInput(_WRONG_CODE, field="code")
        return await self._signed_in(user, mobile, device, session=session)

    async def reset_password(
        self,
        raw_mobile: str,
        code: str,
        new_password: str,
        *,
        device_id: str | None = None,
        session: AsyncSession,
    ) -> Session:
        mobile = rules.normalize_mobile(raw_mobile)
        rules.check_password(new_password, mobile=mobile, field="newPassword")
        device = rules.check_device_id(device_id)
        password_hash = await self._hash_for_code(Purpose.RESET_PASSWORD, mobile, new_password)
        await self._consume_code(Purpose.RESET_PASSWORD, mobile, code)
        user = await self._user_by_mobile(mobile, session=session)
        if user is None:
            raise BadUserInput(_WRONG_CODE, field="code")
        user.password_hash = password_hash
        await self._revoke(RefreshToken.user_id == user.id, session=session)
        await self._limiter.reset(
            self._keys.key(
                "limit", "login-mobile", self._cipher.blind_index(mobile, column=MOBILE_COLUMN)
            )
        )
        return await self._signed_in(user, mobile, device, session=session)

    async def _signed_in(
        self, user: User, mobile: str, device: str | None, *, session: AsyncSession
    ) -> Session:
        """A new session for ``user``, who just proved who they are from ``device``."""
        if device is not None:
            index = self._cipher.blind_index(mobile, column=MOBILE_COLUMN)
            await self._devices.remember(index, device)
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
        """Rotate ``refresh_token``. Presented again within the grace window (see
        :mod:`subgraphs.accounts.rotations`) it answers the same new session. ``None``
        means it was rotated before that: a copy is in someone else's hands, so its whole
        family is now revoked and the caller must commit that before refusing."""
        token = await self._token(refresh_token, session=session)
        if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
            raise Unauthenticated(_BAD_REFRESH)
        if token.rotated_at is not None:
            again = await self._rotations.recall(token.token_hash)
            if again is not None:  # another tab refreshed a moment ago: same new session
                return self._sessions.decode(again)
            await self._revoke(RefreshToken.family_id == token.family_id, session=session)
            return None
        token.rotated_at = utcnow()
        user = await session.get(User, token.user_id)
        if user is None:
            raise Unauthenticated(_BAD_REFRESH)
        rotated = await self._open_session(user, session=session, family_id=token.family_id)
        await self._rotations.remember(token.token_hash, self._sessions.encode(rotated))
        return rotated

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
        self._user_cache.invalidate_after_commit(session, user_id)
        return UserView.from_row(user)

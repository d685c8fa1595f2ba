"""The accounts subgraph: ``User`` and sign-up, sign-in and profile operations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.errors import BadUserInput, Unauthenticated
from shared.graphql.app import schema_extensions
from shared.graphql.ids import parse_typed, require_id
from shared.ids import UserId
from subgraphs.accounts.codes import Purpose
from subgraphs.accounts.context import AccountsContext
from subgraphs.accounts.service import Session, UserView

MAX_IDS = 100


AccountsInfo = Info[AccountsContext, None]


@strawberry.federation.type(keys=["id"], description="A member of the community.")
class User:
    id: strawberry.ID
    nickname: str
    avatar: str | None
    bio: str
    created_at: datetime
    view: strawberry.Private[UserView]

    @classmethod
    def from_view(cls, view: UserView) -> User:
        return cls(
            id=strawberry.ID(str(view.id)),
            nickname=view.nickname,
            avatar=view.avatar,
            bio=view.bio,
            created_at=view.created_at,
            view=view,
        )

    @strawberry.field(
        description="The mobile number, masked (138****8000); only its owner sees it."
    )
    def mobile(self, info: AccountsInfo) -> str | None:
        return info.context.service.masked_mobile(self.view, viewer=info.context.viewer)

    @classmethod
    async def resolve_reference(cls, info: AccountsInfo, id: strawberry.ID) -> User | None:
        user_id = parse_typed(id, UserId)
        view = await info.context.loaders.users.load(user_id) if user_id is not None else None
        return cls.from_view(view) if view else None


@strawberry.enum(description="What a verification code is for.")
class VerificationPurpose(enum.Enum):
    REGISTER = "register"
    LOGIN = "login"
    RESET_PASSWORD = "reset_password"


@strawberry.type(description="A code is on its way (if the number may receive one).")
class VerificationCodeSent:
    expires_in: int = strawberry.field(description="Seconds the code stays valid.")
    resend_after: int = strawberry.field(
        description="Seconds before another code may be requested."
    )


@strawberry.type(description="Tokens of a signed-in session.")
class AuthPayload:
    access_token: str
    refresh_token: str
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    user: User

    @classmethod
    def from_session(cls, session: Session) -> AuthPayload:
        return cls(
            access_token=session.access_token,
            refresh_token=session.refresh_token,
            expires_in=session.expires_in,
            user=User.from_view(session.user),
        )


@strawberry.input(description="Profile fields to change; omitted fields stay as they are.")
class UpdateProfileInput:
    nickname: str | None = strawberry.UNSET
    avatar: str | None = strawberry.UNSET
    bio: str | None = strawberry.UNSET


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user, or null without a valid access token.")
    async def me(self, info: AccountsInfo) -> User | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        view = await info.context.loaders.users.load(viewer)
        return User.from_view(view) if view else None

    @strawberry.field(
        description="A user by id, or null if there is none; BAD_USER_INPUT for a malformed id."
    )
    async def user(self, info: AccountsInfo, id: strawberry.ID) -> User | None:
        user_id = require_id(id, UserId, field="id")
        view = await info.context.loaders.users.load(user_id)
        return User.from_view(view) if view else None

    @strawberry.field(
        description=f"Users by id, in order, null where there is none (at most {MAX_IDS})."
    )
    async def users(self, info: AccountsInfo, ids: list[strawberry.ID]) -> list[User | None]:
        if len(ids) > MAX_IDS:
            raise BadUserInput(f"Ask for at most {MAX_IDS} ids at a time.", field="ids")
        parsed = [require_id(i, UserId, field="ids") for i in ids]
        views = await info.context.loaders.users.load_many(parsed)
        found = {view.id: view for view in views if view is not None}
        return [User.from_view(found[i]) if i in found else None for i in parsed]


Mobile = Annotated[str, strawberry.argument(description="Mainland China mobile number.")]
DeviceId = Annotated[
    str | None,
    strawberry.argument(
        description="A random id this device keeps (16 to 128 printable ASCII characters, "
        "e.g. a UUID). After one sign-in with it, failed sign-ins by others on the same "
        "network or at the same account do not lock this device out."
    ),
]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Send a 6-digit code by SMS, valid 5 minutes.")
    async def request_verification_code(
        self, info: AccountsInfo, mobile: Mobile, purpose: VerificationPurpose
    ) -> VerificationCodeSent:
        ctx = info.context
        async with ctx.database.transaction() as session:
            ticket = await ctx.service.request_code(
                mobile, Purpose(purpose.value), client_ip=ctx.client_ip, session=session
            )
        return VerificationCodeSent(expires_in=ticket.expires_in, resend_after=ticket.resend_after)

    @strawberry.mutation(description="Create an account with a REGISTER code and sign in.")
    async def register(
        self,
        info: AccountsInfo,
        mobile: Mobile,
        code: str,
        password: str,
        nickname: str,
        device_id: DeviceId = None,
    ) -> AuthPayload:
        async with info.context.database.transaction() as session:
            result = await info.context.service.register(
                mobile, code, password, nickname, device_id=device_id, session=session
            )
        return AuthPayload.from_session(result)

    @strawberry.mutation(description="Sign in with mobile number and password.")
    async def login(
        self, info: AccountsInfo, mobile: Mobile, password: str, device_id: DeviceId = None
    ) -> AuthPayload:
        ctx = info.context
        async with ctx.database.transaction() as session:
            result = await ctx.service.login(
                mobile, password, client_ip=ctx.client_ip, device_id=device_id, session=session
            )
        return AuthPayload.from_session(result)

    @strawberry.mutation(description="Sign in with a LOGIN code.")
    async def login_with_code(
        self, info: AccountsInfo, mobile: Mobile, code: str, device_id: DeviceId = None
    ) -> AuthPayload:
        async with info.context.database.transaction() as session:
            result = await info.context.service.login_with_code(
                mobile, code, device_id=device_id, session=session
            )
        return AuthPayload.from_session(result)

    @strawberry.mutation(
        description="Exchange a refresh token for new tokens. A refresh token works once: "
        "presented again within a few seconds (two tabs refreshing together) it answers the "
        "same new tokens; presented later it signs out every session that descends from it."
    )
    async def refresh_token(self, info: AccountsInfo, refresh_token: str) -> AuthPayload:
        async with info.context.database.transaction() as session:
            result = await info.context.service.refresh(refresh_token, session=session)
        if result is None:
            raise Unauthenticated(
                "This refresh token was already used, so every session it led to is now "
                "signed out: log in again."
            )
        return AuthPayload.from_session(result)

    @strawberry.mutation(description="End the session of this refresh token (or every session).")
    async def logout(
        self, info: AccountsInfo, refresh_token: str, all_devices: bool = False
    ) -> bool:
        async with info.context.database.transaction() as session:
            await info.context.service.logout(
                refresh_token, all_devices=all_devices, session=session
            )
        return True

    @strawberry.mutation(description="Set a new password with a RESET_PASSWORD code and sign in.")
    async def reset_password(
        self,
        info: AccountsInfo,
        mobile: Mobile,
        code: str,
        new_password: str,
        device_id: DeviceId = None,
    ) -> AuthPayload:
        async with info.context.database.transaction() as session:
            result = await info.context.service.reset_password(
                mobile, code, new_password, device_id=device_id, session=session
            )
        return AuthPayload.from_session(result)

    @strawberry.mutation(description="Change the signed-in user's profile.")
    async def update_profile(self, info: AccountsInfo, input: UpdateProfileInput) -> User:
        viewer = info.context.require_viewer()
        changes = {
            name: value for name, value in vars(input).items() if value is not strawberry.UNSET
        }
        async with info.context.database.transaction() as session:
            view = await info.context.service.update_profile(viewer, changes, session=session)
        return User.from_view(view)


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        types=[User],
        extensions=schema_extensions(),
        federation_version="2.11",
    )

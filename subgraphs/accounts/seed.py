"""Demo users for ``beyond dev --seed``; seeding twice adds nothing."""

from __future__ import annotations

from subgraphs.accounts.runtime import AccountsRuntime

DEMO_PASSWORD = "beyond2026"
DEMO_USERS = (
    ("13800000001", "Ada"),
    ("13800000002", "Grace"),
    ("13800000003", "Linus"),
    ("13800000004", "Margaret"),
    ("13800000005", "Ken"),
)


async def seed(runtime: AccountsRuntime) -> int:
    """Create the demo users that do not exist yet; return how many were created."""
    service = runtime.service
    created = 0
    async with runtime.database.transaction() as session:
        for mobile, nickname in DEMO_USERS:
            if not await service.has_account(mobile, session=session):
                await service.create_user(mobile, DEMO_PASSWORD, nickname, session=session)
                created += 1
    return created

"""Whether a service may start in production: settings valid, database reachable and migrated."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from beyond.commands import CommandError
from beyond.domains import Spec
from shared.migrations import current_revision, head_revision
from shared.settings import CommonSettings, SettingsError, load_settings


def ready_settings(spec: Spec) -> CommonSettings:
    """The service's settings, once they suit production and its database is reachable and
    fully migrated."""
    try:
        settings: CommonSettings = load_settings(spec.settings)
    except SettingsError as exc:
        raise CommandError(
            "\n".join([f"{spec.name} cannot start:", *(f"  {line}" for line in exc.lines)])
        ) from None
    problems = settings.production_problems()
    if problems:
        raise CommandError(
            "\n".join([f"{spec.name} cannot start:", *(f"  {line}" for line in problems)])
        )
    url = spec.database_url(settings)
    try:
        current = current_revision(url)
    except SQLAlchemyError as exc:
        reason = str(exc.orig if hasattr(exc, "orig") and exc.orig else exc).splitlines()[0]
        raise CommandError(f"cannot reach the {spec.name} database: {reason}") from None
    head = head_revision(spec.migrations)
    if current != head:
        raise CommandError(
            f"the {spec.name} database is at migration {current or 'none'}, not {head}: "
            f"run `beyond migrate {spec.name}` first"
        )
    return settings

"""Sub-commands of ``beyond``. A handler that cannot go on raises :class:`CommandError`
with one readable line; the CLI prints it and exits with status 1."""

from __future__ import annotations


class CommandError(Exception):
    """A failure the user can act on, said in one line."""

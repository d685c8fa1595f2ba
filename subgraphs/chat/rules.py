"""Input rules of the chat domain: message bodies, client message ids and room titles.

Each check returns the normalised value or raises ``BadUserInput`` naming the
field as the client wrote it.
"""

from __future__ import annotations

import re

from shared.errors import BadUserInput

BODY_MAX = 2_000
TITLE_MAX = 80
CLIENT_ID_MAX = 64
_CLIENT_ID = re.compile(rf"[A-Za-z0-9._:-]{{1,{CLIENT_ID_MAX}}}")


def check_body(body: str, *, field: str = "body") -> str:
    """Surrounding blank space is dropped; 1 to ``BODY_MAX`` characters remain."""
    body = body.strip()
    if not body:
        raise BadUserInput("The message is empty: write something first.", field=field)
    if len(body) > BODY_MAX:
        raise BadUserInput(
            f"A message is at most {BODY_MAX} characters: split it in several.", field=field
        )
    return body


def check_client_message_id(value: str, *, field: str = "clientMessageId") -> str:
    if not _CLIENT_ID.fullmatch(value):
        raise BadUserInput(
            f"The client message id must be 1 to {CLIENT_ID_MAX} letters, digits or ._:- "
            "(a UUID will do), the same for every retry of one message.",
            field=field,
        )
    return value


def check_title(title: str, *, field: str = "title") -> str:
    title = " ".join(title.split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise BadUserInput(f"The title must be 1 to {TITLE_MAX} characters.", field=field)
    return title

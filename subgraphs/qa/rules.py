"""Input rules of the qa domain: titles, bodies and tags.

Each check returns the normalised value or raises ``BadUserInput`` naming the
field as the client wrote it.
"""

from __future__ import annotations

from shared.errors import BadUserInput
from shared.tags import check_tag, check_tags

__all__ = ["check_answer_body", "check_question_body", "check_tag", "check_tags", "check_title"]

TITLE_MAX = 150
BODY_MAX = 20_000


def check_title(title: str, *, field: str = "title") -> str:
    title = " ".join(title.split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise BadUserInput(f"The title must be 1 to {TITLE_MAX} characters.", field=field)
    return title


def check_question_body(body: str, *, field: str = "body") -> str:
    """A question may have no body beyond its title; at most ``BODY_MAX`` characters."""
    if len(body) > BODY_MAX:
        raise BadUserInput(f"The body must be at most {BODY_MAX} characters.", field=field)
    return body.strip()


def check_answer_body(body: str, *, field: str = "body") -> str:
    if not body.strip():
        raise BadUserInput("The answer is empty: write something first.", field=field)
    return check_question_body(body, field=field)

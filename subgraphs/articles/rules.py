"""Input rules of the articles domain: title, content, summary, cover and tags.

Each check returns the normalised value or raises ``BadUserInput`` naming the
field as the client wrote it in the mutation's input.
"""

from __future__ import annotations

from shared.errors import BadUserInput
from shared.tags import check_tag, check_tags
from shared.urls import is_http_url

__all__ = [
    "check_content",
    "check_cover",
    "check_summary",
    "check_tag",
    "check_tags",
    "check_title",
    "derive_summary",
]

TITLE_MAX = 100
CONTENT_MAX_BYTES = 100_000
SUMMARY_MAX = 300
SUMMARY_DERIVED = 140
COVER_MAX = 500


def check_title(title: str, *, field: str = "title") -> str:
    title = " ".join(title.split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise BadUserInput(f"The title must be 1 to {TITLE_MAX} characters.", field=field)
    return title


def check_content(content: str, *, field: str = "content") -> str:
    if not content.strip():
        raise BadUserInput("The content is empty: write something first.", field=field)
    size = len(content.encode())
    if size > CONTENT_MAX_BYTES:
        raise BadUserInput(
            f"The content is {size} bytes; the limit is {CONTENT_MAX_BYTES} bytes (UTF-8).",
            field=field,
        )
    return content


def check_summary(summary: str, *, field: str = "summary") -> str:
    summary = " ".join(summary.split())
    if len(summary) > SUMMARY_MAX:
        raise BadUserInput(f"The summary must be at most {SUMMARY_MAX} characters.", field=field)
    return summary


def derive_summary(content: str) -> str:
    """The start of the content, on one line, for articles published without a summary."""
    flat = " ".join(content.split())
    return flat if len(flat) <= SUMMARY_DERIVED else flat[: SUMMARY_DERIVED - 1] + "…"


def check_cover(url: str, *, field: str = "cover") -> str | None:
    """An http(s) image URL; the empty string removes the cover."""
    url = url.strip()
    if not url:
        return None
    if not is_http_url(url, max_length=COVER_MAX):
        raise BadUserInput(
            f"The cover must be an http(s) URL of at most {COVER_MAX} characters.", field=field
        )
    return url

"""Input rules of the articles domain: title, content, summary, cover and tags.

Each check returns the normalised value or raises ``BadUserInput`` naming the
field as the client wrote it in the mutation's input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from shared.errors import BadUserInput, excerpt
from shared.urls import is_http_url

TITLE_MAX = 100
CONTENT_MAX_BYTES = 100_000
SUMMARY_MAX = 300
SUMMARY_DERIVED = 140
COVER_MAX = 500
TAGS_MAX = 5
TAG_MAX = 30

# Letters (Chinese included), digits, and inner dashes or underscores: "python", "机器学习", "c-sharp".
_TAG = re.compile(rf"[^\W_](?:[\w-]{{0,{TAG_MAX - 2}}}[^\W_])?")


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


def check_tags(tags: Iterable[str], *, field: str = "tags") -> list[str]:
    """Lower-cased, duplicates dropped, in the order given; at most ``TAGS_MAX``."""
    names = list(dict.fromkeys(tag.strip().lower() for tag in tags))
    if len(names) > TAGS_MAX:
        raise BadUserInput(f"An article has at most {TAGS_MAX} tags.", field=field)
    for name in names:
        if not _TAG.fullmatch(name):
            raise BadUserInput(
                f"Tag {excerpt(name)} is not valid: use 1 to {TAG_MAX} letters or digits, with "
                "dashes or underscores only between them.",
                field=field,
            )
    return names


def check_tag(tag: str, *, field: str = "tag") -> str:
    [name] = check_tags([tag], field=field)
    return name

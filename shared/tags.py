"""Tags, as every domain that tags content accepts them: at most five, lower-cased.

A tag is 1 to 30 letters (Chinese included) or digits, with dashes or
underscores only between them: "python", "机器学习", "c-sharp".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from shared.errors import BadUserInput, excerpt

TAGS_MAX = 5
TAG_MAX = 30

_TAG = re.compile(rf"[^\W_](?:[\w-]{{0,{TAG_MAX - 2}}}[^\W_])?")


def check_tags(tags: Iterable[str], *, field: str = "tags") -> list[str]:
    """Lower-cased, duplicates dropped, in the order given; at most ``TAGS_MAX``."""
    names = list(dict.fromkeys(tag.strip().lower() for tag in tags))
    if len(names) > TAGS_MAX:
        raise BadUserInput(f"Give at most {TAGS_MAX} tags.", field=field)
    for name in names:
        if not _TAG.fullmatch(name):
            raise BadUserInput(
                f"Tag {excerpt(name)} is not valid: use 1 to {TAG_MAX} letters or digits, "
                "with dashes or underscores only between them.",
                field=field,
            )
    return names


def check_tag(tag: str, *, field: str = "tag") -> str:
    [name] = check_tags([tag], field=field)
    return name

"""The picture of a member who has not set one: their initial on a colour of their own.

An SVG ``data:`` URL, so it shows with no image server and no network; the
colour follows the member's id, so a member keeps theirs across devices.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from shared.ids import UserId

PALETTE = ("#2f6fde", "#1f9d74", "#c2571a", "#8e44ad", "#b8336a", "#2c7a7b", "#6b7a1f", "#5a5fcf")


def default_avatar(user_id: UserId, nickname: str) -> str:
    initial = escape(nickname.strip()[:1].upper() or "?")
    colour = PALETTE[user_id % len(PALETTE)]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
        f'<rect width="96" height="96" rx="48" fill="{colour}"/>'
        '<text x="48" y="48" dy=".35em" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif" font-size="44">{initial}</text></svg>'
    )
    return "data:image/svg+xml," + quote(svg, safe="")

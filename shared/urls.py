"""Checking URLs that clients give us to show to others (avatars, covers)."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_http_url(url: str, *, max_length: int) -> bool:
    """Whether ``url`` is an absolute http(s) URL of at most ``max_length`` characters.

    ``urlsplit`` raises ``ValueError`` on some malformed hosts (``http://[::1``),
    and reading ``port`` raises on a port out of range: both are just "no" here.
    """
    if len(url) > max_length:
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - read for its validation of the port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)

"""How long a subgraph answer may be cached, and for whom: read from its ``Cache-Control``.

``no-store`` or ``no-cache`` (or ``max-age=0``) → not cached. Otherwise a
shared answer lives ``s-maxage`` seconds, else ``max-age``; a ``private``
one lives ``max-age`` seconds and only for the user who asked. An answer
without ``Cache-Control`` or without an age is cached for the configured
``default_ttl``, or not at all when none is set. Every age is capped at
``max_ttl``. ``@cacheControl`` hints in subgraph schemas do not reach the
router (composition does not keep them in the supergraph), so a subgraph
states its policy with the header.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Freshness:
    ttl: int
    private: bool


@dataclass(frozen=True, slots=True)
class TtlPolicy:
    max_ttl: int
    default_ttl: int | None = None

    def freshness(self, headers: Iterable[tuple[str, str]]) -> Freshness | None:
        """How long an answer with these response headers may be cached; ``None``: not at all."""
        values = [value for name, value in headers if name.lower() == "cache-control"]
        directives = cache_control_directives(", ".join(values)) if values else {}
        if "no-store" in directives or "no-cache" in directives:
            return None
        private = "private" in directives
        age = directives.get("max-age") if private else directives.get("s-maxage")
        if age is None:
            age = directives.get("max-age")
        ttl = self.default_ttl if age is None else seconds(age)
        if not ttl:
            return None
        return Freshness(min(ttl, self.max_ttl), private)


def cache_control_directives(value: str) -> Mapping[str, str]:
    """``Cache-Control`` directives by lowercase name; a directive without an argument maps to ``""``."""
    directives: dict[str, str] = {}
    for part in value.split(","):
        name, _, argument = part.strip().partition("=")
        if name:
            directives[name.lower()] = argument.strip().strip('"')
    return directives


def seconds(value: str) -> int:
    """A directive's age in seconds; anything but digits is 0."""
    return int(value) if value.isdigit() else 0

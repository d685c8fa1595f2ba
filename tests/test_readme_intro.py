"""The README's opening names exactly the domains that exist, so it cannot promise more."""

from __future__ import annotations

import re
from pathlib import Path

from beyond.domain_folders import domain_names

README = Path(__file__).resolve().parents[1] / "README.md"


def intro_domains(text: str) -> list[str]:
    match = re.search(r"Domains today: ([a-z, ]+) \(", text)
    assert match, "the README's opening must say 'Domains today: a, b, c (...)'"
    return sorted(name.strip() for name in match.group(1).split(","))


def test_the_readme_opening_lists_the_existing_domains() -> None:
    opening = README.read_text().split("```", 1)[0]
    assert intro_domains(opening) == domain_names()


def test_the_check_sees_a_missing_domain() -> None:
    assert intro_domains("Domains today: accounts, articles (x)") == ["accounts", "articles"]

"""Domains are discovered, each folder has its files, and derived files agree with the specs."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from beyond.artefacts import (
    ARTEFACTS,
    SYNC_COMMAND,
    TABLE_BEGIN,
    TABLE_END,
    routing_file,
    stale_artefacts,
    write_artefacts,
)
from beyond.cli import main
from beyond.commands.schema import read_routing
from beyond.domain_folders import ROOT, domain_names
from beyond.domains import (
    REQUIRED_FILES,
    DomainError,
    check_specs,
    discover,
    missing_files,
)


def test_every_domain_folder_is_discovered_in_port_order() -> None:
    domains = discover()
    assert sorted(domains) == domain_names()
    ports = [spec.port for spec in domains.values()]
    assert ports == sorted(ports)
    assert {"accounts", "social", "articles"} <= set(domains)


@pytest.mark.parametrize("name", domain_names())
def test_a_domain_folder_has_every_required_file(name: str) -> None:
    assert missing_files(name) == []


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "subgraphs" / "polls"
    (folder / "migrations" / "versions").mkdir(parents=True)
    for relative in REQUIRED_FILES:
        if relative not in ("service.py", "migrations/versions"):
            (folder / relative).write_text("")
    tests = tmp_path / "tests" / "subgraphs" / "polls"
    tests.mkdir(parents=True)
    (tests / "conftest.py").write_text("")
    assert missing_files("polls", tmp_path) == [
        "domain polls lacks subgraphs/polls/service.py (see README: Adding a domain)",
        "domain polls lacks tests/subgraphs/polls/__init__.py (see README: Adding a domain)",
        "domain polls lacks tests/subgraphs/polls/test_migrations.py (see README: Adding a domain)",
    ]


def test_specs_that_clash_are_refused() -> None:
    accounts, social = discover()["accounts"], discover()["social"]
    with pytest.raises(DomainError, match="share the port 4001"):
        check_specs([accounts, replace(social, port=4001)])
    with pytest.raises(DomainError, match="share the grpc_port 5001"):
        check_specs([accounts, replace(social, grpc_port=5001)])
    with pytest.raises(DomainError, match="social calls articles, which serves no gRPC"):
        check_specs([accounts, replace(social, calls=("articles",))])
    with pytest.raises(DomainError, match="its settings need social_grpc_target"):
        check_specs([social, replace(accounts, calls=("social",))])


def test_the_derived_files_agree_with_the_specs() -> None:
    stale = stale_artefacts(list(discover().values()))
    assert stale == [], f"{', '.join(stale)} disagree with the domain specs: run `{SYNC_COMMAND}`"
    assert set(read_routing(ROOT / "schema")) == set(discover())


def test_a_derived_file_that_drifts_is_found_and_rewritten(tmp_path: Path) -> None:
    for relative in ARTEFACTS:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    specs = list(discover().values())
    assert stale_artefacts(specs, tmp_path) == []
    moved = [replace(spec, port=spec.port + 100) for spec in specs]
    assert stale_artefacts(moved, tmp_path) == [
        "deploy/compose.yaml",
        "schema/subgraphs.toml",
        "deploy/kubernetes/base/domains.yaml",
        "deploy/kubernetes/base/config.yaml",
    ]
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text().replace("| `BEYOND_REDIS_PREFIX` |", "| `X` |"))
    assert stale_artefacts(specs, tmp_path) == ["README.md"]
    assert write_artefacts(specs, tmp_path) == ["README.md"]
    assert stale_artefacts(specs, tmp_path) == []
    text = readme.read_text()
    assert text.index(TABLE_BEGIN) < text.index("| `BEYOND_REDIS_PREFIX` |") < text.index(TABLE_END)


def test_the_routing_file_lists_every_domain_per_environment() -> None:
    text = routing_file(list(discover().values()))
    assert '[subgraphs.social]\ndev = "http://127.0.0.1:4002/graphql"\n' in text
    assert 'compose = "http://social:4002/graphql"' in text


def test_the_check_command_passes_on_this_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["domains", "check"]) == 0
    assert "derived files up to date" in capsys.readouterr().out


def test_every_beyond_variable_the_code_reads_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index(TABLE_BEGIN) : readme.index(TABLE_END)]
    listed = set(re.findall(r"^\| `(BEYOND_[A-Z_]+)` \|", table, re.MULTILINE))
    named = {
        name
        for package in ("beyond", "shared", "router", "subgraphs")
        for path in (ROOT / package).rglob("*.py")
        for name in re.findall(r"\bBEYOND_[A-Z][A-Z_]*[A-Z]\b", path.read_text())
    }
    # Names built from a domain's (BEYOND_<DOMAIN>_DATABASE_URL) are listed per domain.
    assert {f"BEYOND_{name.upper()}_DATABASE_URL" for name in domain_names()} <= listed
    assert named - listed == set()

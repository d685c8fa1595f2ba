"""``beyond schema compose`` and ``beyond schema check`` on a contract folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from beyond.cli import main
from beyond.commands import CommandError
from beyond.commands.schema import check_schema_dir, compose_schema_dir, read_routing

HEADER = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
ACCOUNTS = HEADER + """
type User @key(fields: "id") {
  id: ID!
  name: String
}

type Query {
  me: User
}
"""
SOCIAL = HEADER + """
type User @key(fields: "id") {
  id: ID!
  followerCount: Int!
}
"""
ROUTING = """
[subgraphs.accounts]
dev = "http://127.0.0.1:4001/graphql"
compose = "http://accounts:4001/graphql"

[subgraphs.social]
dev = "http://127.0.0.1:4002/graphql"
compose = "http://social:4002/graphql"
"""


@pytest.fixture
def schema_dir(tmp_path: Path) -> Path:
    (tmp_path / "subgraphs.toml").write_text(ROUTING)
    return tmp_path


def test_compose_writes_the_subgraphs_and_the_supergraph(schema_dir: Path) -> None:
    compose_schema_dir(schema_dir, {"accounts": ACCOUNTS, "social": SOCIAL})
    assert (schema_dir / "subgraphs" / "accounts.graphql").read_text() == ACCOUNTS
    supergraph = (schema_dir / "supergraph.graphql").read_text()
    assert 'ACCOUNTS @join__graph(name: "accounts", url: "http://127.0.0.1:4001/graphql")' in supergraph
    assert "followerCount: Int! @join__field(graph: SOCIAL)" in supergraph


def test_compose_uses_the_routing_urls_of_the_environment(schema_dir: Path) -> None:
    compose_schema_dir(schema_dir, {"accounts": ACCOUNTS}, env="compose")
    assert 'url: "http://accounts:4001/graphql"' in (schema_dir / "supergraph.graphql").read_text()


def test_compose_removes_the_sdl_of_a_subgraph_that_is_gone(schema_dir: Path) -> None:
    compose_schema_dir(schema_dir, {"accounts": ACCOUNTS, "social": SOCIAL})
    compose_schema_dir(schema_dir, {"accounts": ACCOUNTS})
    assert not (schema_dir / "subgraphs" / "social.graphql").exists()


def test_compose_fails_with_every_composition_error(
    schema_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = SOCIAL.replace("followerCount: Int!", "name: Int")
    with pytest.raises(CommandError, match="do not compose"):
        compose_schema_dir(schema_dir, {"accounts": ACCOUNTS, "social": broken})
    assert "FIELD_TYPE_MISMATCH" in capsys.readouterr().err
    assert not (schema_dir / "supergraph.graphql").exists()


def test_a_subgraph_without_a_routing_url_is_refused(schema_dir: Path) -> None:
    with pytest.raises(CommandError, match="no routing URL for qa"):
        compose_schema_dir(schema_dir, {"accounts": ACCOUNTS, "qa": SOCIAL})


def test_check_passes_right_after_compose(schema_dir: Path) -> None:
    compose_schema_dir(schema_dir, {"accounts": ACCOUNTS, "social": SOCIAL})
    report = check_schema_dir(
        schema_dir, {"accounts": ACCOUNTS, "social": SOCIAL}, allow_breaking=False
    )
    assert report.status == 0
    assert report.lines == ["schema/ is up to date"]


def test_check_fails_on_a_stale_subgraph_sdl_and_lists_the_change(schema_dir: Path) -> None:
    compose_schema_dir(schema_dir, {"accounts": ACCOUNTS})
    changed = ACCOUNTS.replace("  name: String\n", "  name: String\n  bio: String\n")
    report = check_schema_dir(schema_dir, {"accounts": changed}, allow_breaking=True)
    assert report.status == 1
    assert report.stale
    assert any("accounts.graphql: differs from the code" in line for line in report.lines)
    assert "safe      FIELD_ADDED: User.bio was added." in report.lines


def test_check_fails_on_a_hand_edited_supergraph(schema_dir: Path) -> None:
    compose_schema_dir(schema_dir, {"accounts": ACCOUNTS})
    path = schema_dir / "supergraph.graphql"
    path.write_text(path.read_text().replace("  name: String\n", "  name: String\n  x: Int\n"))
    report = check_schema_dir(schema_dir, {"accounts": ACCOUNTS}, allow_breaking=True)
    assert report.status == 1
    assert any("supergraph.graphql: differs from the code" in line for line in report.lines)


def test_breaking_changes_against_a_baseline_fail_unless_allowed(schema_dir: Path) -> None:
    compose_schema_dir(schema_dir, {"accounts": ACCOUNTS})
    baseline = (schema_dir / "supergraph.graphql").read_text()
    without_name = ACCOUNTS.replace("  name: String\n", "")
    compose_schema_dir(schema_dir, {"accounts": without_name})
    strict = check_schema_dir(
        schema_dir, {"accounts": without_name}, allow_breaking=False, baseline_sdl=baseline
    )
    assert strict.status == 1
    assert not strict.stale
    assert "breaking  FIELD_REMOVED: Field User.name was removed." in strict.lines
    allowed = check_schema_dir(
        schema_dir, {"accounts": without_name}, allow_breaking=True, baseline_sdl=baseline
    )
    assert allowed.status == 0


def test_routing_for_an_unknown_environment_is_an_error(schema_dir: Path) -> None:
    with pytest.raises(CommandError, match='no "staging" URL'):
        read_routing(schema_dir, "staging")


def test_the_cli_composes_and_checks(schema_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "beyond.commands.schema.exported_sdls", lambda: {"accounts": ACCOUNTS}
    )
    assert main(["schema", "check", "--schema-dir", str(schema_dir)]) == 1
    assert main(["schema", "compose", "--schema-dir", str(schema_dir)]) == 0
    assert main(["schema", "check", "--schema-dir", str(schema_dir)]) == 0


def test_the_checked_in_contract_is_up_to_date() -> None:
    from beyond.services import export_sdls

    schema_dir = Path(__file__).resolve().parents[2] / "schema"
    report = check_schema_dir(schema_dir, export_sdls(), allow_breaking=False)
    assert report.status == 0, "\n".join(report.lines)
    assert set(read_routing(schema_dir)) >= set(export_sdls())

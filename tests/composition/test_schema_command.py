"""``beyond schema compose`` and ``beyond schema check`` on a contract folder."""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from beyond.cli import main
from beyond.commands import CommandError
from beyond.commands.schema import (
    check_schema_dir,
    compose_schema_dir,
    fetch_sdls,
    read_routing,
)

HEADER = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
ACCOUNTS = (
    HEADER
    + """
type User @key(fields: "id") {
  id: ID!
  name: String
}

type Query {
  me: User
}
"""
)
SOCIAL = (
    HEADER
    + """
type User @key(fields: "id") {
  id: ID!
  followerCount: Int!
}
"""
)
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
    assert (
        'ACCOUNTS @join__graph(name: "accounts", url: "http://127.0.0.1:4001/graphql")'
        in supergraph
    )
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
    monkeypatch.setattr("beyond.commands.schema.exported_sdls", lambda: {"accounts": ACCOUNTS})
    assert main(["schema", "check", "--schema-dir", str(schema_dir)]) == 1
    assert main(["schema", "compose", "--schema-dir", str(schema_dir)]) == 0
    assert main(["schema", "check", "--schema-dir", str(schema_dir)]) == 0


def test_the_checked_in_contract_is_up_to_date() -> None:
    from beyond.domains import export_sdls

    schema_dir = Path(__file__).resolve().parents[2] / "schema"
    report = check_schema_dir(schema_dir, export_sdls(), allow_breaking=False)
    assert report.status == 0, "\n".join(report.lines)
    assert set(read_routing(schema_dir)) >= set(export_sdls())


class _ServiceSdl(BaseHTTPRequestHandler):
    sdl = ACCOUNTS

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        query = json.loads(self.rfile.read(length))["query"]
        body = {"data": {"_service": {"sdl": self.sdl}}} if "_service" in query else {}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_: object) -> None:
        pass


def test_compose_from_urls_fetches_each_subgraph_sdl(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ServiceSdl)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/graphql"
        (tmp_path / "subgraphs.toml").write_text(f'[subgraphs.accounts]\ndev = "{url}"\n')
        assert main(["schema", "compose", "--from-urls", "--schema-dir", str(tmp_path)]) == 0
    finally:
        server.shutdown()
        server.server_close()
    assert (tmp_path / "subgraphs" / "accounts.graphql").read_text() == ACCOUNTS
    assert f'url: "{url}"' in (tmp_path / "supergraph.graphql").read_text()


def test_from_urls_says_which_subgraph_is_down(schema_dir: Path) -> None:
    (schema_dir / "subgraphs.toml").write_text(
        '[subgraphs.accounts]\ndev = "http://127.0.0.1:9/graphql"\n'
    )
    with pytest.raises(CommandError, match="cannot fetch the SDL of accounts"):
        fetch_sdls(read_routing(schema_dir), timeout=2)


def test_check_against_a_git_revision_classifies_changes_since_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    schema_dir = tmp_path / "schema"
    schema_dir.mkdir()
    (schema_dir / "subgraphs.toml").write_text(ROUTING)
    compose_schema_dir(schema_dir, {"accounts": ACCOUNTS})
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    without_name = ACCOUNTS.replace("  name: String\n", "")
    compose_schema_dir(schema_dir, {"accounts": without_name})
    monkeypatch.setattr("beyond.commands.schema.exported_sdls", lambda: {"accounts": without_name})
    argv = ["schema", "check", "--schema-dir", str(schema_dir), "--against", "HEAD"]
    assert main(argv) == 1
    assert "breaking  FIELD_REMOVED: Field User.name was removed." in capsys.readouterr().out
    assert main([*argv, "--allow-breaking"]) == 0


def test_a_broken_baseline_is_reported_in_one_line(schema_dir: Path) -> None:
    with pytest.raises(CommandError, match="supergraph to compare with is not valid"):
        check_schema_dir(
            schema_dir, {"accounts": ACCOUNTS}, allow_breaking=False, baseline_sdl="type {"
        )

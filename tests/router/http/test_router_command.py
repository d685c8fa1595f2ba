"""``beyond router``: argument mistakes end in one readable line and status 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from beyond.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["router"], "no supergraph: pass --supergraph PATH"),
        (["router", "--supergraph", "s.graphql", "--listen", "4000"], "--listen must be HOST:PORT"),
        (["router", "--supergraph", "missing.graphql"], "cannot read supergraph missing.graphql"),
        (["router", "--config", "nope.toml"], "cannot read config nope.toml"),
        (
            ["router", "explain", "--supergraph", "missing.graphql", "q.graphql"],
            "cannot read supergraph missing.graphql",
        ),
    ],
)
def test_mistakes_are_one_line_and_status_1(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_a_bad_supergraph_is_reported_before_serving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    supergraph = tmp_path / "bad.graphql"
    supergraph.write_text("type Query {")
    assert main(["router", "--supergraph", str(supergraph)]) == 1
    assert "cannot be served" in capsys.readouterr().err

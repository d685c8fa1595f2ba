"""``./scripts/dev`` installs the project only when ``pyproject.toml`` changed.

The script runs for real in a copy of the project's layout whose ``.venv``
holds stand-ins for python and ``beyond`` that record how they were called.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "dev", tmp_path / "scripts" / "dev")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "beyond"\n')
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "beyond"):
        stub = bin_dir / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "$(dirname "$0")/../calls"\n')
        stub.chmod(0o755)
    return tmp_path


def _start(project: Path) -> list[str]:
    calls = project / ".venv" / "calls"
    calls.unlink(missing_ok=True)
    subprocess.run(["bash", "scripts/dev", "--seed"], cwd=project, check=True, timeout=30)
    return calls.read_text().splitlines()


def test_the_project_is_installed_again_only_after_pyproject_changes(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first = _start(project)
    assert any("pip install --quiet -e ." in call for call in first)
    assert first[-1] == "beyond dev --seed"
    assert _start(project) == ["beyond dev --seed"]
    (project / "pyproject.toml").write_text('[project]\nname = "beyond"\nversion = "2"\n')
    assert any("pip install --quiet -e ." in call for call in _start(project))
    assert _start(project) == ["beyond dev --seed"]

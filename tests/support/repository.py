"""A copy of the repository (the files git tracks or would track), for tests that change code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from beyond.domain_folders import ROOT


def copy_of_the_repository(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = ROOT / relative
        if relative.startswith("tests/node/") or not source.exists():
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / relative, follow_symlinks=False)

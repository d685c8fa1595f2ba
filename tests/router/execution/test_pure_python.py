"""The execution hot path runs the same compiled (mypyc) or as Python, and never from a stale build.

The install compiles :data:`router.execution.native.COMPILED` when it can;
these tests run every executor test on the Python sources as well, and pin
down when the compiled modules are used.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from router.execution import native

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
SELF = "test_the_executor_tests_pass_on_the_python_sources"


def test_the_executor_tests_pass_on_the_python_sources() -> None:
    if not native.compiled():
        pytest.skip("this process runs the Python sources already: the other tests cover them")
    env = {**os.environ, native.PURE_PYTHON_VARIABLE: "1"}
    this_test = f"{Path(__file__).relative_to(ROOT)}::{SELF}"
    command = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider"]
    command += ["-q", str(HERE), "--deselect", this_test]
    ran = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]


def test_the_switch_imports_the_python_sources() -> None:
    env = {**os.environ, native.PURE_PYTHON_VARIABLE: "1"}
    probe = "from router.execution import native; print(native.compiled())"
    ran = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == "False"


def digests() -> dict[str, str]:
    package = Path(native.__file__).parent
    return {
        name: hashlib.sha256((package / f"{name}.py").read_bytes()).hexdigest()
        for name in native.COMPILED
    }


def test_a_build_is_used_only_while_its_record_matches_the_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(native.PURE_PYTHON_VARIABLE, raising=False)
    record = tmp_path / "native.json"
    monkeypatch.setattr(native, "_RECORD", record)
    assert native.sources_wanted() == "no record of a compiled build"
    record.write_text(json.dumps(digests()))
    assert native.sources_wanted() is None
    record.write_text(json.dumps({**digests(), "tree": "0" * 64}))
    assert native.sources_wanted() == "tree.py changed since it was compiled"
    record.write_text(json.dumps(digests()))
    monkeypatch.setenv(native.PURE_PYTHON_VARIABLE, "1")
    assert native.sources_wanted() == f"{native.PURE_PYTHON_VARIABLE} is set"

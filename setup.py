"""The router's execution hot path, compiled with mypyc when it can be; pure Python when not.

Everything else about the package is in ``pyproject.toml``. The modules in
``router.execution.native.COMPILED`` are compiled to C extensions by mypyc
(it comes with mypy, a build requirement) on every install, editable ones
included. Compiling is an optimisation only: if mypyc or the C compiler
fails, or ``BEYOND_PURE_PYTHON=1`` is set, the install goes on without the
extensions and the same modules run as Python. A record of the sources
compiled (``router/execution/native.json``) lets the package tell a current
build from a stale one, and it runs the Python sources when they changed
since (see ``router/execution/native.py``).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).parent


def _compiled() -> tuple[str, ...]:
    """``COMPILED`` of router/execution/native.py, read without importing the package."""
    native = ast.parse((HERE / "router/execution/native.py").read_text())
    for statement in native.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "COMPILED" for target in statement.targets
        ):
            return tuple(ast.literal_eval(statement.value))
    raise RuntimeError("router/execution/native.py names no COMPILED modules")


COMPILED = _compiled()
SOURCES = [f"router/execution/{name}.py" for name in COMPILED]
RECORD = "router/execution/native.json"
# mypyc type-checks what it compiles. Without the project's mypy configuration (its
# plugins may not be installed where the build runs) and with what is not installed as Any.
MYPY_OPTIONS = ["--config-file=", "--ignore-missing-imports", "--follow-imports=silent"]


def _say(message: str) -> None:
    print(f"beyond: {message}", file=sys.stderr)


# The commands that build: the others (the metadata pip asks for first) need no compiling.
BUILDING = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}


def _extensions() -> list[Any]:
    if not BUILDING.intersection(sys.argv[1:]):
        return []
    if os.environ.get("BEYOND_PURE_PYTHON"):
        _say("BEYOND_PURE_PYTHON is set: the execution hot path stays pure Python")
        return []
    try:
        from mypyc.build import mypycify

        return list(
            mypycify(
                [*MYPY_OPTIONS, *SOURCES], opt_level="3", group_name="router.execution.compiled"
            )
        )
    except BaseException as exc:  # mypyc exits on type errors: keep installing
        _say(f"mypyc could not compile the execution hot path ({exc!r}); it stays pure Python")
        return []


class _OptionalBuildExt(build_ext):
    """Build the compiled modules, or none of them: a failure leaves pure Python, not an error."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:
            _say(f"compiling the execution hot path failed ({exc!r}); it stays pure Python")
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            (self._root() / RECORD).unlink(missing_ok=True)
            return
        if self.extensions:
            self._record()

    def _root(self) -> Path:
        return HERE if self.inplace else Path(self.build_lib)

    def _record(self) -> None:
        """Which sources the extensions were built from, next to them."""
        digests = {
            name: hashlib.sha256((HERE / source).read_bytes()).hexdigest()
            for name, source in zip(COMPILED, SOURCES, strict=True)
        }
        target = self._root() / RECORD
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n")


setup(ext_modules=_extensions(), cmdclass={"build_ext": _OptionalBuildExt})

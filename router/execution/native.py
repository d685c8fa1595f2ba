"""Which execution modules run compiled, and the way back to their Python sources.

The modules in :data:`COMPILED` are the execution hot path (the tree walk
and merge, representations, shaping without paths). The install compiles
them with mypyc when it can (``setup.py``) and records the digest of each
source it compiled in ``native.json`` beside them. The compiled modules are
used only while that record matches the sources: after a source changes
(an edit, a checkout) and until the next install, and whenever
``BEYOND_PURE_PYTHON`` is set, the package imports the Python sources
instead, so a stale build never runs: importing this module (the package
does, first) puts a finder for them ahead of the extension modules. :func:`compiled` says
which one the process runs. Behaviour is the same either way; the tests run
both (``tests/router/execution/test_pure_python.py``).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# setup.py reads this tuple (as a literal) to know what to compile.
COMPILED = ("tree", "representations", "shaping_fast")
PURE_PYTHON_VARIABLE = "BEYOND_PURE_PYTHON"
_PACKAGE = __name__.rpartition(".")[0]
_HERE = Path(__file__).parent
_RECORD = _HERE / "native.json"


def sources_wanted() -> str | None:
    """Why the Python sources must run instead of the compiled modules, or ``None``."""
    if os.environ.get(PURE_PYTHON_VARIABLE):
        return f"{PURE_PYTHON_VARIABLE} is set"
    try:
        recorded = json.loads(_RECORD.read_text())
    except (OSError, ValueError):
        return "no record of a compiled build"
    for name in COMPILED:
        digest = hashlib.sha256((_HERE / f"{name}.py").read_bytes()).hexdigest()
        if recorded.get(name) != digest:
            return f"{name}.py changed since it was compiled"
    return None


class _Sources(importlib.abc.MetaPathFinder):
    """Finds the compiled modules' Python sources ahead of the extension modules."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != _PACKAGE or name not in COMPILED:
            return None
        return importlib.util.spec_from_file_location(fullname, _HERE / f"{name}.py")


def install() -> None:
    """Import the Python sources of :data:`COMPILED` when the compiled build is not to be used."""
    if sources_wanted() is not None and not any(isinstance(f, _Sources) for f in sys.meta_path):
        sys.meta_path.insert(0, _Sources())


def compiled() -> bool:
    """Whether this process runs the compiled modules (all of them, or none)."""
    modules = [importlib.import_module(f"{_PACKAGE}.{name}") for name in COMPILED]
    return all(not (m.__file__ or "").endswith(".py") for m in modules)


install()

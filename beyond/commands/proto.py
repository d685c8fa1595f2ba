"""``beyond proto [--check]``: regenerate the gRPC stubs next to every ``.proto``.

Each ``x.proto`` under ``contracts/`` (one package per owning domain), ``shared/``
and ``tests/`` gets
``x_pb2.py``, ``x_pb2_grpc.py`` and ``x_pb2.pyi`` in its own folder. protoc
writes imports of sibling protos as bare module names (``import x_pb2``),
which only work with that folder on ``sys.path``; they are rewritten to
package-relative imports (``from . import x_pb2``). ``--check`` writes
nothing and fails when a checked-in stub differs from a fresh one.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from beyond.commands import CommandError

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = ("contracts", "subgraphs", "shared", "tests")
_BARE_IMPORT = re.compile(r"^import (\w+_pb2) as (\w+)$", re.MULTILINE)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "proto", help="regenerate gRPC stubs next to each .proto (--check: verify only)"
    )
    parser.add_argument("--check", action="store_true", help="fail if a stub is out of date")
    parser.set_defaults(handler=handle)


def find_protos(root: Path = ROOT) -> list[Path]:
    return sorted(
        path
        for folder in SOURCE_FOLDERS
        for path in (root / folder).rglob("*.proto")
        if "node_modules" not in path.parts
    )


def generate(proto: Path) -> dict[Path, str]:
    """The stubs of ``proto``: path next to it → content, with imports made relative."""
    import tempfile
    from importlib import resources

    from grpc_tools import protoc

    well_known = resources.files("grpc_tools") / "_proto"
    with tempfile.TemporaryDirectory() as out:
        status = protoc.main(
            [
                "grpc_tools.protoc",
                f"-I{proto.parent}",
                f"-I{well_known}",
                f"--python_out={out}",
                f"--grpc_python_out={out}",
                f"--pyi_out={out}",
                proto.name,
            ]
        )
        if status != 0:
            raise CommandError(f"protoc failed on {proto}")
        return {
            proto.parent / path.name: _BARE_IMPORT.sub(r"from . import \1 as \2", path.read_text())
            for path in sorted(Path(out).iterdir())
        }


def stale_stubs(root: Path = ROOT) -> list[Path]:
    """Stubs that are missing or differ from what ``beyond proto`` would write."""
    return [
        path
        for proto in find_protos(root)
        for path, content in generate(proto).items()
        if not path.exists() or path.read_text() != content
    ]


def handle(args: argparse.Namespace) -> int:
    if args.check:
        stale = stale_stubs()
        if stale:
            listed = ", ".join(str(path.relative_to(ROOT)) for path in stale)
            raise CommandError(f"stale gRPC stubs (run `beyond proto`): {listed}")
        return 0
    for proto in find_protos():
        for path, content in generate(proto).items():
            path.write_text(content)
            print(path.relative_to(ROOT))
    return 0

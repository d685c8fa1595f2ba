"""``beyond persisted-queries manifest``: the safelist of the clients' operations.

::

    beyond persisted-queries manifest CLIENT_PATH... [--output FILE]

Reads every ``.graphql`` file under the paths (files or folders) and writes
Apollo's persisted query manifest (``[persisted_queries] safelist`` in the
router's config) to ``FILE``, or prints it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from beyond.commands import CommandError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "persisted-queries",
        help="write the persisted query manifest of the clients' operations",
        description="Persisted operations: the safelist the router enforces.",
    )
    nested = parser.add_subparsers(dest="persisted_command", metavar="ACTION", required=True)
    manifest = nested.add_parser(
        "manifest", help="write Apollo's persisted query manifest from .graphql files"
    )
    manifest.add_argument("paths", type=Path, nargs="+", metavar="CLIENT_PATH")
    manifest.add_argument("--output", "-o", type=Path, metavar="FILE")
    manifest.set_defaults(handler=write_manifest)


def write_manifest(args: argparse.Namespace) -> int:
    from router.http.manifest import ManifestError, build_manifest

    files: list[Path] = []
    for path in args.paths:
        if path.is_dir():
            files += sorted(path.rglob("*.graphql"))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{path} is neither a file nor a folder")
    if not files:
        raise CommandError("no .graphql files found")
    try:
        manifest = build_manifest(files)
    except (ManifestError, OSError) as exc:
        raise CommandError(str(exc)) from None
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0

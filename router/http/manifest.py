"""Apollo's persisted query manifest: written from clients' ``.graphql`` files, read as a safelist.

The format is Apollo's (``@apollo/generate-persisted-query-manifest``)::

    {"format": "apollo-persisted-query-manifest", "version": 1,
     "operations": [{"id": "<sha256 of body>", "name": "Feed", "type": "query",
                     "body": "query Feed { … } fragment … "}]}

Each operation's body is the operation followed by the fragments it uses,
printed by graphql-core, and its id the SHA-256 of that body, so a client
may send either the id (``extensions.persistedQuery.sha256Hash``) or the body.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
    print_ast,
    separate_operations,
)

MANIFEST_FORMAT = "apollo-persisted-query-manifest"


class ManifestError(Exception):
    """A client file that does not parse, or a manifest that is not Apollo's format."""


class Safelist:
    """The operations of a manifest: bodies by id."""

    def __init__(self, bodies: Mapping[str, str]) -> None:
        self.bodies = dict(bodies)
        self._allowed = frozenset(self.bodies.values())

    def allows(self, body: str) -> bool:
        return body in self._allowed


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def build_manifest(files: Iterable[Path]) -> dict[str, Any]:
    """The manifest of every named operation in ``files`` (sorted by name, then id)."""
    operations: dict[str, dict[str, str]] = {}
    for path in files:
        try:
            document = parse(path.read_text(encoding="utf-8"))
        except GraphQLSyntaxError as exc:
            raise ManifestError(f"{path}: {exc.message}") from None
        for name, separated in separate_operations(document).items():
            (operation,) = [
                d for d in separated.definitions if isinstance(d, OperationDefinitionNode)
            ]
            if not name:
                raise ManifestError(f"{path}: every persisted operation needs a name")
            body = print_ast(separated)
            entry = {
                "id": sha256_hex(body),
                "name": name,
                "type": operation.operation.value,
                "body": body,
            }
            if operations.get(name, entry)["id"] != entry["id"]:
                raise ManifestError(f"{path}: two different operations are named {name}")
            operations[name] = entry
    return {
        "format": MANIFEST_FORMAT,
        "version": 1,
        "operations": sorted(operations.values(), key=lambda o: (o["name"], o["id"])),
    }


def load_safelist(path: Path) -> Safelist:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"cannot read the manifest {path}: {exc}") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != MANIFEST_FORMAT
        or manifest.get("version") != 1
        or not isinstance(manifest.get("operations"), list)
    ):
        raise ManifestError(f"{path} is not an {MANIFEST_FORMAT} (version 1)")
    bodies: dict[str, str] = {}
    for entry in manifest["operations"]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("id"), str)
            and isinstance(entry.get("body"), str)
        ):
            raise ManifestError(f"{path}: each operation needs a string id and body")
        bodies[entry["id"]] = entry["body"]
    return Safelist(bodies)

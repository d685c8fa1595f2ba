"""Just enough of a Dockerfile reader to lay out what a build would copy, without an engine.

Stages (``FROM … AS name``), ``WORKDIR``, ``COPY [--from=stage] [--chown=…] SRC… DEST``
(shell and JSON forms) and every other instruction as text. The build context is
filtered by ``.dockerignore`` (``*``, ``?``, ``**`` and ``!`` exceptions, matched
against the slash-separated path from the context root, a match on a directory
excluding all under it), as ``docker build`` does.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Copy:
    sources: tuple[str, ...]
    destination: str
    from_stage: str | None


@dataclass
class Stage:
    image: str
    name: str | None
    workdir: str = "/"
    copies: list[Copy] = field(default_factory=list)
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def arguments(self, keyword: str) -> list[str]:
        return [rest for word, rest in self.instructions if word == keyword]


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    return lines


def _words(rest: str) -> list[str]:
    if rest.startswith("["):
        words: list[str] = json.loads(rest)
        return words
    return rest.split()


def parse(text: str) -> list[Stage]:
    stages: list[Stage] = []
    for line in _logical_lines(text):
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "FROM":
            match = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", rest, flags=re.IGNORECASE)
            assert match, f"cannot read FROM {rest}"
            stages.append(Stage(image=match[1], name=match[2]))
            continue
        assert stages, f"{keyword} before FROM"
        stage = stages[-1]
        stage.instructions.append((keyword, rest))
        if keyword == "WORKDIR":
            stage.workdir = str(PurePosixPath(stage.workdir) / rest)
        elif keyword == "COPY":
            flags = re.findall(r"--(\w+)=(\S+)\s*", rest)
            words = _words(re.sub(r"--\w+=\S+\s*", "", rest))
            stage.copies.append(
                Copy(
                    sources=tuple(words[:-1]),
                    destination=str(PurePosixPath(stage.workdir) / words[-1]),
                    from_stage=dict(flags).get("from"),
                )
            )
    return stages


def read_ignore(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def _matches(pattern: str, relative: str) -> bool:
    pattern = pattern.strip("/")
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    if pattern.startswith("**/"):
        tail = pattern[3:]
        return any(fnmatch.fnmatchcase(part, tail) for part in parts) or any(
            fnmatch.fnmatchcase(prefix, tail) for prefix in prefixes
        )
    return any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes)


def ignored(relative: str, patterns: list[str]) -> bool:
    verdict = False
    for pattern in patterns:
        if pattern.startswith("!"):
            if _matches(pattern[1:], relative):
                verdict = False
        elif _matches(pattern, relative):
            verdict = True
    return verdict


def copy_from_context(copy: Copy, context: Path, root: Path, patterns: list[str]) -> None:
    """Lay ``copy``'s sources from the build ``context`` into the filesystem at ``root``."""
    target = root / copy.destination.lstrip("/")
    several = len(copy.sources) > 1 or copy.destination.endswith("/")
    for source in copy.sources:
        origin = context / source
        assert origin.exists(), f"COPY {source}: not in the build context"
        files = (
            [origin] if origin.is_file() else sorted(p for p in origin.rglob("*") if p.is_file())
        )
        for path in files:
            relative = path.relative_to(context).as_posix()
            if ignored(relative, patterns):
                continue
            if origin.is_file():
                placed = target / path.name if several else target
            else:
                placed = target / path.relative_to(origin)
            placed.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, placed)

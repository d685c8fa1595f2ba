"""The composition corpus: one folder per case under ``cases/``.

A case holds subgraph SDLs (``<subgraph>.graphql``, the subgraph named after the file) and
either ``expected.graphql`` (the supergraph) or ``expected-errors.txt`` (one error code a
line). A ``README`` says what the case covers. Apollo's composition must take the same
decision, with the same supergraph or error codes, on every case, except where the case
has an ``apollo-differs`` note saying why we deliberately differ; the differential test
then checks that the difference is still there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graphql import DirectiveNode, DocumentNode, Visitor, parse, print_ast, visit

from composition import SubgraphSDL

CASES = Path(__file__).resolve().parent / "cases"
NODE_DIR = Path(__file__).resolve().parent.parent / "node"


@dataclass(frozen=True)
class Case:
    name: str
    path: Path

    @property
    def subgraphs(self) -> list[SubgraphSDL]:
        return [
            SubgraphSDL(p.stem, f"http://{p.stem}.example/graphql", p.read_text())
            for p in sorted(self.path.glob("*.graphql"))
            if p.name != "expected.graphql"
        ]

    @property
    def expected_supergraph(self) -> str | None:
        path = self.path / "expected.graphql"
        return path.read_text() if path.exists() else None

    @property
    def expected_errors(self) -> list[str] | None:
        path = self.path / "expected-errors.txt"
        if not path.exists():
            return None
        return sorted({line.strip() for line in path.read_text().splitlines() if line.strip()})

    @property
    def apollo_differs(self) -> str | None:
        path = self.path / "apollo-differs"
        return path.read_text().strip() if path.exists() else None


def cases() -> list[Case]:
    return [Case(p.name, p) for p in sorted(CASES.iterdir()) if p.is_dir()]


def normalize(sdl: str) -> str:
    """An SDL with its definitions and every directive's arguments sorted, printed evenly."""
    document = visit(parse(sdl, no_location=True), _SortDirectiveArguments())
    definitions = sorted(
        document.definitions,
        key=lambda d: (d.kind, getattr(getattr(d, "name", None), "value", "")),
    )
    return print_ast(DocumentNode(definitions=tuple(definitions)))


class _SortDirectiveArguments(Visitor):
    def enter_directive(self, node: DirectiveNode, *_: object) -> DirectiveNode:
        arguments = tuple(sorted(node.arguments or (), key=lambda a: a.name.value))
        return DirectiveNode(name=node.name, arguments=arguments)


@cache
def apollo_outcomes() -> dict[str, dict[str, object]]:
    """Every case composed by ``@apollo/composition``, in one node process."""
    return compose_with_apollo(
        {
            case.name: [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in case.subgraphs]
            for case in cases()
        }
    )


def compose_with_apollo(
    batches: dict[str, list[dict[str, str]]],
) -> dict[str, dict[str, object]]:
    """Compose each named list of subgraphs (name, url, sdl) with ``@apollo/composition``."""
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "@apollo" / "composition").exists():
        raise RuntimeError("node and the npm packages in tests/node are needed (npm ci there)")
    completed = subprocess.run(
        [node, str(NODE_DIR / "compose.mjs")],
        input=json.dumps({"cases": batches}),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    outcomes: dict[str, dict[str, object]] = json.loads(completed.stdout)
    return outcomes

"""Which domains exist, by their folders alone: no domain code is imported.

``beyond``'s argument parser names its choices from here, so ``--help`` and a
mistyped service answer without loading any service (:mod:`beyond.domains`
imports each domain's spec).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUBGRAPHS = ROOT / "subgraphs"


def domain_names(subgraphs: Path = SUBGRAPHS) -> list[str]:
    return sorted(
        path.name
        for path in subgraphs.iterdir()
        if (path / "__init__.py").exists() and not path.name.startswith("_")
    )

"""Composition errors: a code (Apollo's name where one exists) and a message naming the
subgraphs and the schema coordinate involved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CompositionError:
    """One reason the subgraphs do not compose."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def quoted_list(names: Sequence[str]) -> str:
    """``"a"``, ``"a" and "b"``, ``"a", "b" and "c"``: how Apollo lists subgraphs in messages."""
    quoted = [f'"{n}"' for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]

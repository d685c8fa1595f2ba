"""Shrink an oracle difference to a small fixture.

``python -m tests.router.oracle.minimise --seed 7 [--operations N | --query Q --variables V]
[--scopes S] [--split OUT.graphql]`` takes the first difference among split ``seed``'s first ``N``
generated operations (or the given one) and drops selections, arguments, directives and
variables one at a time for as long as the same kind of difference remains. With
``--split`` it then drops the split's field declarations one at a time the same way
(recomposing each time) and writes the smaller supergraph to ``OUT.graphql``, for a
planner case. Prints the fixture line for ``fixtures.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from graphql import DocumentNode, Node, parse, print_ast

from tests.router.oracle.run import Asked, compose, generated, serving
from tests.router.oracle.splits import split
from tests.router.oracle.subgraph import Subgraph


def _kind(reason: str | None) -> str | None:
    """The kind of difference: data, errors or shape (the rest names values)."""
    return None if not reason else reason.split(" at ")[0].split(":")[0][:14]


def _slots(node: Node, found: list[tuple[Node, str, int]]) -> None:
    """Every (node, list attribute, index) whose item can be dropped, in document order."""
    for attribute in ("arguments", "directives", "selections", "values"):
        items = getattr(node, attribute, None)
        if (
            isinstance(items, tuple | list)
            and items
            and not (attribute in ("selections", "values") and len(items) == 1)
        ):
            found.extend((node, attribute, index) for index in range(len(items)))
    for key in node.keys:
        child = getattr(node, key, None)
        children = child if isinstance(child, tuple | list) else (child,)
        for item in children:
            if isinstance(item, Node):
                _slots(item, found)


def _variants(document: DocumentNode) -> Iterator[DocumentNode]:
    """``document`` with one item dropped, each way it can be."""
    count = len(_collect(document))
    for index in range(count):
        variant = copy.deepcopy(document)
        node, attribute, position = _collect(variant)[index]
        items = list(getattr(node, attribute))
        del items[position]
        object.__setattr__(node, attribute, tuple(items))  # AST nodes are frozen
        yield variant


def _collect(document: DocumentNode) -> list[tuple[Node, str, int]]:
    found: list[tuple[Node, str, int]] = []
    for definition in document.definitions:
        _slots(definition, found)
    return found


def _pruned(document: DocumentNode, variables: dict[str, Any]) -> Asked:
    """The text of ``document`` without the variables its body no longer uses."""
    operation = document.definitions[0]
    body = print_ast(operation.selection_set)  # type: ignore[attr-defined]
    used = [
        d
        for d in operation.variable_definitions or ()  # type: ignore[attr-defined]
        if f"${d.variable.name.value}" in body
    ]
    object.__setattr__(operation, "variable_definitions", tuple(used))
    names = {d.variable.name.value for d in used}
    return print_ast(document), {k: v for k, v in variables.items() if k in names}


async def shrink_operation(
    subgraphs: Sequence[Subgraph],
    supergraph: str,
    query: str,
    variables: dict[str, Any],
    scopes: frozenset[str] | None = None,
) -> Asked:
    """``query`` shrunk while it keeps its kind of difference, asked with a token granting
    ``scopes`` (``None``: without a token)."""
    async with serving(subgraphs, supergraph) as served:
        reason, _, _ = await served.ask(query, variables, scopes)
        wanted = _kind(reason)
        assert wanted, f"no difference to shrink: {reason!r}"
        document = parse(query)
        shrunk = True
        while shrunk:
            shrunk = False
            for variant in _variants(document):
                text, values = _pruned(variant, variables)
                if _kind((await served.ask(text, values, scopes))[0]) == wanted:
                    document, query, variables, shrunk = parse(text), text, values, True
                    break
    return query, variables


async def shrink_split(
    subgraphs: list[Subgraph], asked: Asked, say: Callable[[str], None]
) -> tuple[list[Subgraph], str]:
    """``subgraphs`` with every field declaration dropped that the difference does not need."""
    supergraph = compose(subgraphs)
    async with serving(subgraphs, supergraph) as served:
        wanted = _kind((await served.ask(*asked))[0])
    candidates = [
        (graph.name, type_name, field_name)
        for graph in subgraphs
        for type_name, fields in graph.types.items()
        for field_name in fields
        if field_name != "id"
    ]
    for graph_name, type_name, field_name in candidates:
        trial = copy.deepcopy(subgraphs)
        graph = next(g for g in trial if g.name == graph_name)
        del graph.types[type_name][field_name]
        try:
            composed = compose(trial)
        except RuntimeError:
            continue
        async with serving(trial, composed) as served:
            if _kind((await served.ask(*asked))[0]) == wanted:
                subgraphs, supergraph = trial, composed
                say(f"dropped {graph_name}: {type_name}.{field_name}")
    return subgraphs, supergraph


async def first_difference(seed: int, operations: int) -> Asked:
    subgraphs = split(seed)
    async with serving(subgraphs, compose(subgraphs)) as served:
        for query, variables in generated(seed, served.api_schema, operations):
            if (await served.ask(query, variables))[0]:
                return query, variables
    raise SystemExit(f"no difference in split {seed}'s first {operations} operations")


async def main(arguments: argparse.Namespace) -> str | None:
    """The fixture printed; with ``--split``, the smaller split's supergraph."""
    seed = arguments.seed
    if arguments.query:
        asked: Asked = (arguments.query, json.loads(arguments.variables))
    else:
        asked = await first_difference(seed, arguments.operations)
    print("found:", json.dumps(asked), flush=True)
    subgraphs = split(seed)
    scopes = None if arguments.scopes is None else frozenset(arguments.scopes.split())
    asked = await shrink_operation(subgraphs, compose(subgraphs), *asked, scopes)
    print("fixture:", json.dumps([seed, " ".join(asked[0].split()), asked[1]]), flush=True)
    if arguments.split:
        smaller, supergraph = await shrink_split(subgraphs, asked, print)
        for graph in smaller:
            print(f"# subgraph {graph.name}\n{graph.sdl()}")
        return supergraph
    return None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.router.oracle.minimise")
    parser.add_argument("--seed", type=int, required=True, help="split seed")
    parser.add_argument("--operations", type=int, default=1000)
    parser.add_argument("--query")
    parser.add_argument("--variables", default="{}")
    parser.add_argument("--split", help="also shrink the split; write its supergraph here")
    parser.add_argument("--scopes", help="ask with a token granting these (space-separated)")
    parsed = parser.parse_args()
    smaller = asyncio.run(main(parsed))
    if smaller is not None:
        Path(parsed.split).write_text(smaller)

"""Shaping caches kept across requests: fields collected once per operation, not once per request.

What :mod:`.shaping` collects for an object depends on the operation, on the
values of the variables its directives read (``@skip``, ``@include``,
``@defer``), on whether the answer defers and on the fragments authorization
removed for the request; nothing else. So one
:class:`~.shaping.ShapingCache` serves every request of one document with the
same such values. Bounded: the most recently used ``documents``, each with up
to ``variants`` combinations of directive values (past that, a request gets a
cache of its own, as before this existed). The document is kept in its entry,
so its identity cannot be reused while the entry lives.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from graphql import DocumentNode, FragmentDefinitionNode, Visitor, visit
from graphql.language import DirectiveNode, VariableNode

from router.execution.shaping import ShapingCache


class _DirectiveVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._depth = 0

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        self._depth += 1

    def leave_directive(self, node: DirectiveNode, *_: object) -> None:
        self._depth -= 1

    def enter_variable(self, node: VariableNode, *_: object) -> None:
        if self._depth:
            self.names.add(node.name.value)


def directive_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables read by directive arguments anywhere in ``document``, sorted."""
    visitor = _DirectiveVariables()
    visit(document, visitor)
    return tuple(sorted(visitor.names))


class _Entry:
    __slots__ = ("document", "fragments", "names", "variants")

    def __init__(self, document: DocumentNode) -> None:
        self.document = document
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.names = directive_variables(document)
        self.variants: dict[Hashable, ShapingCache] = {}


class ShapingCaches:
    def __init__(self, *, documents: int = 512, variants: int = 16) -> None:
        self._documents = documents
        self._variants = variants
        self._entries: OrderedDict[int, _Entry] = OrderedDict()

    def get(
        self,
        document: DocumentNode,
        variables: Mapping[str, Any],
        *,
        deferring: bool,
        refused: frozenset[int] = frozenset(),
    ) -> tuple[dict[str, FragmentDefinitionNode], ShapingCache]:
        """The document's fragments by name, and the cache for these values."""
        entry = self._entries.get(id(document))
        if entry is None or entry.document is not document:
            entry = self._entries[id(document)] = _Entry(document)
            if len(self._entries) > self._documents:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(id(document))
        key = (deferring, refused, *(variables.get(name) for name in entry.names))
        try:
            cache = entry.variants.get(key)
        except TypeError:  # an unhashable value: not worth caching
            return entry.fragments, ShapingCache()
        if cache is None:
            cache = ShapingCache()
            if len(entry.variants) < self._variants:
                entry.variants[key] = cache
        return entry.fragments, cache


SHAPING_CACHES = ShapingCaches()

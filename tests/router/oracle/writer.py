"""The oracle's operations: queries and mutations over the world, some deferring fragments.

:class:`WorldWriter` writes every argument now and then, inline or as a
variable. Given a random stream for them (``defers``), it also defers
fragments, that stream deciding alone, so the operations are otherwise
those written without: some inline fragments on a possible type get
``@defer``, and some selection sets move a few of their selections into a
deferred fragment, inline (with or without a type condition) or a named
fragment's spread, sometimes twice over (a deferred fragment inside
another); ``@defer`` carries a label one time in two and ``if:`` now and
then (``false``, ``true``, ``$a``), and sometimes ``@include``/``@skip``
beside it. Given a stream for them (``abstract``), it adds a fragment on an
interface to some selection sets (:meth:`WorldWriter.more`), and, given
another (``abstract_defers``), defers the same ways inside such fragments
and now and then the fragment itself; their labels and fragment names start
with ``a``, so the rest of an operation is written as without them.
:meth:`WorldWriter.mutation` writes one to three mutation fields,
each selecting what it changed and more, two in a row never on one subgraph:
the router, as Apollo's planner, sends consecutive fields of one subgraph in
one fetch and fetches their selections from other subgraphs after all of
them, where GraphQL (and the monolith) completes each field before the next.
Nothing is deferred at a mutation's root (GraphQL forbids it), nor under a
mutation of several fields: deferred fragments run after all of them, as in
graphql-js and Apollo Router, and would see the later fields' changes.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)
from graphql.type.definition import GraphQLInputType

from tests.router.operation_writer import Lineage, OperationWriter, Path
from tests.router.oracle import world


class WorldWriter(OperationWriter):
    """Operations over the world: every argument now and then, written inline or as a
    variable (with or without a default, its value given, null or left out); ``ID`` values
    name objects of the world, so ``node`` finds them."""

    def value(self, type_: GraphQLInputType) -> Any:
        if isinstance(type_, GraphQLNonNull):
            return self.value(type_.of_type)
        if isinstance(type_, GraphQLList):
            return [self.value(type_.of_type) for _ in range(self.rng.randint(1, 3))]
        named = get_named_type(type_)
        if isinstance(named, GraphQLEnumType):
            return self.rng.choice(list(named.values))
        return {
            "ID": lambda: self.rng.choice(world.IDS),
            "Int": lambda: self.rng.randint(0, 4),
            "Boolean": lambda: self.rng.random() < 0.5,
        }[named.name]()

    def written(self, type_: GraphQLInputType, value: Any) -> str:
        if isinstance(get_named_type(type_), GraphQLEnumType):
            return str(value)
        return json.dumps(value)

    def arguments(self, field: GraphQLField) -> str:
        written = []
        for name, argument in field.args.items():
            required = isinstance(argument.type, GraphQLNonNull)
            if not required and self.rng.random() < 0.6:
                continue
            written.append(f"{name}: {self.argument(argument.type, required)}")
        return f"({', '.join(written)})" if written else ""

    def argument(self, type_: GraphQLInputType, required: bool) -> str:
        roll = self.rng.random()
        if roll < 0.5:
            return self.written(type_, self.value(type_))
        if roll < 0.55 and not required:
            return "null"
        variable = f"v{len(self.definitions) + 1}"
        definition = str(type_)
        if self.rng.random() < 0.4:
            definition += f" = {self.written(type_, self.value(type_))}"
        supplied = self.rng.random()
        if supplied < 0.7 or (required and "=" not in definition):
            self.values[variable] = self.value(type_)
        elif supplied < 0.85 and not required:
            self.values[variable] = None
        self.definitions[variable] = definition
        return f"${variable}"

    def __init__(
        self,
        schema: GraphQLSchema,
        rng: random.Random,
        defers: random.Random | None = None,
        abstract: random.Random | None = None,
        abstract_defers: random.Random | None = None,
    ) -> None:
        super().__init__(schema, rng)
        self.defers = defers
        self.abstract = abstract
        self.abstract_defers = abstract_defers
        self.interfaces = [
            t
            for name, t in sorted(schema.type_map.items())
            if isinstance(t, GraphQLInterfaceType) and not name.startswith("__")
        ]
        # Named fragments written for deferred spreads, the names and labels given so far (by
        # prefix: "a" inside fragments on interfaces, so the others keep theirs), and the
        # prefix now.
        self.fragments: list[str] = []
        self.names: Counter[str] = Counter()
        self.prefix = ""

    def more(self, text: str, named: GraphQLNamedType, path: Path, lineage: Lineage) -> str:
        """Now and then a fragment on an interface ``named``'s possible types share, last."""
        if self.abstract is None or self.abstract.random() >= 0.1:
            return text
        possible = {t.name for t in self.possible(named)}
        others = [
            i
            for i in self.interfaces
            if i is not named and possible & {t.name for t in self.possible(i)}
        ]
        if not others:
            return text
        interface = self.abstract.choice(others)
        # Written from the streams of their own, so the operation is otherwise the same;
        # leaves only, as each such fragment counts once per possible type against the
        # limits; deferring (itself or inside it) where the operation may defer.
        main, defers, prefix = self.rng, self.defers, self.prefix
        self.rng, self.prefix = self.abstract, "a"
        self.defers = self.abstract_defers if defers is not None else None
        try:
            inner = self.selection(interface, 0, path, lineage)
            own = self.defer() if self.defers is not None and self.defers.random() < 0.15 else ""
        finally:
            self.rng, self.defers, self.prefix = main, defers, prefix
        return f"{text[:-1]}... on {interface.name}{own} {inner} }}"

    def possible(self, named: GraphQLNamedType) -> list[GraphQLObjectType]:
        if isinstance(named, GraphQLObjectType):
            return [named]
        assert isinstance(named, GraphQLInterfaceType | GraphQLUnionType)
        return list(self.schema.get_possible_types(named))

    def fragment_directives(self) -> str:
        directives = super().fragment_directives()
        if self.defers is not None and self.defers.random() < 0.15:
            directives += self.defer()
        return directives

    def defer(self) -> str:
        assert self.defers is not None
        arguments = []
        if self.defers.random() < 0.5:
            arguments.append(f'label: "{self.name("d")}"')
        roll = self.defers.random()
        if roll < 0.3:
            arguments.append(f"if: {self.defers.choice(('false', 'true', '$a'))}")
        condition = ""
        if roll > 0.93:
            condition = self.defers.choice((" @include(if: $a)", " @skip(if: $b)"))
        return f"{condition} @defer" + (f"({', '.join(arguments)})" if arguments else "")

    def selection_set(self, named: GraphQLNamedType, parts: list[str]) -> str:
        for _ in range(2):
            if self.defers is None or not parts or self.defers.random() >= 0.2:
                break
            parts = self.deferring(named, parts)
        return super().selection_set(named, parts)

    def deferring(self, named: GraphQLNamedType, parts: list[str]) -> list[str]:
        """``parts`` with some of them moved into a deferred fragment."""
        assert self.defers is not None
        moved = [p for p in parts if self.defers.random() < 0.5] or [self.defers.choice(parts)]
        kept = [p for p in parts if p not in moved]
        inner = "{ " + " ".join(moved) + " }"
        roll = self.defers.random()
        if roll < 0.5:
            fragment = f"...{self.defer()} {inner}"
        elif roll < 0.75:
            fragment = f"... on {named.name}{self.defer()} {inner}"
        else:
            name = self.name("f")
            self.fragments.append(f"fragment {name} on {named.name} {inner}")
            fragment = f"...{name}{self.defer()}"
        position = self.defers.randint(0, len(kept))
        return [*kept[:position], fragment, *kept[position:]]

    def name(self, kind: str) -> str:
        """A fresh fragment name (``kind`` "f") or label ("d") in the operation."""
        key = self.prefix + kind
        self.names[key] += 1
        return f"{key}{self.names[key]}"

    def start(self) -> None:
        super().start()
        self.fragments, self.names = [], Counter()

    def after(self) -> str:
        return "".join(f" {f}" for f in self.fragments)

    def mutation(self, homes: Mapping[str, str]) -> str:
        """One to three mutation fields, each selecting some of what it changed; two in a
        row never have the same home subgraph (by ``homes``)."""
        root = self.schema.mutation_type
        assert root is not None
        self.start()
        here = ((root.name, True),)
        parts: list[str] = []
        count, defers = self.rng.randint(1, 3), self.defers
        if count > 1:
            # Deferred fragments run after every root field: they would see the later ones.
            self.defers = None
        last = None
        for _ in range(count):
            fields = [(n, f) for n, f in root.fields.items() if homes[n] != last]
            if not fields:
                break
            name, field = self.rng.choice(fields)
            last = homes[name]
            arguments = self.arguments(field)
            response = self.response_name((), name, here, f"{name}{arguments}", str(field.type))
            alias = "" if response == name else f"{response}: "
            inner = self.selection(field.type, 2, (response,), here)
            parts.append(f"{alias}{name}{arguments} {inner}")
        self.defers = defers
        return self.written_operation("mutation", "{ " + " ".join(parts) + " }", self.after())

"""Mutable subgraph selections, grown while planning and printed into operation text.

A fetch group's selection is a tree of :class:`SelectionBuilder`: fields keyed
by response name, conditions and the directives of the client's fragments
around them (so a client field and the same field under ``@include`` or under
``... @directive`` stay apart, as in the client operation), and fragments
keyed by type condition. Fields under fragment directives are printed inside
``...@directive{ }`` again, one fragment per directive text, where the first
such field stood. Printing is deterministic: insertion order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from router.operation import Condition
from router.operation.model import MergeKey
from router.plan.nodes import RequiredField, RequiredFragment, RequiredSelection


@dataclass(slots=True)
class FieldBuilder:
    name: str
    alias: str | None
    arguments: tuple[tuple[str, str], ...]
    conditions: tuple[Condition, ...]
    selections: SelectionBuilder | None = None
    directives: str = ""
    wrappers: tuple[str, ...] = ()

    @property
    def response_name(self) -> str:
        return self.alias or self.name


@dataclass(slots=True)
class SelectionBuilder:
    fields: dict[MergeKey, FieldBuilder] = field(default_factory=dict)
    fragments: dict[str, SelectionBuilder] = field(default_factory=dict)

    def add_field(
        self,
        name: str,
        alias: str | None = None,
        arguments: tuple[tuple[str, str], ...] = (),
        conditions: tuple[Condition, ...] = (),
        composite: bool = False,
        directives: str = "",
        wrappers: tuple[str, ...] = (),
    ) -> FieldBuilder:
        key = (alias or name, conditions, wrappers)
        found = self.fields.get(key)
        if found is None:
            found = self.fields[key] = FieldBuilder(
                name, alias, arguments, conditions, wrappers=wrappers
            )
        found.directives = found.directives or directives
        if composite and found.selections is None:
            found.selections = SelectionBuilder()
        return found

    def fragment(self, type_condition: str) -> SelectionBuilder:
        found = self.fragments.get(type_condition)
        if found is None:
            found = self.fragments[type_condition] = SelectionBuilder()
        return found

    def is_empty(self) -> bool:
        return not self.fields and not any(not f.is_empty() for f in self.fragments.values())

    def print(self, drop: frozenset[Condition] = frozenset()) -> str:
        """Print as ``{a b:c(x:1)@include(if:$v){d}...on T{e}}``.

        ``drop`` names conditions already enforced around the whole fetch,
        which top-level fields need not repeat.
        """
        parts = _print_fields([(built, built.wrappers) for built in self.fields.values()], drop)
        for type_condition, inner in self.fragments.items():
            if not inner.is_empty():
                parts.append(f"...on {type_condition}{inner.print(drop)}")
        return "{" + " ".join(parts) + "}"

    def variables(self, into: set[str], drop: frozenset[Condition] = frozenset()) -> None:
        """Collect the variables the printed text uses (``drop`` as for :meth:`print`)."""
        for built in self.fields.values():
            for _, value in built.arguments:
                variables_in(value, into)
            variables_in(built.directives, into)
            for wrapper in built.wrappers:
                variables_in(wrapper, into)
            into.update(c.variable for c in built.conditions if c not in drop)
            if built.selections is not None:
                built.selections.variables(into)
        for inner in self.fragments.values():
            inner.variables(into, drop)


def _print_fields(
    fields: list[tuple[FieldBuilder, tuple[str, ...]]], drop: frozenset[Condition]
) -> list[str]:
    """Each field with the fragment wrappers still to open around it, printed."""
    parts: list[str] = []
    wrapped: dict[str, tuple[int, list[tuple[FieldBuilder, tuple[str, ...]]]]] = {}
    for built, wrappers in fields:
        if not wrappers:
            parts.append(_print_field(built, drop))
            continue
        if wrappers[0] not in wrapped:
            # The wrapper's place, filled once all the fields it holds are known.
            wrapped[wrappers[0]] = (len(parts), [])
            parts.append("")
        wrapped[wrappers[0]][1].append((built, wrappers[1:]))
    for directives, (index, inner) in wrapped.items():
        parts[index] = "..." + directives + "{" + " ".join(_print_fields(inner, drop)) + "}"
    return parts


def _print_field(built: FieldBuilder, drop: frozenset[Condition]) -> str:
    text = f"{built.alias}:{built.name}" if built.alias else built.name
    if built.arguments:
        text += "(" + ",".join(f"{n}:{v}" for n, v in built.arguments) + ")"
    text += built.directives
    for condition in built.conditions:
        if condition not in drop:
            directive = "include" if condition.passes_when else "skip"
            text += f"@{directive}(if:${condition.variable})"
    if built.selections is not None:
        text += built.selections.print()
    return text


def variables_in(value: str, into: set[str]) -> None:
    """Add the variables printed GraphQL ``value`` uses to ``into``."""
    # Values are printed GraphQL; a variable is ``$`` then a name. Strings may
    # contain ``$`` too, so skip string contents.
    index = 0
    in_string = False
    while index < len(value):
        char = value[index]
        if char == '"' and (index == 0 or value[index - 1] != "\\"):
            in_string = not in_string
        elif char == "$" and not in_string:
            end = index + 1
            while end < len(value) and (value[end].isalnum() or value[end] == "_"):
                end += 1
            into.add(value[index + 1 : end])
            index = end
            continue
        index += 1


def merge_into(target: SelectionBuilder, source: SelectionBuilder) -> None:
    """Add every selection of ``source`` to ``target`` (fields merge by response name)."""
    for built in source.fields.values():
        merged = target.add_field(
            built.name,
            built.alias,
            built.arguments,
            built.conditions,
            composite=built.selections is not None,
            directives=built.directives,
            wrappers=built.wrappers,
        )
        if built.selections is not None and merged.selections is not None:
            merge_into(merged.selections, built.selections)
    for type_condition, inner in source.fragments.items():
        merge_into(target.fragment(type_condition), inner)


def conflicts(existing: SelectionBuilder, incoming: SelectionBuilder) -> bool:
    """Both select one field name from different tree entries (other arguments).

    A representation holds one value per field name, so such selections
    cannot share a representation.
    """
    by_name = {built.name: built for built in existing.fields.values()}
    for built in incoming.fields.values():
        other = by_name.get(built.name)
        if other is None:
            continue
        if other.alias != built.alias:
            return True
        if (
            other.selections is not None
            and built.selections is not None
            and conflicts(other.selections, built.selections)
        ):
            return True
    for type_condition, inner in incoming.fragments.items():
        if type_condition in existing.fragments and conflicts(
            existing.fragments[type_condition], inner
        ):
            return True
    return False


def canonical(builder: SelectionBuilder) -> frozenset[object]:
    """The selection as a value that ignores order, for comparing two selections."""
    fields = frozenset(
        (
            b.name,
            b.alias,
            b.arguments,
            b.directives,
            b.wrappers,
            b.conditions,
            canonical(b.selections) if b.selections else None,
        )
        for b in builder.fields.values()
    )
    fragments = frozenset(
        (t, canonical(inner)) for t, inner in builder.fragments.items() if not inner.is_empty()
    )
    return fields | fragments


def as_required(builder: SelectionBuilder) -> tuple[RequiredSelection, ...]:
    """A representation selection as a plan's ``requires``."""
    found: list[RequiredSelection] = []
    for built in builder.fields.values():
        inner = as_required(built.selections) if built.selections is not None else ()
        found.append(RequiredField(built.name, inner, built.alias))
    for type_condition, fragment in builder.fragments.items():
        found.append(RequiredFragment(type_condition, as_required(fragment)))
    return tuple(found)

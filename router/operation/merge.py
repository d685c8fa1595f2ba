"""Normalisation pass: merge fields with one response name, conditions and fragment directives.

Validation has already proven such fields identical apart from their
sub-selections, so merging concatenates sub-selections and recurses.
Fragments on the same type merge the same way. Order is first occurrence; a
field keeps the forwarded directives of its first occurrence that has any.
A conditional leaf field is dropped when the same field is also selected
without conditions (under fragments with the same directives): it is in the
response either way. A fragment authorization
refused (``refused_at``) is kept as it is, in its place.
"""

from __future__ import annotations

from dataclasses import replace

from router.operation.model import Field, Fragment, MergeKey, Selection


def merge_selections(selections: list[Selection]) -> tuple[Selection, ...]:
    fields: dict[MergeKey, Field] = {}
    fragments: dict[str, list[Selection]] = {}
    refused: list[Fragment] = []
    order: list[tuple[str, MergeKey]] = []
    for selection in selections:
        if isinstance(selection, Fragment) and selection.refused_at is not None:
            order.append(("refused", (str(len(refused)), (), ())))
            refused.append(selection)
            continue
        if isinstance(selection, Fragment):
            if selection.type_condition not in fragments:
                fragments[selection.type_condition] = []
                order.append(("fragment", (selection.type_condition, (), ())))
            fragments[selection.type_condition].extend(selection.selections)
            continue
        key = selection.merge_key
        existing = fields.get(key)
        if existing is None:
            fields[key] = selection
            order.append(("field", key))
        else:
            fields[key] = replace(
                existing,
                selections=existing.selections + selection.selections,
                deferred=existing.deferred + selection.deferred,
                directives=existing.directives or selection.directives,
            )
    merged: list[Selection] = []
    for kind, key in order:
        if kind == "field" and key[1] and _always_there(fields, key):
            continue
        if kind == "refused":
            merged.append(refused[int(key[0])])
        elif kind == "fragment":
            merged.append(Fragment(key[0], merge_selections(fragments[key[0]])))
        else:
            field = fields[key]
            if field.selections:
                field = replace(field, selections=merge_selections(list(field.selections)))
            merged.append(field)
    return tuple(merged)


def _always_there(fields: dict[MergeKey, Field], key: MergeKey) -> bool:
    unconditional = fields.get((key[0], (), key[2]))
    return unconditional is not None and not fields[key].selections

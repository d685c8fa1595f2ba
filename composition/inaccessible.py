"""``@inaccessible`` consistency: removing the inaccessible elements must leave a valid API
schema. Checked on the merged graph; one pass over its types."""

from __future__ import annotations

from graphql import parse_type
from graphql.language import NonNullTypeNode

from composition.errors import CompositionError
from composition.model import MergedType, Supergraph
from composition.typerefs import named_type


def _required(type_ref: str, default: str | None) -> bool:
    return isinstance(parse_type(type_ref), NonNullTypeNode) and default is None


def inaccessible_rules(supergraph: Supergraph) -> list[CompositionError]:
    types = supergraph.types
    hidden = {name for name, t in types.items() if t.inaccessible}
    errors: list[CompositionError] = []

    def referenced(type_ref: str, coordinate: str) -> None:
        name = named_type(type_ref)
        if name in hidden:
            errors.append(
                CompositionError(
                    "REFERENCED_INACCESSIBLE",
                    f'Type "{name}" is @inaccessible but is referenced by "{coordinate}", which is in '
                    "the API schema.",
                )
            )

    if "Query" in hidden:
        errors.append(
            CompositionError(
                "QUERY_ROOT_TYPE_INACCESSIBLE",
                'Type "Query" is @inaccessible but is the query root type, which must be in the API '
                "schema.",
            )
        )
    for merged in types.values():
        if merged.inaccessible:
            continue
        errors.extend(_only_inaccessible_children(merged))
        for field in merged.fields.values():
            coordinate = f"{merged.name}.{field.name}"
            if (
                merged.kind == "input"
                and field.inaccessible
                and _required(field.type, field.default)
            ):
                errors.append(
                    CompositionError(
                        "REQUIRED_INACCESSIBLE",
                        f'Input field "{coordinate}" is @inaccessible but is a required input field '
                        "of its type.",
                    )
                )
            if field.inaccessible:
                errors.extend(_implemented_by_inaccessible(merged, field.name, types))
                continue
            referenced(field.type, coordinate)
            for argument in field.arguments:
                argument_coordinate = f"{coordinate}({argument.name}:)"
                if argument.inaccessible:
                    if _required(argument.type, argument.default):
                        errors.append(
                            CompositionError(
                                "REQUIRED_INACCESSIBLE",
                                f'Argument "{argument_coordinate}" is @inaccessible but is a required '
                                "argument of its field.",
                            )
                        )
                    continue
                referenced(argument.type, argument_coordinate)
    return errors


def _only_inaccessible_children(merged: MergedType) -> list[CompositionError]:
    if merged.kind in ("object", "interface", "input"):
        children = [f.inaccessible for f in merged.fields.values()]
        what = "input fields" if merged.kind == "input" else "fields"
    elif merged.kind == "enum":
        children, what = [v.inaccessible for v in merged.values.values()], "values"
    else:
        return []
    if children and all(children):
        return [
            CompositionError(
                "ONLY_INACCESSIBLE_CHILDREN",
                f'Type "{merged.name}" is in the API schema but all of its {what} are @inaccessible.',
            )
        ]
    return []


def _implemented_by_inaccessible(
    merged: MergedType, field_name: str, types: dict[str, MergedType]
) -> list[CompositionError]:
    errors = []
    for interface_name in merged.interfaces:
        interface = types.get(interface_name)
        if interface is None or interface.inaccessible:
            continue
        interface_field = interface.fields.get(field_name)
        if interface_field is not None and not interface_field.inaccessible:
            errors.append(
                CompositionError(
                    "IMPLEMENTED_BY_INACCESSIBLE",
                    f'Field "{merged.name}.{field_name}" is @inaccessible but implements the '
                    f'interface field "{interface_name}.{field_name}", which is in the API schema.',
                )
            )
    return errors

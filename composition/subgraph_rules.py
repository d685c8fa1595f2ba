"""Rules one subgraph must satisfy on its own, read from its facts: the federation version
it links allows what it uses, entity interface keys repeat on implementations, every
``@external`` field is used, default values are values of their type, and the directives
not composed yet are refused."""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    Undefined,
    print_ast,
    value_from_ast,
)

from composition.errors import CompositionError
from composition.facts import SubgraphFacts
from composition.subgraph import Element, Subgraph, applied, argument, composite_fields, has


def subgraph_rules(subgraph: Subgraph, facts: SubgraphFacts) -> list[CompositionError]:
    errors = []
    if not subgraph.is_fed1:  # Federation 1 interface keys are dropped, not checked
        errors.extend(_interface_keys_on_implementations(subgraph, facts))
    errors.extend(_unsupported(subgraph))
    errors.extend(_version_rules(subgraph, facts))
    errors.extend(_unused_externals(subgraph, facts))
    errors.extend(_invalid_defaults(subgraph))
    errors.extend(_auth_on_interfaces(subgraph, facts))
    return errors


def _auth_on_interfaces(subgraph: Subgraph, facts: SubgraphFacts) -> list[CompositionError]:
    """Access control belongs on object types and their fields, not on interfaces."""
    errors = []
    for named in subgraph.types():
        interface_object = named.name in facts.interface_objects
        if not (isinstance(named, GraphQLInterfaceType) or interface_object):
            continue
        kind = "interface object" if interface_object else "interface"
        elements: list[tuple[str, str, Element]] = [(kind, named.name, named)]
        if not interface_object:
            elements += [
                ("field", f"{named.name}.{n}", f) for n, f in composite_fields(named).items()
            ]
        for element_kind, coordinate, element in elements:
            for name in ("authenticated", "requiresScopes", "policy"):
                if has(element, name):
                    errors.append(
                        CompositionError(
                            "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
                            f"[{subgraph.name}] Invalid use of @{name} on {element_kind} "
                            f'"{coordinate}": @{name} cannot be applied on interfaces, interface '
                            "fields and interface objects",
                        )
                    )
    return errors


def _invalid_defaults(subgraph: Subgraph) -> list[CompositionError]:
    """Default values must be values of their type (GraphQL's own validation skips them)."""
    errors = []
    for named in subgraph.types():
        values: list[tuple[str, str, GraphQLArgument | GraphQLInputField]] = []
        if isinstance(named, GraphQLInputObjectType):
            values += [("input field", f"{named.name}.{n}", f) for n, f in named.fields.items()]
        for field_name, definition in composite_fields(named).items():
            values += [
                ("argument", f"{named.name}.{field_name}({n}:)", a)
                for n, a in definition.args.items()
            ]
        for kind, coordinate, value in values:
            node = value.ast_node
            if node is None or node.default_value is None:
                continue
            if value_from_ast(node.default_value, value.type) is Undefined:
                errors.append(
                    CompositionError(
                        "INVALID_GRAPHQL",
                        f"[{subgraph.name}] Invalid default value (got: "
                        f"{print_ast(node.default_value)}) provided for {kind} {coordinate} of "
                        f"type {value.type}.",
                    )
                )
    return errors


UNSUPPORTED_DIRECTIVES = ("cost", "listSize", "context", "fromContext", "composeDirective")


def _version_rules(subgraph: Subgraph, facts: SubgraphFacts) -> list[CompositionError]:
    """Uses the linked federation version does not allow, and misplaced @shareable."""
    errors = []
    version = subgraph.link.version or (1, 0)
    for named in subgraph.types():
        if not isinstance(named, GraphQLInterfaceType):
            for definition in composite_fields(named).values():
                for node in applied(definition, "override"):
                    if argument(node, "label") is not None and version < (2, 7):
                        errors.append(
                            CompositionError(
                                "INVALID_GRAPHQL",
                                f'[{subgraph.name}] Unknown argument "label" on directive "@override".',
                            )
                        )
            continue
        if facts.keys.get(named.name) and version < (2, 3) and not subgraph.is_fed1:
            errors.append(
                CompositionError(
                    "KEY_UNSUPPORTED_ON_INTERFACE",
                    f'[{subgraph.name}] Cannot use @key on interface "{named.name}": @key is not yet '
                    "supported on interfaces",
                )
            )
        for field_name, definition in named.fields.items():
            if has(definition, "shareable"):
                errors.append(
                    CompositionError(
                        "INVALID_SHAREABLE_USAGE",
                        f'[{subgraph.name}] Invalid use of @shareable on field "{named.name}.'
                        f'{field_name}": only object type fields can be marked with @shareable',
                    )
                )
    return errors


def _unsupported(subgraph: Subgraph) -> list[CompositionError]:
    """Federation directives this composer does not compose yet: refused, never dropped."""
    used: list[str] = []
    for node in subgraph.schema.ast_node, *subgraph.schema.extension_ast_nodes:
        for applied_directive in getattr(node, "directives", None) or ():
            if applied_directive.name.value in UNSUPPORTED_DIRECTIVES:
                used.append(applied_directive.name.value)
    for named in subgraph.types():
        elements: list[Element] = [named]
        for member in getattr(named, "fields", {}).values():
            elements.append(member)
            elements.extend(getattr(member, "args", {}).values())
        used.extend(n for e in elements for n in UNSUPPORTED_DIRECTIVES if has(e, n))
    return [
        CompositionError(
            "UNSUPPORTED_FEATURE",
            f"[{subgraph.name}] @{name} is not composed by this composer yet: remove it or "
            "compose with Apollo's composition",
        )
        for name in dict.fromkeys(used)
    ]


def _interface_keys_on_implementations(
    subgraph: Subgraph, facts: SubgraphFacts
) -> list[CompositionError]:
    """Each key of an entity interface is also a key of its implementations there."""
    errors = []
    for named in subgraph.types():
        if not isinstance(named, GraphQLInterfaceType):
            continue
        for key in facts.keys.get(named.name, []):
            wanted = " ".join(key.fields.split())
            for implementation in subgraph.schema.get_possible_types(named):
                have = {" ".join(k.fields.split()) for k in facts.keys.get(implementation.name, [])}
                if wanted not in have:
                    errors.append(
                        CompositionError(
                            "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                            f'[{subgraph.name}] Key @key(fields: "{key.fields}") on interface type '
                            f'"{named.name}" is missing on implementation type "{implementation.name}".',
                        )
                    )
    return errors


def _unused_externals(subgraph: Subgraph, facts: SubgraphFacts) -> list[CompositionError]:
    errors = []
    for coordinate in sorted(facts.external):
        type_name, field_name = coordinate.split(".")
        parent = subgraph.schema.type_map[type_name]
        if facts.used(coordinate) or _implements_interface_field(parent, field_name):
            continue
        if subgraph.is_fed1:
            continue
        errors.append(
            CompositionError(
                "EXTERNAL_UNUSED",
                f'[{subgraph.name}] Field "{coordinate}" is marked @external but is not used in any '
                "federation directive (@key, @provides, @requires) or to satisfy an interface; "
                "the field declaration has no use and should be removed (or the field should not be "
                "@external).",
            )
        )
    return errors


def _implements_interface_field(parent: GraphQLNamedType, field_name: str) -> bool:
    interfaces = getattr(parent, "interfaces", ())
    return any(field_name in interface.fields for interface in interfaces)

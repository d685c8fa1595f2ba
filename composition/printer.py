"""Print a merged supergraph as Federation v2 supergraph SDL, in the layout Apollo's
composition prints: the ``schema`` block with its ``@link``s, then the directive
definitions and the types, each sorted by name."""

from __future__ import annotations

import re

from graphql import StringValueNode, print_ast
from graphql.language.block_string import is_printable_as_block_string

from composition.access import access_definitions
from composition.model import (
    MergedArgument,
    MergedEnumValue,
    MergedField,
    MergedType,
    Supergraph,
    directive,
    literal,
)

LINK_DEFINITION = (
    "directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) "
    "repeatable on SCHEMA"
)
INACCESSIBLE_DEFINITION = (
    "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | "
    "ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
TAG_DEFINITION = (
    "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | "
    "ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | "
    "SCHEMA"
)
_JOIN_FIELD_ARGS = (
    "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, "
    "external: Boolean, override: String, usedOverridden: Boolean"
)
_JOIN_COMMON = {
    "join__enumValue": "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
    "join__graph": "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
    "join__implements": (
        "directive @join__implements(graph: join__Graph!, interface: String!) "
        "repeatable on OBJECT | INTERFACE"
    ),
    "join__type": (
        "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = "
        "false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on "
        "OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR"
    ),
    "join__unionMember": (
        "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION"
    ),
}
_JOIN_DIRECTIVE = (
    "directive @join__directive(graphs: [join__Graph!], name: String!, args: "
    "join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION"
)
LINK_PURPOSE = '''enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}'''
CONTEXT_ARGUMENT = """input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}"""


def _join_definitions(version: str) -> tuple[dict[str, str], dict[str, str]]:
    """Directive and type definitions of the join spec at ``version``."""
    field_args = _JOIN_FIELD_ARGS
    directives = dict(_JOIN_COMMON)
    types = {"join__FieldSet": "scalar join__FieldSet"}
    if version in ("0.4", "0.5"):
        field_args += ", overrideLabel: String"
        directives["join__directive"] = _JOIN_DIRECTIVE
        types["join__DirectiveArguments"] = "scalar join__DirectiveArguments"
    if version == "0.5":
        field_args += ", contextArguments: [join__ContextArgument!]"
        types["join__ContextArgument"] = CONTEXT_ARGUMENT
        types["join__FieldValue"] = "scalar join__FieldValue"
    directives["join__field"] = (
        f"directive @join__field({field_args}) repeatable on FIELD_DEFINITION | "
        "INPUT_FIELD_DEFINITION"
    )
    return directives, types


def sort_key(name: str) -> tuple[str, str]:
    """Order names the way JavaScript's ``localeCompare`` does for identifiers: case and
    underscores weigh less than letters, lower case first on a tie."""
    primary = name.lower().replace("_", "\x00")
    tertiary = "".join("0" if c.islower() else "1" for c in name)
    return primary, tertiary


def print_supergraph(supergraph: Supergraph) -> str:
    links = [
        directive("link", ("url", literal("https://specs.apollo.dev/link/v1.0"))),
        directive(
            "link",
            ("url", literal(f"https://specs.apollo.dev/join/v{supergraph.join_version}")),
            ("for", "EXECUTION"),
        ),
    ]
    tag, inaccessible = supergraph.tag_name, supergraph.inaccessible_name
    access_directives, access_scalars, spec_links = access_definitions(supergraph.specs)
    if tag is not None:
        spec_links["tag"] = _spec_link("tag", "v0.3", tag, None)
    if inaccessible is not None:
        spec_links["inaccessible"] = _spec_link("inaccessible", "v0.2", inaccessible, "SECURITY")
    links.extend(spec_links[name] for name in supergraph.specs)
    roots = "".join(f"  {operation}: {name}\n" for operation, name in supergraph.roots)
    schema = "schema\n" + "".join(f"  {link}\n" for link in links) + "{\n" + roots + "}"

    directives, types = _join_definitions(supergraph.join_version)
    directives["link"] = LINK_DEFINITION
    directives.update(supergraph.executable_directives)
    directives.update(access_directives)
    types.update(access_scalars)
    if inaccessible is not None:
        directives[inaccessible] = INACCESSIBLE_DEFINITION.replace(
            "@inaccessible", f"@{inaccessible}"
        )
    if tag is not None:
        directives[tag] = TAG_DEFINITION.replace("@tag", f"@{tag}")
    graph_values = "".join(
        f"  {g.enum_value} "
        + directive("join__graph", ("name", literal(g.name)), ("url", literal(g.url)))
        + "\n"
        for g in supergraph.graphs
    )
    types["join__Graph"] = "enum join__Graph {\n" + graph_values + "}"
    types["link__Import"] = "scalar link__Import"
    types["link__Purpose"] = LINK_PURPOSE
    renames = {"@tag": f"@{tag}", "@inaccessible": f"@{inaccessible}"}
    for name, merged in supergraph.types.items():
        types[name] = _rename_applied(print_type(merged), renames)
    blocks = [schema]
    blocks.extend(directives[name] for name in sorted(directives, key=sort_key))
    blocks.extend(types[name] for name in sorted(types, key=sort_key))
    return "\n\n".join(blocks) + "\n"


def _spec_link(spec: str, version: str, local: str, purpose: str | None) -> str:
    arguments = [("url", literal(f"https://specs.apollo.dev/{spec}/{version}"))]
    if purpose is not None:
        arguments.append(("for", purpose))
    if local != spec:
        arguments.append(("import", f'[{{name: "@{spec}", as: "@{local}"}}]'))
    return directive("link", *arguments)


def _rename_applied(printed: str, renames: dict[str, str]) -> str:
    """Use the supergraph's names for @tag and @inaccessible when subgraphs renamed them."""
    for canonical, local in renames.items():
        if canonical != local:
            printed = re.sub(rf"(?<=[ \n]){re.escape(canonical)}(?=[(\s]|$)", local, printed)
    return printed


def description(text: str | None, indentation: str = "", first: bool = True) -> str:
    if text is None:
        return ""
    block = print_ast(StringValueNode(value=text, block=is_printable_as_block_string(text)))
    prefix = "\n" + indentation if indentation and not first else indentation
    return prefix + block.replace("\n", "\n" + indentation) + "\n"


def _applied(directives: list[str]) -> str:
    return "".join(f" {d}" for d in directives)


def _argument(argument: MergedArgument) -> str:
    default = f" = {argument.default}" if argument.default is not None else ""
    flags = ["@inaccessible"] if argument.inaccessible else []
    return f"{argument.name}: {argument.type}{default}{_applied(flags + argument.directives)}"


def _arguments(arguments: list[MergedArgument], indentation: str) -> str:
    if not arguments:
        return ""
    if all(a.description is None for a in arguments):
        return "(" + ", ".join(_argument(a) for a in arguments) + ")"
    lines = [
        description(a.description, f"  {indentation}", not i) + f"  {indentation}" + _argument(a)
        for i, a in enumerate(arguments)
    ]
    return "(\n" + "\n".join(lines) + f"\n{indentation})"


def _field(merged_field: MergedField, first: bool) -> str:
    flags = ["@inaccessible"] if merged_field.inaccessible else []
    default = f" = {merged_field.default}" if merged_field.default is not None else ""
    applied = _applied(flags + merged_field.join + merged_field.directives)
    return (
        description(merged_field.description, "  ", first)
        + f"  {merged_field.name}{_arguments(merged_field.arguments, '  ')}: "
        + f"{merged_field.type}{default}{applied}"
    )


def _block(items: list[str]) -> str:
    return "{\n" + "\n".join(items) + "\n}"


def print_type(merged: MergedType) -> str:
    keyword = {
        "object": "type",
        "interface": "interface",
        "union": "union",
        "enum": "enum",
        "input": "input",
        "scalar": "scalar",
    }[merged.kind]
    header = f"{keyword} {merged.name}"
    if merged.interfaces:
        header += " implements " + " & ".join(merged.interfaces)
    flags = ["@inaccessible"] if merged.inaccessible else []
    applied = [*merged.join, *flags, *merged.member_join, *merged.directives]
    text = description(merged.description) + header + "".join(f"\n  {d}" for d in applied)
    if merged.kind in ("object", "interface", "input"):
        fields = merged.fields.values()
        return text + "\n" + _block([_field(f, i == 0) for i, f in enumerate(fields)])
    if merged.kind == "enum":
        values = merged.values.values()
        return text + "\n" + _block([_enum_value(v, i == 0) for i, v in enumerate(values)])
    if merged.kind == "union":
        return text + "\n = " + " | ".join(merged.members)
    return text


def _enum_value(value: MergedEnumValue, first: bool) -> str:
    flags = ["@inaccessible"] if value.inaccessible else []
    return (
        description(value.description, "  ", first)
        + f"  {value.name}"
        + _applied(flags + value.join + value.directives)
    )

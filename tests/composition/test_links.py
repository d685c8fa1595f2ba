"""Federation directives are recognised under whatever names a subgraph links them as."""

from __future__ import annotations

from graphql import parse

from composition.links import read_federation_link


def test_imported_directives_keep_their_bare_or_renamed_names() -> None:
    link = read_federation_link(
        parse(
            'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", '
            'import: ["@key", {name: "@shareable", as: "@shared"}, "FieldSet"])'
        )
    )
    assert link.version == (2, 5)
    assert link.directive_names["key"] == "key"
    assert link.directive_names["shared"] == "shareable"
    assert "shareable" not in link.directive_names
    assert link.directive_names["federation__external"] == "external"
    assert "federation__key" not in link.directive_names


def test_a_namespace_prefixes_the_directives_not_imported() -> None:
    link = read_federation_link(
        parse(
            'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", as: "fed", '
            'import: ["@key"])'
        )
    )
    assert link.directive_names["fed__shareable"] == "shareable"
    assert "federation__shareable" not in link.directive_names


def test_a_subgraph_without_the_federation_link_is_federation_1() -> None:
    link = read_federation_link(parse("type Query { a: Int }"))
    assert link.is_fed1
    assert link.directive_names["key"] == "key"
    assert link.directive_names["extends"] == "extends"

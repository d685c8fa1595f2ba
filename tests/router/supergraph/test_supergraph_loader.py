"""The supergraph reader: join metadata per subgraph, Federation 1, and the API schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import print_schema

from router.supergraph import (
    SupergraphSyntaxError,
    UnsupportedSupergraphError,
    load_supergraph,
    print_field_set,
)

HERE = Path(__file__).parent
MODEL = load_supergraph((HERE / "model" / "supergraph.graphql").read_text())
FED1 = load_supergraph((HERE.parent / "planner" / "fed1" / "supergraph.graphql").read_text())


def test_subgraph_names_and_urls_come_from_the_graph_enum() -> None:
    assert MODEL.subgraphs == {"accounts": "http://accounts", "reviews": "http://reviews"}
    assert MODEL.graph_names == {"ACCOUNTS": "accounts", "REVIEWS": "reviews"}


def test_a_type_keeps_every_key_of_every_graph_with_its_resolvability() -> None:
    user = MODEL.type("User")
    keys = {
        graph: [(print_field_set(k.fields), k.resolvable) for k in in_graph.keys]
        for graph, in_graph in user.graphs.items()
    }
    assert keys == {
        "accounts": [("id", True), ("email", True), ("org { id } login", True)],
        "reviews": [("id", True), ("email", False)],
    }


def test_field_ownership_external_and_requires() -> None:
    user = MODEL.type("User")
    assert set(user.fields["id"].graphs) == {"accounts", "reviews"}
    assert set(user.fields["login"].graphs) == {"accounts"}
    assert user.fields["name"].graphs["reviews"].external
    assert not user.fields["name"].graphs["accounts"].external
    requires = user.fields["reviews"].graphs["reviews"].requires
    assert requires is not None and print_field_set(requires) == "name"


def test_interface_object_and_fields_it_brings_to_implementations() -> None:
    node = MODEL.type("Node")
    assert node.graphs["reviews"].interface_object
    assert not node.graphs["accounts"].interface_object
    assert set(node.fields["score"].graphs) == {"reviews"}
    # A bare @join__field: no graph resolves Book.score itself.
    assert dict(MODEL.type("Book").fields["score"].graphs) == {}
    assert MODEL.possible_types_of("Node") == ("Book",)
    assert MODEL.possible_types_of("Node", "accounts") == ("Book",)


def test_a_type_implements_an_interface_only_in_the_graphs_listed_for_it() -> None:
    # Dog is in both graphs but an Animal only in accounts: reviews must never
    # be sent "... on Dog" inside an Animal selection.
    animals = """
interface Animal @join__type(graph: ACCOUNTS) @join__type(graph: REVIEWS) { id: ID! }
type Dog implements Animal
  @join__implements(graph: ACCOUNTS, interface: "Animal")
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: REVIEWS, key: "id")
{ id: ID! }
type Parrot implements Animal
  @join__implements(graph: REVIEWS, interface: "Animal")
  @join__type(graph: REVIEWS, key: "id")
{ id: ID! }
"""
    supergraph = load_supergraph((HERE / "model" / "supergraph.graphql").read_text() + animals)
    assert supergraph.possible_types_of("Animal") == ("Dog", "Parrot")
    assert supergraph.possible_types_of("Animal", "accounts") == ("Dog",)
    assert supergraph.possible_types_of("Animal", "reviews") == ("Parrot",)
    assert supergraph.possible_types_of("Dog", "reviews") == ("Dog",)


def test_from_join_v0_2_a_type_with_no_join_implements_implements_nothing_in_any_graph() -> None:
    # As Apollo extracts subgraphs: only join v0.1 lets every graph implement every interface.
    animals = """
interface Animal @join__type(graph: ACCOUNTS) { id: ID! }
type Cat implements Animal @join__type(graph: ACCOUNTS, key: "id") { id: ID! }
"""
    supergraph = load_supergraph((HERE / "model" / "supergraph.graphql").read_text() + animals)
    assert supergraph.possible_types_of("Animal", "accounts") == ()


def test_the_api_schema_drops_join_link_and_inaccessible_elements() -> None:
    printed = print_schema(MODEL.api_schema)
    for hidden in ("join__", "link__", "@link", "secret", "HIDDEN", "inaccessible"):
        assert hidden not in printed
    assert "ACTIVE" in printed
    assert "score: Int" in printed


def test_federation_1_owner_fields_and_implicit_key_fields() -> None:
    assert FED1.federation_version == 1
    assert set(FED1.subgraphs) == {"accounts", "inventory", "products", "reviews"}
    product = FED1.type("Product")
    assert set(product.fields["upc"].graphs) == {"products", "inventory", "reviews"}
    assert set(product.fields["name"].graphs) == {"products"}
    requires = product.fields["shippingEstimate"].graphs["inventory"].requires
    assert requires is not None and print_field_set(requires) == "price weight"
    author = FED1.type("Review").fields["author"].graphs["reviews"]
    assert author.provides is not None and print_field_set(author.provides) == "username"
    assert "join__" not in print_schema(FED1.api_schema)
    assert "core" not in print_schema(FED1.api_schema)


def test_the_version_is_a_stable_hash_of_the_text() -> None:
    text = (HERE / "model" / "supergraph.graphql").read_text()
    assert load_supergraph(text).version == MODEL.version
    assert load_supergraph(text + "\n").version != MODEL.version


def test_a_subgraph_schema_is_refused_with_a_hint() -> None:
    with pytest.raises(UnsupportedSupergraphError, match="compose it first"):
        load_supergraph("type Query { a: Int }")


@pytest.mark.parametrize(
    ("link", "refused"),
    [
        ('@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)', False),
        ('@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)', False),
        ('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)', False),
        ('@link(url: "https://example.com/rate-limit/v1.0", for: EXECUTION)', True),
        ('@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])', False),
        ('@link(url: "https://specs.apollo.dev/tag/v0.3")', False),
    ],
)
def test_a_security_or_execution_feature_the_router_lacks_is_refused(
    link: str, refused: bool
) -> None:
    # Serving protected fields without checking them would hand them to anyone.
    text = (HERE / "model" / "supergraph.graphql").read_text()
    text = text.replace("{\n  query: Query", f"  {link}\n{{\n  query: Query", 1)
    if refused:
        with pytest.raises(UnsupportedSupergraphError, match="does not implement") as caught:
            load_supergraph(text)
        assert link.split('"')[1] in str(caught.value)
    else:
        assert load_supergraph(text).subgraphs == MODEL.subgraphs


def test_broken_sdl_is_a_syntax_error() -> None:
    text = (HERE / "model" / "supergraph.graphql").read_text()
    with pytest.raises(SupergraphSyntaxError):
        load_supergraph(text + "\ntype Broken {")


def _big_supergraph(size: int) -> str:
    head = (HERE / "model" / "supergraph.graphql").read_text()
    parts = [head]
    index = 0
    while sum(map(len, parts)) < size:
        fields = "\n".join(
            f"  field{j}(arg: Int = 3): String @join__field(graph: ACCOUNTS) "
            f"@join__field(graph: REVIEWS, external: true)"
            for j in range(20)
        )
        parts.append(
            f'type T{index} @join__type(graph: ACCOUNTS, key: "id") '
            f'@join__type(graph: REVIEWS, key: "id") {{\n  id: ID!\n{fields}\n'
            f'  other: T{index} @join__field(graph: REVIEWS, requires: "field1")\n}}'
        )
        index += 1
    return "\n\n".join(parts)


def test_a_two_megabyte_supergraph_loads_whole() -> None:
    # How fast it loads is measured by the router benchmark, not asserted here.
    text = _big_supergraph(2_000_000)
    types = text.count("\ntype T")
    supergraph = load_supergraph(text)
    assert all(supergraph.api_schema.get_type(f"T{i}") for i in range(types))
    assert len(supergraph.api_schema.get_type(f"T{types - 1}").fields) == 22  # type: ignore[union-attr]


def test_each_refused_feature_has_a_line_of_its_own() -> None:
    text = (HERE / "model" / "supergraph.graphql").read_text()
    links = (
        '@link(url: "https://example.com/audit/v0.1", for: SECURITY)\n'
        '  @link(url: "https://example.com/rate-limit/v1.0", for: EXECUTION)'
    )
    text = text.replace("{\n  query: Query", f"  {links}\n{{\n  query: Query", 1)
    with pytest.raises(UnsupportedSupergraphError) as caught:
        load_supergraph(text)
    lines = str(caught.value).splitlines()
    assert lines[1].strip() == "https://example.com/audit/v0.1 (for: SECURITY)"
    assert lines[2].strip() == "https://example.com/rate-limit/v1.0 (for: EXECUTION)"

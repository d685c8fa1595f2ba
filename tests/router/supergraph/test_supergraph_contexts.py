"""@context / join__field(contextArguments:): read into the model, kept out of the API schema.

A form the router cannot serve fails the load with one error naming the field,
so a contextual argument is never silently dropped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLObjectType

from router.supergraph import (
    UnsupportedSupergraphError,
    load_supergraph,
    print_field_set,
)

SDL = (Path(__file__).parents[1] / "planner" / "context" / "supergraph.graphql").read_text()
SUPERGRAPH = load_supergraph(SDL)
PRICE = (
    'price: String @join__field(graph: CATALOG, contextArguments: [{context: "catalog__shop", '
    'name: "currency", type: "String", selection: " { currency }"}])'
)


def _with_price(selection: str, context: str = "catalog__shop") -> str:
    assert PRICE in SDL
    return SDL.replace(
        PRICE,
        PRICE.replace(" { currency }", selection).replace("catalog__shop", context),
    )


def test_types_setting_a_context_are_known_through_interfaces_too() -> None:
    assert SUPERGRAPH.type("Shop").contexts == frozenset({"catalog__shop"})
    assert SUPERGRAPH.type("Listing").contexts == frozenset({"catalog__listing"})
    assert SUPERGRAPH.context_types == {
        "catalog__shop": frozenset({"Shop"}),
        "catalog__venue": frozenset({"Mall", "Market"}),
        "catalog__listing": frozenset({"Rental", "Sale"}),
        "catalog__request": frozenset({"Query"}),
    }


def test_contextual_arguments_get_apollos_variable_names_and_what_they_read() -> None:
    (price,) = SUPERGRAPH.type("Product").fields["price"].graphs["catalog"].context_arguments
    assert (price.name, price.type, price.context) == ("currency", "String", "catalog__shop")
    # Subgraphs by name from 1, arguments by coordinate from 0: Item.tax(region:),
    # Product.label(locale:), Product.price(currency:)...
    assert price.variable == "contextualArgument_1_2"
    (rate,) = SUPERGRAPH.type("Product").fields["priceWithTax"].graphs["catalog"].context_arguments
    assert rate.variable == "contextualArgument_1_4"
    (hours,) = SUPERGRAPH.type("Stall").fields["openingHours"].graphs["catalog"].context_arguments
    assert {name: print_field_set(chain) for name, chain in hours.reads} == {
        "Mall": "hours",
        "Market": "schedule",
    }


def test_the_api_schema_has_no_contextual_argument_even_one_written_in_the_definition() -> None:
    written = SDL.replace(
        "  price: String @join__field", "  price(currency: String): String @join__field"
    )
    product = load_supergraph(written).api_schema.get_type("Product")
    assert isinstance(product, GraphQLObjectType)
    assert product.fields["price"].args == {}
    assert set(product.fields["priceRounded"].args) == {"digits"}
    field = load_supergraph(written).type("Product").fields["price"]
    assert field.arguments == ()


@pytest.mark.parametrize(
    ("selection", "problem"),
    [
        (" { currency name }", "selects 2 values on Shop, not one"),
        (" { featured }", "ends on Shop.featured, which is not a leaf value"),
        (" { currency { code } }", "selects below the leaf field Shop.currency"),
        (" { nickname }", "selects Shop.nickname, which does not exist"),
        (" ... on Mall { hours }", "selects 0 values on Shop, not one"),
    ],
)
def test_a_selection_that_does_not_read_one_value_fails_the_load_naming_the_field(
    selection: str, problem: str
) -> None:
    with pytest.raises(UnsupportedSupergraphError) as raised:
        load_supergraph(_with_price(selection))
    assert str(raised.value).startswith("Product.price(currency:) reads context 'catalog__shop'")
    assert problem in str(raised.value)


def test_a_context_no_type_sets_fails_the_load_naming_the_field() -> None:
    with pytest.raises(UnsupportedSupergraphError, match=r"Product\.price\(currency:\) reads"):
        load_supergraph(_with_price(" { currency }", context="catalog__nowhere"))


def test_contextual_arguments_need_join_v05() -> None:
    older = SDL.replace("https://specs.apollo.dev/join/v0.5", "https://specs.apollo.dev/join/v0.4")
    with pytest.raises(UnsupportedSupergraphError, match=r"^Item\.tax has contextArguments"):
        load_supergraph(older)

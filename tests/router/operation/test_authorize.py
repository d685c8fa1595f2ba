"""authorize(): what a request may not see is removed from the operation before planning."""

from __future__ import annotations

import dataclasses

import pytest

from router.operation import Field, Fragment, Selection, authorize, prepare
from router.supergraph import Supergraph, load_supergraph
from router.supergraph.authorization import ANONYMOUS, Access, Authorization, Requirement
from tests.router.http.compose import VAULT_SUPERGRAPH

VAULT = load_supergraph(VAULT_SUPERGRAPH.read_text())
SIGNED_IN = Access(authenticated=True)


def scoped(*scopes: str) -> Access:
    return Access(authenticated=True, scopes=frozenset(scopes))


def run(query: str, access: Access, supergraph: Supergraph = VAULT) -> tuple[str, list[str]]:
    authorized = authorize(prepare(supergraph, query), supergraph, access)
    paths = [".".join(path) for path in authorized.unauthorized]
    return _print(authorized.operation.selections), paths


def _print(selections: tuple[Selection, ...]) -> str:
    parts = []
    for selection in selections:
        if isinstance(selection, Fragment):
            parts.append(f"... on {selection.type_condition} {{ {_print(selection.selections)} }}")
        elif isinstance(selection, Field):
            inner = f" {{ {_print(selection.selections)} }}" if selection.selections else ""
            parts.append(f"{selection.response_name}{inner}")
    return " ".join(parts)


def test_an_authenticated_field_is_removed_for_an_anonymous_request_only() -> None:
    assert run("{ motto me { name } }", ANONYMOUS) == ("motto", ["me"])
    assert run("{ motto me { name } }", SIGNED_IN) == ("motto me { name }", [])


def test_a_type_requirement_applies_to_every_field_returning_it() -> None:
    assert run("{ motto secret { code } }", ANONYMOUS) == ("motto", ["secret"])
    assert run("{ motto secret { code } }", SIGNED_IN) == ("motto secret { code }", [])


def test_scopes_are_checked_on_nested_fields_with_a_list_position_as_at() -> None:
    query = "{ users { name email } }"
    assert run(query, SIGNED_IN) == ("users { name }", ["users.@.email"])
    assert run(query, scoped("read:email")) == ("users { name email }", [])


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        ((), False),
        (("read:phone",), False),
        (("read:private",), False),
        (("read:phone", "read:private"), True),
        (("admin",), True),
        (("admin", "read:email"), True),
    ],
)
def test_scopes_are_any_of_the_lists_each_held_whole(
    scopes: tuple[str, ...], allowed: bool
) -> None:
    _, paths = run("{ users { phone } }", scoped(*scopes))
    assert paths == ([] if allowed else ["users.@.phone"])


def test_a_field_left_with_nothing_is_removed_with_its_children_reported() -> None:
    assert run("{ motto users { email balance } }", ANONYMOUS) == (
        "motto",
        ["users.@.email", "users.@.balance"],
    )


def test_typename_survives_on_its_own() -> None:
    assert run("{ users { __typename email } }", ANONYMOUS) == (
        "users { __typename }",
        ["users.@.email"],
    )


def test_nothing_left_means_an_empty_operation() -> None:
    assert run("{ me { name } secret { code } }", ANONYMOUS) == ("", ["me", "secret"])


def test_an_interface_whose_implementations_need_authentication_needs_it_too() -> None:
    query = "{ things { id ... on Gadget { label } } }"
    assert run(query, ANONYMOUS) == ("", ["things"])
    # Even when the interface itself carries nothing: one implementation's requirement counts.
    open_interface = _with_rules(types={"Secret": Requirement(authenticated=True)})
    assert run("{ things { id } }", ANONYMOUS, open_interface) == ("", ["things"])
    assert run("{ things { __typename } }", ANONYMOUS, open_interface)[1] == []


def test_a_fragment_on_a_type_the_request_may_not_see_is_removed_at_its_parents_path() -> None:
    rules = _with_rules(types={"Secret": Requirement(scopes=((frozenset({"vault"}),),))})
    query = "{ things { __typename ... on Secret { code } ... on Gadget { label } } }"
    assert run(query, SIGNED_IN, rules) == (
        "things { __typename ... on Gadget { label } }",
        ["things.@"],
    )
    assert run(query, scoped("vault"), rules)[1] == []


def test_a_field_on_an_interface_needs_what_each_implementation_needs() -> None:
    rules = _with_rules(fields={("Secret", "id"): Requirement(scopes=((frozenset({"ids"}),),))})
    assert run("{ things { id } }", SIGNED_IN, rules) == ("", ["things.@.id"])
    assert run("{ things { ... on Gadget { id } } }", SIGNED_IN, rules)[1] == []


def test_a_root_type_requirement_removes_every_root_field() -> None:
    rules = _with_rules(types={"Query": Requirement(authenticated=True)})
    assert run("{ motto users { name } }", ANONYMOUS, rules) == ("", ["motto", "users"])


def test_a_supergraph_without_requirements_keeps_the_operation_as_it_is() -> None:
    plain = dataclasses.replace(VAULT, authorization=Authorization())
    operation = prepare(plain, "{ me { email } }")
    assert authorize(operation, plain, ANONYMOUS).operation is operation


def test_the_requirements_are_read_from_the_supergraph() -> None:
    rules = VAULT.authorization
    assert rules.field("Query", "me") == Requirement(authenticated=True)
    assert rules.field("User", "phone") == Requirement(
        scopes=((frozenset({"read:phone", "read:private"}), frozenset({"admin"})),)
    )
    assert rules.type("Secret") == Requirement(authenticated=True)
    assert rules.scopes == {"read:email", "read:phone", "read:private", "admin"}


def test_the_cache_sees_only_the_scopes_the_supergraph_names() -> None:
    access = scoped("read:email", "unrelated")
    assert VAULT.authorization.relevant(access) == scoped("read:email")
    assert Authorization().relevant(access) == ANONYMOUS


def _with_rules(
    types: dict[str, Requirement] | None = None,
    fields: dict[tuple[str, str], Requirement] | None = None,
) -> Supergraph:
    return dataclasses.replace(
        VAULT, authorization=Authorization(types=types or {}, fields=fields or {})
    )

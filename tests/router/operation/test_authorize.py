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


def granted(*policies: str, scopes: tuple[str, ...] = ()) -> Access:
    return Access(authenticated=True, scopes=frozenset(scopes), policies=frozenset(policies))


def policy(*options: tuple[str, ...]) -> Requirement:
    return Requirement(policies=(tuple(frozenset(option) for option in options),))


def asked(query: str, supergraph: Supergraph = VAULT) -> set[str]:
    """The policies the evaluator is asked about for ``query``."""
    return set(authorize(prepare(supergraph, query), supergraph, ANONYMOUS).policies)


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
    # Recorded with its type: only the Secrets there lose fields, not the Gadgets.
    removed = authorize(prepare(rules, query), rules, SIGNED_IN)
    assert removed.fragments == ((("things", "@"), "Secret"),)
    assert removed.refused == {query.index("... on Secret")}
    assert removed.expanded == ()  # written so: shaping leaves the fragment itself out


def test_a_fragment_on_a_protected_interface_is_removed_as_written() -> None:
    # Composition made Thing authenticated: a fragment on it goes whole, not per type.
    query = "{ findings { ... on Gadget { label } ... on Thing { id } } }"
    assert run(query, ANONYMOUS) == (
        "findings { ... on Gadget { label } }",
        ["findings.@"],
    )
    assert run(query, SIGNED_IN) == (
        "findings { ... on Gadget { label id } ... on Secret { id } }",
        [],
    )
    removed = authorize(prepare(VAULT, query), VAULT, ANONYMOUS)
    assert removed.fragments == ((("findings", "@"), "Thing"),)
    assert removed.refused == {query.index("... on Thing")}
    # Under an implementation too, where it would otherwise be inlined.
    assert run("{ gadget { label ... on Thing { id } } }", ANONYMOUS) == (
        "gadget { label }",
        ["gadget"],
    )


def test_a_named_fragment_is_judged_at_each_spread() -> None:
    query = "{ findings { ...T } gadget { ...T } } fragment T on Thing { id }"
    authorized = authorize(prepare(VAULT, query), VAULT, ANONYMOUS)
    assert _print(authorized.operation.selections) == ""
    assert authorized.unauthorized == (("findings", "@"), ("gadget",))
    spreads = {i for i in range(len(query)) if query.startswith("...T", i)}
    assert authorized.refused == spreads


def test_a_removal_is_reported_once_per_place_and_type() -> None:
    # Thing carries nothing here: its fragment is expanded per type, and the Secret one
    # (holding the spread of S) is removed as S is: one removal of Secret there.
    rules = _with_rules(types={"Secret": Requirement(scopes=((frozenset({"vault"}),),))})
    query = "{ findings { ... on Thing { id ...S } } } fragment S on Secret { code }"
    authorized = authorize(prepare(rules, query), rules, SIGNED_IN)
    assert _print(authorized.operation.selections) == "findings { ... on Gadget { id } }"
    assert authorized.unauthorized == (("findings", "@"),)
    assert authorized.refused == {query.index("...S")}
    # The client wrote Thing: the Secret fragment shaping walks is that one, expanded.
    assert authorized.expanded == ((("findings", "@"), "Secret"),)


def test_what_a_removed_fragment_defers_is_removed_with_it() -> None:
    query = "{ motto findings { ... on Thing { ... @defer { id } } } }"
    authorized = authorize(prepare(VAULT, query), VAULT, ANONYMOUS)
    assert _print(authorized.operation.selections) == "motto"
    assert authorized.operation.deferred == ()


def test_a_field_whose_deferred_selections_were_all_removed_is_removed() -> None:
    rules = _with_rules(types={"Secret": Requirement(scopes=((frozenset({"vault"}),),))})
    query = "{ motto things { ... @defer { ... on Secret { code } } } }"
    authorized = authorize(prepare(rules, query), rules, SIGNED_IN)
    assert _print(authorized.operation.selections) == "motto"
    assert authorized.unauthorized == (("things", "@"),)
    kept = authorize(prepare(rules, query), rules, scoped("vault"))
    [things] = [f for f in kept.operation.selections if isinstance(f, Field) and f.name == "things"]
    assert len(things.deferred) == 1


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
    assert rules.field("User", "salary") == policy(("hr",), ("payroll", "audit"))
    assert rules.field("User", "notes") == Requirement(
        scopes=((frozenset({"read:private"}),),)
    ) & policy(("support",))
    assert rules.type("Dossier") == policy(("clearance",))
    assert rules.policies == {"hr", "payroll", "audit", "support", "clearance"}


def test_the_cache_sees_only_the_scopes_the_supergraph_names() -> None:
    access = scoped("read:email", "unrelated")
    assert VAULT.authorization.relevant(access) == scoped("read:email")
    assert Authorization().relevant(access) == ANONYMOUS


def test_the_cache_sees_only_the_policies_the_supergraph_names() -> None:
    assert VAULT.authorization.relevant(granted("hr", "unrelated")) == granted("hr")


@pytest.mark.parametrize(
    ("policies", "allowed"),
    [
        ((), False),
        (("payroll",), False),
        (("audit",), False),
        (("payroll", "audit"), True),
        (("hr",), True),
        (("clearance",), False),
    ],
)
def test_policies_are_any_of_the_lists_each_satisfied_whole(
    policies: tuple[str, ...], allowed: bool
) -> None:
    _, paths = run("{ users { name salary } }", granted(*policies))
    assert paths == ([] if allowed else ["users.@.salary"])


@pytest.mark.parametrize(
    ("access", "allowed"),
    [
        (scoped("read:private"), False),
        (granted("support"), False),
        (granted("support", scopes=("read:email",)), False),
        (granted("support", scopes=("read:private",)), True),
    ],
)
def test_a_field_with_scopes_and_a_policy_needs_both(access: Access, allowed: bool) -> None:
    assert run("{ users { name notes } }", access) == (
        ("users { name notes }", []) if allowed else ("users { name }", ["users.@.notes"])
    )


def test_a_policy_on_a_type_applies_to_every_field_returning_it() -> None:
    assert run("{ motto dossier { summary } }", granted("hr")) == ("motto", ["dossier"])
    assert run("{ dossier { summary } }", granted("clearance"))[1] == []


def test_the_policies_asked_about_are_those_of_what_is_selected() -> None:
    assert asked("{ motto users { name } }") == set()
    assert asked("{ users { salary } }") == {"hr", "payroll", "audit"}
    assert asked("{ users { notes } dossier { __typename } }") == {"support", "clearance"}
    assert asked("query Q($on: Boolean!) { users { salary @include(if: $on) } }") == {
        "hr",
        "payroll",
        "audit",
    }
    assert asked("{ users { ... @defer { notes } } }") == {"support"}


def test_a_policy_under_a_field_removed_for_another_reason_is_still_asked_about() -> None:
    # Had the request held what `me` needs, `notes` would need its policy.
    assert run("{ me { notes } }", ANONYMOUS) == ("", ["me"])
    assert asked("{ me { notes } }") == {"support"}


def test_policies_are_collected_over_abstract_types_as_removals_are_decided() -> None:
    rules = _with_rules(
        types={"Secret": policy(("spy",))},
        fields={("Gadget", "id"): policy(("inventory",))},
    )
    # A field on the interface needs what it needs on each implementation, and a
    # field selected outside fragments what each possible type needs.
    assert asked("{ things { id } }", rules) == {"spy", "inventory"}
    assert asked("{ things { __typename } }", rules) == set()
    assert asked("{ things { ... on Gadget { label } } }", rules) == set()
    assert asked("{ things { ... on Secret { code } } }", rules) == {"spy"}
    query = "{ things { __typename ... on Secret { code } ... on Gadget { id } } }"
    assert asked(query, rules) == {"spy", "inventory"}
    assert run(query, granted("inventory"), rules) == (
        "things { __typename ... on Gadget { id } }",
        ["things.@"],
    )
    assert run("{ things { id } }", granted("inventory"), rules) == ("", ["things"])
    assert run("{ things { id } }", granted("inventory", "spy"), rules)[1] == []


def test_a_policy_on_the_root_type_is_asked_about_and_removes_every_root_field() -> None:
    rules = _with_rules(types={"Query": policy(("staff",))})
    assert asked("{ motto }", rules) == {"staff"}
    assert run("{ motto users { name } }", granted("hr"), rules) == ("", ["motto", "users"])
    assert run("{ motto }", granted("staff"), rules) == ("motto", [])


def _with_rules(
    types: dict[str, Requirement] | None = None,
    fields: dict[tuple[str, str], Requirement] | None = None,
) -> Supergraph:
    requirements = [*(types or {}).values(), *(fields or {}).values()]
    policies = frozenset(name for needed in requirements for name in needed.policy_names)
    return dataclasses.replace(
        VAULT,
        authorization=Authorization(types=types or {}, fields=fields or {}, policies=policies),
    )


@pytest.mark.parametrize(
    "query",
    [
        "query($a: Boolean!, $b: Boolean!) { users { name email @include(if: $a) "
        "email @skip(if: $b) } }",
        "query($a: Boolean!) { users { name ... on User @include(if: $a) { email } email } }",
        "query($a: Boolean!, $b: Boolean!) { findings { ... on Gadget { label } "
        "... on Thing @include(if: $a) { id } ... on Thing @skip(if: $b) { id } } }",
    ],
)
def test_a_path_is_reported_once_however_many_selections_ask_it(query: str) -> None:
    _, paths = run(query, ANONYMOUS)
    assert len(paths) == len(set(paths)), paths

"""Changes between two supergraphs, classified as clients feel them."""

from __future__ import annotations

import pytest

from composition import SubgraphSDL, compose
from composition.api_schema import api_schema
from composition.diff import Severity, diff_supergraphs

HEADER = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable", "@inaccessible"])\n'
)
BASE = """
type User @key(fields: "id") {
  id: ID!
  name: String
  email: String!
  posts(first: Int = 10, after: String): [String!]
  secret: String @inaccessible
}
enum Role { ADMIN MEMBER }
input UserFilter { role: Role, name: String }
union Actor = User
type Query {
  user(id: ID!): User
  users(filter: UserFilter): [User!]!
  role: Role
}
"""


def supergraph(body: str) -> str:
    result = compose([SubgraphSDL("accounts", "http://accounts", HEADER + body)])
    assert result.supergraph_sdl is not None, result.errors
    return result.supergraph_sdl


def changes(new_body: str) -> list[tuple[Severity, str]]:
    return [(c.severity, c.kind) for c in diff_supergraphs(supergraph(BASE), supergraph(new_body))]


def test_identical_supergraphs_have_no_changes() -> None:
    assert changes(BASE) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # removals break clients
        ("  name: String\n", "", (Severity.BREAKING, "FIELD_REMOVED")),
        (
            "enum Role { ADMIN MEMBER }",
            "enum Role { ADMIN }",
            (Severity.BREAKING, "VALUE_REMOVED_FROM_ENUM"),
        ),
        (
            "posts(first: Int = 10, after: String)",
            "posts(first: Int = 10)",
            (Severity.BREAKING, "ARG_REMOVED"),
        ),
        ("union Actor = User\n", "", (Severity.BREAKING, "TYPE_REMOVED")),
        # nullability: loosening an output or tightening an input breaks clients
        ("email: String!", "email: String", (Severity.BREAKING, "FIELD_CHANGED_KIND")),
        (
            "posts(first: Int = 10,",
            "posts(first: Int! = 10,",
            (Severity.BREAKING, "ARG_CHANGED_KIND"),
        ),
        (
            "input UserFilter { role: Role, name: String }",
            "input UserFilter { role: Role, name: String! }",
            (Severity.BREAKING, "FIELD_CHANGED_KIND"),
        ),
        ("name: String\n  email", "name: Int\n  email", (Severity.BREAKING, "FIELD_CHANGED_KIND")),
        # inputs made required break clients
        (
            "input UserFilter { role: Role, name: String }",
            "input UserFilter { role: Role, name: String, age: Int! }",
            (Severity.BREAKING, "REQUIRED_INPUT_FIELD_ADDED"),
        ),
        (
            "user(id: ID!)",
            "user(id: ID!, scope: String!)",
            (Severity.BREAKING, "REQUIRED_ARG_ADDED"),
        ),
        # dangerous: behaviour may change for existing operations
        (
            "enum Role { ADMIN MEMBER }",
            "enum Role { ADMIN MEMBER GUEST }",
            (Severity.DANGEROUS, "VALUE_ADDED_TO_ENUM"),
        ),
        (
            "user(id: ID!)",
            "user(id: ID!, scope: String)",
            (Severity.DANGEROUS, "OPTIONAL_ARG_ADDED"),
        ),
        (
            "posts(first: Int = 10,",
            "posts(first: Int = 20,",
            (Severity.DANGEROUS, "ARG_DEFAULT_VALUE_CHANGE"),
        ),
        # safe
        ("  name: String\n", "  name: String\n  bio: String\n", (Severity.SAFE, "FIELD_ADDED")),
        (
            "email: String!",
            'email: String! @deprecated(reason: "no")',
            (Severity.SAFE, "FIELD_DEPRECATION_CHANGED"),
        ),
        ("  name: String\n", "  name: String!\n", (Severity.SAFE, "FIELD_CHANGED_KIND")),
        ("  name: String\n", "  name: String\n  nick: String @inaccessible\n", None),
        (
            "posts(first: Int = 10,",
            "posts(first: Int = 10 @inaccessible,",
            (Severity.BREAKING, "ARG_REMOVED"),
        ),
    ],
)
def test_a_change_is_classified(old: str, new: str, expected: tuple[Severity, str] | None) -> None:
    assert old in BASE
    found = changes(BASE.replace(old, new))
    assert found == ([expected] if expected else [])


def test_inaccessible_elements_are_not_part_of_the_api() -> None:
    schema = api_schema(supergraph(BASE))
    user = schema.get_type("User")
    assert user is not None
    assert "secret" not in user.fields  # type: ignore[attr-defined]
    assert "join__Graph" not in schema.type_map
    assert schema.get_directive("join__field") is None


def test_making_a_field_inaccessible_breaks_clients() -> None:
    found = changes(BASE.replace("  name: String\n", "  name: String @inaccessible\n"))
    assert found == [(Severity.BREAKING, "FIELD_REMOVED")]


def test_access_control_changes_no_client_visible_schema() -> None:
    # Who may see a field is the router's business; the API clients see is the same.
    header = HEADER.replace('"@inaccessible"]', '"@inaccessible", "@requiresScopes", "@policy"]')
    header = header.replace("federation/v2.3", "federation/v2.6")
    protected = BASE.replace(
        "  email: String!\n",
        '  email: String! @requiresScopes(scopes: [["read"]]) @policy(policies: [["owner"]])\n',
    )
    result = compose([SubgraphSDL("accounts", "http://accounts", header + protected)])
    assert result.supergraph_sdl is not None, result.errors
    schema = api_schema(result.supergraph_sdl)
    assert "policy__Policy" not in schema.type_map
    assert "requiresScopes__Scope" not in schema.type_map
    assert diff_supergraphs(supergraph(BASE), result.supergraph_sdl) == []

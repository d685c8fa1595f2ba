"""prepare(): validation errors with locations, operation choice, normal form."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.operation import Condition, Field, Fragment, OperationError, prepare
from router.plan import OperationKind
from router.supergraph import load_supergraph

SUPERGRAPH = load_supergraph(
    (Path(__file__).parent.parent / "supergraph" / "model" / "supergraph.graphql").read_text()
)


def _error(query: str, operation_name: str | None = None) -> OperationError:
    with pytest.raises(OperationError) as caught:
        prepare(SUPERGRAPH, query, operation_name)
    return caught.value


def test_an_inaccessible_field_is_a_validation_error_with_a_location() -> None:
    error = _error("{ me {\n  secret } }")
    [only] = error.errors
    assert "secret" in only.message
    assert only.locations is not None and (only.locations[0].line, only.locations[0].column) == (
        2,
        3,
    )


def test_an_inaccessible_enum_value_is_rejected() -> None:
    assert _error("{ status @skip(if: HIDDEN) }").errors


def test_syntax_errors_are_operation_errors() -> None:
    assert "Syntax Error" in _error("{ me { id }").errors[0].message


def test_an_unknown_operation_name_is_named_in_the_error() -> None:
    assert _error("query A { me { id } }", "B").errors[0].message == 'Unknown operation named "B".'


def test_several_operations_need_a_name() -> None:
    error = _error("query A { me { id } } query B { me { email } }")
    assert "Must provide operation name" in error.errors[0].message


def test_the_named_operation_is_chosen() -> None:
    operation = prepare(SUPERGRAPH, "query A { me { id } } query B { me { email } }", "A")
    assert operation.kind is OperationKind.QUERY and operation.name == "A"


def test_fragments_are_expanded_and_fields_merged() -> None:
    operation = prepare(
        SUPERGRAPH,
        "query { me { id ...F } me { email } node(id: 1) { id ... on Book { title } } }"
        " fragment F on User { email name }",
    )
    me, node = operation.selections
    assert isinstance(me, Field) and [f.response_name for f in me.selections] == [  # type: ignore[union-attr]
        "id",
        "email",
        "name",
    ]
    assert isinstance(node, Field)
    assert node.selections[1] == Fragment(
        "Book", (Field("title", parent_type="Book", type="String"),)
    )


def test_literal_conditions_apply_and_variable_ones_stay() -> None:
    operation = prepare(
        SUPERGRAPH,
        "query($v: Boolean!) { me { id @skip(if: true) email @include(if: true)"
        " ... @include(if: $v) { name } } }",
    )
    [me] = operation.selections
    assert isinstance(me, Field)
    email, name = me.selections
    assert isinstance(email, Field) and email.conditions == ()
    assert isinstance(name, Field) and name.conditions == (Condition("v", True),)


def test_a_fragment_bomb_is_refused_with_a_clear_error() -> None:
    fragments = "".join(f"fragment F{i} on User {{ ...F{i + 1} ...F{i + 1} }}\n" for i in range(30))
    error = _error(f"{{ me {{ ...F0 }} }}\n{fragments}fragment F30 on User {{ id }}")
    assert "once its fragments are expanded" in error.errors[0].message

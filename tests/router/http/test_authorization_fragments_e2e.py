"""Fragments on protected types through the router over real HTTP, judged as the client wrote them.

The vault graph (tests/router/vault.py): composition makes the interface
``Thing`` authenticated (its implementation ``Secret`` is), ``Gadget`` is a
public entity whose ``price`` lives in another subgraph (so the plan fetches
its ``id`` as a key), and ``Finding`` is the union of both. A fragment whose
type condition, as written, has an unmet requirement is removed whole (as
Apollo Router does), with one ``UNAUTHORIZED_FIELD_OR_TYPE`` error at its
parent's path; nothing selected only under it
reaches the client, not even a key the plan fetched anyway, and no part of
it is delivered later under ``@defer``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.router.http.compose import VAULT_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.http.test_authorization_e2e import AUTHENTICATION, token, unauthorized
from tests.router.multipart import ACCEPT, parts
from tests.router.vault import vault_apps


@pytest.fixture(scope="module")
async def vault() -> AsyncIterator[Federation]:
    async with federation(vault_apps(), VAULT_SUPERGRAPH, AUTHENTICATION) as running:
        yield running


async def ask_deferring(
    vault: Federation, query: str, headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The payloads of an answer the client accepts in parts (one when nothing is deferred)."""
    response = await vault.client.post(
        "/graphql", json={"query": query}, headers={"accept": ACCEPT, **(headers or {})}
    )
    assert response.status_code == 200
    if response.headers["content-type"].startswith("application/json"):
        return [response.json()]
    return parts(response.headers["content-type"], response.content)


async def test_a_fragment_on_a_protected_interface_is_removed_whole_under_a_union(
    vault: Federation,
) -> None:
    query = "{ motto findings { ... on Thing { id } } }"
    answer = await vault.ask(query)
    # Nothing is left under findings: it is removed too, without an error of its own.
    assert answer.body == {
        "errors": [unauthorized("findings", "@")],
        "data": {"motto": "open by default", "findings": None},
    }
    [call] = answer.asked.calls
    assert call.fields == {"motto"}
    signed_in = await vault.ask(query, headers=token())
    assert signed_in.body == {
        "data": {"motto": "open by default", "findings": [{"id": "g1"}, {"id": "s1"}]}
    }


async def test_a_fragment_on_a_protected_interface_under_its_implementation_is_removed(
    vault: Federation,
) -> None:
    answer = await vault.ask("{ gadget { label ... on Thing { id } } }")
    # The gadget's id (ID!) is selected only under the removed fragment: the gadget is null.
    assert answer.body == {
        "errors": [unauthorized("gadget")],
        "data": {"gadget": None},
    }
    assert answer.asked.to("accounts")[0].fields >= {"gadget", "label"}


async def test_a_key_fetched_for_another_subgraph_does_not_leak_through_a_removed_fragment(
    vault: Federation,
) -> None:
    query = "{ gadget { price ... on Thing { id } } }"
    answer = await vault.ask(query)
    assert answer.asked.services() == ["accounts", "billing"]  # the key was fetched
    assert answer.body == {
        "errors": [unauthorized("gadget")],
        "data": {"gadget": None},
    }
    signed_in = await vault.ask(query, headers=token())
    assert signed_in.body == {"data": {"gadget": {"price": 10, "id": "g1"}}}


async def test_a_key_selected_elsewhere_too_stays(vault: Federation) -> None:
    answer = await vault.ask("{ findings { ... on Gadget { id price } ... on Thing { id } } }")
    assert answer.body == {
        "errors": [unauthorized("findings", "@")],
        "data": {"findings": [{"id": "g1", "price": 10}, None]},
    }


async def test_a_named_fragment_on_a_protected_interface_is_removed_at_each_spread(
    vault: Federation,
) -> None:
    answer = await vault.ask(
        "{ gadget { price ...T } findings { ...T } } fragment T on Thing { id }"
    )
    assert answer.body == {
        "errors": [
            unauthorized("gadget"),
            unauthorized("findings", "@"),
        ],
        "data": {"gadget": None, "findings": None},
    }


async def test_a_deferred_fragment_inside_a_removed_fragment_is_never_delivered(
    vault: Federation,
) -> None:
    query = (
        "{ findings { ... on Gadget { label } "
        "... on Thing { ... @defer { id } } ... on Secret { ... @defer { code } } } }"
    )
    # Both deferred fragments go with the fragments around them: nothing is deferred.
    [answer] = await ask_deferring(vault, query)
    assert answer == {
        "errors": [
            unauthorized("findings", "@"),
            unauthorized("findings", "@"),
        ],
        "data": {"findings": [{"label": "lamp"}, {}]},
    }
    signed_in = await ask_deferring(vault, query, token())
    assert signed_in[0]["data"] == {"findings": [{"label": "lamp"}, {}]}
    delivered = [item["data"] for p in signed_in[1:] for item in p.get("incremental", ())]
    assert sorted(delivered, key=str) == [{"code": "0000"}, {"id": "g1"}, {"id": "s1"}]


async def test_a_deferred_fragment_beside_a_removed_one_is_still_delivered(
    vault: Federation,
) -> None:
    query = "{ findings { ... on Gadget { id ... @defer { label } } ... on Thing { id } } }"
    first, *rest = await ask_deferring(vault, query)
    assert first["errors"] == [unauthorized("findings", "@")]
    # The secret's id (ID!) is selected only under the removed fragment: it is null.
    assert first["data"] == {"findings": [{"id": "g1"}, None]}
    delivered = [item for p in rest for item in p.get("incremental", ())]
    assert delivered == [{"data": {"label": "lamp"}, "path": ["findings", 0]}]


async def test_a_field_whose_deferred_selections_were_all_removed_is_removed(
    vault: Federation,
) -> None:
    answer = await vault.ask("{ motto findings { ... @defer { ... on Secret { code } } } }")
    assert answer.body == {
        "errors": [unauthorized("findings", "@")],
        "data": {"motto": "open by default", "findings": None},
    }
    [call] = answer.asked.calls
    assert call.fields == {"motto"}


async def test_a_removed_fragment_that_is_deferred_itself_leaves_nothing_in_the_object(
    vault: Federation,
) -> None:
    query = "{ findings { ... on Gadget { label } ... on Thing @defer { id } } }"
    # Its fields were asked for later, not in the object: they are not nulled there either.
    [answer] = await ask_deferring(vault, query)
    assert answer == {
        "errors": [unauthorized("findings", "@")],
        "data": {"findings": [{"label": "lamp"}, {}]},
    }
    first, *rest = await ask_deferring(vault, query, token())
    assert first["data"] == {"findings": [{"label": "lamp"}, {}]}
    delivered = [item["data"] for p in rest for item in p.get("incremental", ())]
    assert sorted(delivered, key=str) == [{"id": "g1"}, {"id": "s1"}]

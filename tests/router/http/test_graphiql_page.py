"""The GraphiQL page and its files, as served: all from the router, pinned, pre-filled."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import httpx
import strawberry

from router.http.federation import FederationFront
from router.http.graphiql import DEMO_ACCOUNT, STATIC_DIR, graphiql_page
from shared.graphql.app import create_service_app
from subgraphs.accounts.seed import DEMO_PASSWORD, DEMO_USERS

ROOT = Path(__file__).resolve().parents[3]
VENDOR = STATIC_DIR / "vendor"


def page_config(page: str) -> dict[str, object]:
    match = re.search(r'id="beyond-graphiql-config">(.*?)</script>', page, re.S)
    assert match is not None
    config: dict[str, object] = json.loads(match.group(1))
    return config


async def test_every_file_the_page_names_is_served_by_the_router(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/graphql", headers={"accept": "text/html"})).text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(urls) == 9 and all(url.startswith("/graphiql/") for url in urls)
    manifest = json.loads((VENDOR / "manifest.json").read_text())
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, url
        name = url.removeprefix("/graphiql/vendor/")
        if name in manifest["files"]:
            assert hashlib.sha256(response.content).hexdigest() == manifest["files"][name]


def test_the_vendored_files_are_the_pinned_packages_unchanged() -> None:
    manifest = json.loads((VENDOR / "manifest.json").read_text())
    package = json.loads((STATIC_DIR.parent / "graphiql_assets" / "package.json").read_text())
    assert manifest["packages"] == {
        name: package["dependencies"][name] for name in manifest["packages"]
    }
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in package["dependencies"].values())
    on_disk = {path.name for path in VENDOR.iterdir()} - {"manifest.json"}
    assert on_disk == set(manifest["files"])
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_beyonds_graph_opens_with_the_first_session_and_a_demo_sign_in() -> None:
    sdl = (ROOT / "schema" / "supergraph.graphql").read_text()
    schema = FederationFront().load(sdl).api_schema
    config = page_config(graphiql_page(schema, "Beyond-Query-Plan"))
    queries = [tab["query"] for tab in config["tabs"]]  # type: ignore[attr-defined]
    assert len(queries) == 4 and "{ __typename }" in queries[0]
    assert "requestVerificationCode" in queries[1] and "register(" in queries[2]
    assert "me {" in queries[3]
    assert config["planHeader"] == "Beyond-Query-Plan"
    sign_in = config["signIn"]
    assert isinstance(sign_in, dict) and "login(" in sign_in["query"]
    # The button signs in with an account that `beyond dev --seed` really creates.
    assert (DEMO_ACCOUNT["mobile"], DEMO_ACCOUNT["nickname"]) in DEMO_USERS
    assert DEMO_ACCOUNT["password"] == DEMO_PASSWORD


async def test_another_graph_gets_only_the_operations_it_can_run(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/graphql", headers={"accept": "text/html"})).text
    config = page_config(page)
    assert [tab["query"] for tab in config["tabs"]] == [  # type: ignore[attr-defined]
        "# Press the run button (or Ctrl-Enter).\n{ __typename }\n"
    ]
    assert config["signIn"] is None


async def test_without_graphiql_there_is_no_page_and_no_files(make_client: object) -> None:
    async with make_client(router={"graphiql": False}) as client:  # type: ignore[operator]
        assert (await client.get("/graphiql/beyond-graphiql.js")).status_code == 404
        page = await client.get("/graphql", headers={"accept": "text/html"})
        assert "beyond-graphiql" not in page.text


async def test_subgraphs_serve_no_graphiql_of_their_own() -> None:
    @strawberry.type
    class Query:
        hello: str = "hi"

    app = create_service_app(
        title="probe", schema=strawberry.Schema(Query), context_factory=_no_context
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://subgraph.test") as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404 and "<script" not in page.text


async def _no_context(*_: object) -> dict[str, object]:
    return {}

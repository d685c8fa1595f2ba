"""Compose the test graphs with Apollo's composition (tests/node) into checked-in supergraphs.

Run ``python -m tests.router.http.compose`` after changing a test subgraph.
Federation 1 graphs (SDL) are composed by Apollo's composers of that time,
once per join version they emitted (tests/node/compose_fed1.mjs).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import strawberry

from tests.router import (
    aisles,
    atlas,
    auction,
    bakery,
    bazaar,
    beacons,
    bounce,
    boutiques,
    catalogue,
    couriers,
    dispatch,
    exhibits,
    fed1_shop,
    fleet,
    gallery,
    gazetteer,
    households,
    journal,
    kitchen,
    library,
    lobby,
    lookouts,
    mailroom,
    membership,
    newsdesk,
    newsroom,
    pantry,
    parcels,
    pricelist,
    printshop,
    racks,
    registry,
    renames,
    review_feed,
    rollout,
    screening,
    shelf,
    shelter,
    shop,
    showcase,
    singles,
    stalls,
    stations,
    stockroom,
    storefront,
    tailoring,
    vault,
    wings,
    workshop,
    zoo,
)

ROOT = Path(__file__).resolve().parents[3]
NODE_DIR = ROOT / "tests" / "node"
SUPERGRAPHS = Path(__file__).with_name("supergraphs")
SHOP_SUPERGRAPH = SUPERGRAPHS / "shop.graphql"
LIBRARY_SUPERGRAPH = SUPERGRAPHS / "library.graphql"
PARCELS_SUPERGRAPH = SUPERGRAPHS / "parcels.graphql"
REVIEW_FEED_SUPERGRAPH = SUPERGRAPHS / "review_feed.graphql"
ROLLOUT_SUPERGRAPH = SUPERGRAPHS / "rollout.graphql"
NEWSROOM_SUPERGRAPH = SUPERGRAPHS / "newsroom.graphql"
STOCKROOM_SUPERGRAPH = SUPERGRAPHS / "stockroom.graphql"
MEMBERSHIP_SUPERGRAPH = SUPERGRAPHS / "membership.graphql"
STOREFRONT_SUPERGRAPH = SUPERGRAPHS / "storefront.graphql"
REGISTRY_SUPERGRAPH = SUPERGRAPHS / "registry.graphql"
ZOO_SUPERGRAPH = SUPERGRAPHS / "zoo.graphql"
BOUTIQUES_SUPERGRAPH = SUPERGRAPHS / "boutiques.graphql"
VAULT_SUPERGRAPH = SUPERGRAPHS / "vault.graphql"
PANTRY_SUPERGRAPH = SUPERGRAPHS / "pantry.graphql"
AUCTION_SUPERGRAPH = SUPERGRAPHS / "auction.graphql"
HOUSEHOLDS_SUPERGRAPH = SUPERGRAPHS / "households.graphql"
PRICELIST_SUPERGRAPH = SUPERGRAPHS / "pricelist.graphql"
GAZETTEER_SUPERGRAPH = SUPERGRAPHS / "gazetteer.graphql"
SHELTER_SUPERGRAPH = SUPERGRAPHS / "shelter.graphql"
RENAMES_SUPERGRAPH = SUPERGRAPHS / "renames.graphql"
EXHIBITS_SUPERGRAPH = SUPERGRAPHS / "exhibits.graphql"
TAILORING_SUPERGRAPH = SUPERGRAPHS / "tailoring.graphql"
STATIONS_SUPERGRAPH = SUPERGRAPHS / "stations.graphql"
COURIERS_SUPERGRAPH = SUPERGRAPHS / "couriers.graphql"
FLEET_SUPERGRAPH = SUPERGRAPHS / "fleet.graphql"
AISLES_SUPERGRAPH = SUPERGRAPHS / "aisles.graphql"
WORKSHOP_SUPERGRAPH = SUPERGRAPHS / "workshop.graphql"
STALLS_SUPERGRAPH = SUPERGRAPHS / "stalls.graphql"
SINGLES_SUPERGRAPH = SUPERGRAPHS / "singles.graphql"
KITCHEN_SUPERGRAPH = SUPERGRAPHS / "kitchen.graphql"
WINGS_SUPERGRAPH = SUPERGRAPHS / "wings.graphql"
MAILROOM_SUPERGRAPH = SUPERGRAPHS / "mailroom.graphql"
BAZAAR_SUPERGRAPH = SUPERGRAPHS / "bazaar.graphql"
NEWSDESK_SUPERGRAPH = SUPERGRAPHS / "newsdesk.graphql"
LOBBY_SUPERGRAPH = SUPERGRAPHS / "lobby.graphql"
PRINTSHOP_SUPERGRAPH = SUPERGRAPHS / "printshop.graphql"
SCREENING_SUPERGRAPH = SUPERGRAPHS / "screening.graphql"
# Not a planner fixture: random operations on it would ask for what cannot be planned.
SHOWCASE_SUPERGRAPH = SUPERGRAPHS / "showcase.graphql"
# Fixtures the planner cases and the end-to-end tests share.
PLANNER_FIXTURES = ROOT / "tests" / "router" / "planner"
SHELF_SUPERGRAPH = PLANNER_FIXTURES / "null_entities" / "supergraph.graphql"
DISPATCH_SUPERGRAPH = PLANNER_FIXTURES / "hidden_enum_values" / "supergraph.graphql"
CATALOGUE_SUPERGRAPH = PLANNER_FIXTURES / "external_keys" / "supergraph.graphql"
GALLERY_SUPERGRAPH = PLANNER_FIXTURES / "interface_object_values" / "supergraph.graphql"
BOUNCE_SUPERGRAPH = PLANNER_FIXTURES / "requires_bounce" / "supergraph.graphql"
RACKS_SUPERGRAPH = PLANNER_FIXTURES / "shareable_unions" / "supergraph.graphql"
ATLAS_SUPERGRAPH = PLANNER_FIXTURES / "local_field_types" / "supergraph.graphql"
JOURNAL_SUPERGRAPH = PLANNER_FIXTURES / "requires_nested_hops" / "supergraph.graphql"
BEACONS_SUPERGRAPH = PLANNER_FIXTURES / "executable_directives" / "supergraph.graphql"
LOOKOUTS_SUPERGRAPH = PLANNER_FIXTURES / "fragment_directives" / "supergraph.graphql"
BAKERY_SUPERGRAPH = PLANNER_FIXTURES / "non_resolvable_interface_objects" / "supergraph.graphql"
GRAPHS: dict[Path, dict[str, strawberry.federation.Schema]] = {
    SHOP_SUPERGRAPH: shop.SCHEMAS,
    LIBRARY_SUPERGRAPH: library.SCHEMAS,
    PARCELS_SUPERGRAPH: parcels.SCHEMAS,
    ROLLOUT_SUPERGRAPH: rollout.SCHEMAS,
    NEWSROOM_SUPERGRAPH: newsroom.SCHEMAS,
    STOCKROOM_SUPERGRAPH: stockroom.SCHEMAS,
    MEMBERSHIP_SUPERGRAPH: membership.SCHEMAS,
    STOREFRONT_SUPERGRAPH: storefront.SCHEMAS,
    REGISTRY_SUPERGRAPH: registry.SCHEMAS,
    ZOO_SUPERGRAPH: zoo.SCHEMAS,
    REVIEW_FEED_SUPERGRAPH: review_feed.SCHEMAS,
    BOUTIQUES_SUPERGRAPH: boutiques.SCHEMAS,
    VAULT_SUPERGRAPH: vault.SCHEMAS,
    PANTRY_SUPERGRAPH: pantry.SCHEMAS,
    AUCTION_SUPERGRAPH: auction.SCHEMAS,
    HOUSEHOLDS_SUPERGRAPH: households.SCHEMAS,
    PRICELIST_SUPERGRAPH: pricelist.SCHEMAS,
    GAZETTEER_SUPERGRAPH: gazetteer.SCHEMAS,
    SHELTER_SUPERGRAPH: shelter.SCHEMAS,
    RENAMES_SUPERGRAPH: renames.SCHEMAS,
    EXHIBITS_SUPERGRAPH: exhibits.SCHEMAS,
    TAILORING_SUPERGRAPH: tailoring.SCHEMAS,
    JOURNAL_SUPERGRAPH: journal.SCHEMAS,
    STATIONS_SUPERGRAPH: stations.SCHEMAS,
    COURIERS_SUPERGRAPH: couriers.SCHEMAS,
    FLEET_SUPERGRAPH: fleet.SCHEMAS,
    AISLES_SUPERGRAPH: aisles.SCHEMAS,
    WORKSHOP_SUPERGRAPH: workshop.SCHEMAS,
    STALLS_SUPERGRAPH: stalls.SCHEMAS,
    SINGLES_SUPERGRAPH: singles.SCHEMAS,
    KITCHEN_SUPERGRAPH: kitchen.SCHEMAS,
    WINGS_SUPERGRAPH: wings.SCHEMAS,
    MAILROOM_SUPERGRAPH: mailroom.SCHEMAS,
    BAZAAR_SUPERGRAPH: bazaar.SCHEMAS,
    NEWSDESK_SUPERGRAPH: newsdesk.SCHEMAS,
    LOBBY_SUPERGRAPH: lobby.SCHEMAS,
    PRINTSHOP_SUPERGRAPH: printshop.SCHEMAS,
    SCREENING_SUPERGRAPH: screening.SCHEMAS,
    BEACONS_SUPERGRAPH: beacons.SCHEMAS,
    LOOKOUTS_SUPERGRAPH: lookouts.SCHEMAS,
    BAKERY_SUPERGRAPH: bakery.SCHEMAS,
    SHELF_SUPERGRAPH: shelf.SCHEMAS,
    DISPATCH_SUPERGRAPH: dispatch.SCHEMAS,
    CATALOGUE_SUPERGRAPH: catalogue.SCHEMAS,
    GALLERY_SUPERGRAPH: gallery.SCHEMAS,
    BOUNCE_SUPERGRAPH: bounce.SCHEMAS,
    RACKS_SUPERGRAPH: racks.SCHEMAS,
    ATLAS_SUPERGRAPH: atlas.SCHEMAS,
    SHOWCASE_SUPERGRAPH: showcase.SCHEMAS,
}
FED1_SHOP_SUPERGRAPHS = {
    "join-v0.1": SUPERGRAPHS / "fed1_shop_join_v0.1.graphql",
    "join-v0.2": SUPERGRAPHS / "fed1_shop_join_v0.2.graphql",
}
FED1_GRAPHS: dict[Path, tuple[str, dict[str, str]]] = {
    path: (join, fed1_shop.SDLS) for join, path in FED1_SHOP_SUPERGRAPHS.items()
}


def placeholder_url(name: str) -> str:
    """URLs in the checked-in supergraphs; tests override them or mount the apps in-process."""
    return f"http://127.0.0.1:9/{name}/graphql"


def subgraph_sdl(schema: strawberry.federation.Schema) -> str:
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.data is not None, result.errors
    return str(result.data["_service"]["sdl"])


def compose(schemas: dict[str, strawberry.federation.Schema]) -> str:
    return compose_sdls({name: subgraph_sdl(schema) for name, schema in schemas.items()})


def compose_sdls(sdls: dict[str, str]) -> str:
    """Federation 2 subgraph SDL by subgraph name, composed."""
    return _run_composer(["compose_fixture.mjs"], sdls)


def compose_fed1(join: str, sdls: dict[str, str]) -> str:
    """Federation 1 subgraph SDL composed as Apollo did while ``join`` (``join-v0.1``, ``-v0.2``) was current."""
    return _run_composer(["compose_fed1.mjs", join], sdls)


def _run_composer(script: list[str], sdls: dict[str, str]) -> str:
    subgraphs = [
        {"name": name, "url": placeholder_url(name), "sdl": sdl} for name, sdl in sdls.items()
    ]
    completed = subprocess.run(
        ["node", str(NODE_DIR / script[0]), *script[1:]],
        input=json.dumps({"subgraphs": subgraphs}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"composition failed ({' '.join(script)}): {completed.stderr}")
    return completed.stdout


if __name__ == "__main__":
    for path, schemas in GRAPHS.items():
        path.write_text(compose(schemas))
    for path, (join, sdls) in FED1_GRAPHS.items():
        path.write_text(compose_fed1(join, sdls))

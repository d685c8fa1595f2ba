"""Conventions every part of the composed graph follows, so a frontend can rely on them.

- Connections: ``edges`` of ``{cursor: String!, node}``, ``pageInfo: PageInfo!``,
  ``totalCount``, paged forward by ``first: Int`` and ``after: String``.
- ``PageInfo``: ``hasNextPage``, ``hasPreviousPage``, ``startCursor``, ``endCursor``.
- Timestamps (fields named ``…At``) are ``DateTime``: UTC with milliseconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from router.http.federation import FederationFront
from shared.graphql.scalars import parse_datetime, serialize_datetime

ROOT = Path(__file__).resolve().parents[2]
ISO_MS_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def api_schema() -> GraphQLSchema:
    sdl = (ROOT / "schema" / "supergraph.graphql").read_text()
    return FederationFront().load(sdl).api_schema


def _fields() -> list[tuple[str, str, GraphQLField]]:
    schema = api_schema()
    return [
        (type_.name, name, field)
        for type_ in schema.type_map.values()
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__")
        for name, field in type_.fields.items()
    ]


def test_every_connection_has_edges_page_info_and_pages_forward() -> None:
    schema = api_schema()
    connections = [t for name, t in schema.type_map.items() if name.endswith("Connection")]
    assert {t.name for t in connections} >= {"ArticleConnection", "UserConnection"}
    for connection in connections:
        assert isinstance(connection, GraphQLObjectType)
        edges = connection.fields["edges"].type
        assert isinstance(edges, GraphQLNonNull) and isinstance(edges.of_type, GraphQLList)
        edge = get_named_type(edges)
        assert isinstance(edge, GraphQLObjectType) and edge.name.endswith("Edge")
        assert str(edge.fields["cursor"].type) == "String!" and "node" in edge.fields
        assert str(connection.fields["pageInfo"].type) == "PageInfo!"
        assert get_named_type(connection.fields["totalCount"].type).name == "Int"
    for type_name, name, field in _fields():
        if get_named_type(field.type).name.endswith("Connection"):
            where = f"{type_name}.{name}"
            assert str(field.args["first"].type) == "Int", where
            assert str(field.args["after"].type) == "String", where


def test_page_info_has_both_ends() -> None:
    page_info = api_schema().type_map["PageInfo"]
    assert isinstance(page_info, GraphQLObjectType)
    assert {name: str(f.type) for name, f in page_info.fields.items()} == {
        "hasNextPage": "Boolean!",
        "hasPreviousPage": "Boolean!",
        "startCursor": "String",
        "endCursor": "String",
    }


def test_every_timestamp_is_a_datetime() -> None:
    timestamps = [(t, n, f) for t, n, f in _fields() if n.endswith("At")]
    assert len(timestamps) >= 3
    for type_name, name, field in timestamps:
        assert get_named_type(field.type).name == "DateTime", f"{type_name}.{name}"


def test_datetimes_are_utc_with_milliseconds_whatever_they_were_stored_as() -> None:
    moment = datetime(2026, 12, 4, 19, 5, 42, 123456, tzinfo=UTC)
    assert serialize_datetime(moment) == "2026-12-04T19:05:42.123Z"
    assert serialize_datetime(moment.replace(microsecond=0)) == "2026-12-04T19:05:42.000Z"
    shanghai = moment.astimezone(timezone(timedelta(hours=8)))
    assert serialize_datetime(shanghai) == "2026-12-04T19:05:42.123Z"
    assert serialize_datetime(moment.replace(tzinfo=None)) == "2026-12-04T19:05:42.123Z"
    assert ISO_MS_UTC.fullmatch(serialize_datetime(datetime.now(UTC)))
    assert parse_datetime("2026-12-04T19:05:42.123Z") == moment.replace(microsecond=123000)

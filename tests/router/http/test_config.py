"""The router's TOML configuration: defaults, overrides, and readable errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.config import (
    ConfigError,
    EntityCacheConfig,
    PolicyEvaluatorConfig,
    RouterConfig,
    SubscriptionSettings,
    load_config,
)
from router.execution import ErrorMode
from router.transport.types import EDGE_HEADERS as EDGE
from router.transport.websocket import SubscriptionEndpoint

EXAMPLE = """
supergraph = "supergraph.graphql"

[router]
timeout = 10
errors = "mask"
override_labels = ["use-ratings"]

[limits]
max_body_bytes = 2048

[headers]
propagate = ["Authorization", "X-Tenant"]

[subgraphs.accounts]
url = "http://127.0.0.1:4001/graphql"
timeout = 2.5
errors = "pass"
propagate = ["cookie"]
"""


def test_a_config_file_overrides_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "router.toml"
    path.write_text(EXAMPLE)
    config = load_config(path)
    assert config.supergraph == tmp_path / "supergraph.graphql"
    assert config.timeout == 10.0
    assert config.override_labels == {"use-ratings"}
    assert config.limits.max_body_bytes == 2048
    assert config.limits.planning_budget == RouterConfig().limits.planning_budget
    assert config.subgraph_urls({"accounts": "http://a", "social": "http://s"}) == {
        "accounts": "http://127.0.0.1:4001/graphql",
        "social": "http://s",
    }
    assert config.timeouts() == {"accounts": 2.5}
    policy = config.error_policy()
    assert policy.mode_for("accounts") is ErrorMode.PASS
    assert policy.mode_for("social") is ErrorMode.MASK
    assert config.propagated_headers("accounts") == {"authorization", "x-tenant", "cookie"} | EDGE
    assert config.propagated_headers("social") == {"authorization", "x-tenant"} | EDGE


def test_defaults_forward_authorization_and_trace_context() -> None:
    assert RouterConfig().propagated_headers("any") == {
        "authorization",
        "traceparent",
        "tracestate",
        *EDGE,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[router]\ntimout = 3\n", "unknown key 'timout' in [router]"),
        ('[router]\nerrors = "hide"\n', '[router] errors must be "pass" or "mask"'),
        ("[limits]\nmax_body_bytes = -1\n", "[limits] max_body_bytes must be a positive integer"),
        ("[subgraphs.a]\nurl = 3\n", "[subgraphs.a] url must be a str"),
        ('[headers]\npropagate = "authorization"\n', "must be a list of header names"),
        ('[router]\noverride_labels = "on"\n', "[router] override_labels must be a list of labels"),
        ("router = [", "not valid TOML"),
        ("[subscriptions]\ninit_timeout = 0\n", "[subscriptions] init_timeout must be a positive"),
        ("[subscriptions]\nkeep_alive = 1\n", "unknown key 'keep_alive' in [subscriptions]"),
        ('[subscriptions]\nmultiplex = "yes"\n', "[subscriptions] multiplex must be a bool"),
        (
            "[subscriptions]\noperations_per_socket = 0\n",
            "[subscriptions] operations_per_socket must be a positive integer",
        ),
        ("[cors]\norigin = []\n", "unknown key 'origin' in [cors]"),
        (
            '[cors]\norigins = ["*"]\nallow_credentials = true\n',
            '[cors] origins "*" cannot be used with allow_credentials = true',
        ),
        ("[cors]\nmax_age = 0\n", "[cors] max_age must be a positive integer"),
        (
            '[subgraphs.a]\nsubscription_protocol = "sse"\n',
            "[subgraphs.a] subscription_protocol must be one of 'graphql-transport-ws', 'graphql-ws'",
        ),
        ("[entity_cache]\nenabled = true\n", "[entity_cache] enabled = true needs redis_url"),
        ("[entity_cache]\nttl = 60\n", "unknown key 'ttl' in [entity_cache]"),
        ("[entity_cache]\nmax_ttl = 0\n", "[entity_cache] max_ttl must be a positive integer"),
        (
            "[entity_cache]\ndefault_ttl = 90\nmax_ttl = 60\n",
            "[entity_cache] default_ttl (90) must not exceed max_ttl (60)",
        ),
        ('[entity_cache]\nkey_prefix = ""\n', "[entity_cache] key_prefix must not be empty"),
        (
            "[subgraphs.a]\nentity_cache = true\n",
            "[subgraphs.a] entity_cache = true needs [entity_cache] enabled = true",
        ),
        ('[subgraphs.a]\nentity_cache = "no"\n', "[subgraphs.a] entity_cache must be a bool"),
        ("[policy_evaluator]\ntimeout = 1\n", "[policy_evaluator] needs url"),
        ('[policy_evaluator]\nurl = "127.0.0.1:4100"\n', "[policy_evaluator] needs url"),
        (
            '[policy_evaluator]\nurl = "http://e"\ntimeout = 0\n',
            "[policy_evaluator] timeout must be a positive number",
        ),
        (
            '[policy_evaluator]\nurl = "http://e"\nmax_response_bytes = 1.5\n',
            "[policy_evaluator] max_response_bytes must be a positive integer",
        ),
        ('[policy_evaluator]\nurl = "http://e"\nheaders = []\n', "unknown key 'headers'"),
    ],
)
def test_mistakes_are_reported_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "router.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)


def test_subscriptions_are_configured_per_connection_and_per_subgraph(tmp_path: Path) -> None:
    path = tmp_path / "router.toml"
    path.write_text(
        """
[limits]
max_subscriptions_per_connection = 3

[subscriptions]
init_timeout = 2
keepalive = 5.5
multiplex = false
operations_per_socket = 20
max_buffered_events = 64
slow_consumer_timeout = 1.5

[subgraphs.chat]
subscription_protocol = "graphql-ws"

[subgraphs.feed]
url = "https://feed.internal/graphql"

[subgraphs.notifications]
subscription_url = "ws://127.0.0.1:4010/subscriptions"
"""
    )
    config = load_config(path)
    assert config.limits.max_subscriptions_per_connection == 3
    assert config.subscriptions == SubscriptionSettings(
        init_timeout=2.0,
        keepalive=5.5,
        multiplex=False,
        operations_per_socket=20,
        max_buffered_events=64,
        slow_consumer_timeout=1.5,
    )
    from_supergraph = {
        "chat": "http://127.0.0.1:4002/graphql",
        "feed": "http://ignored/graphql",
        "notifications": "http://127.0.0.1:4003/graphql",
    }
    assert config.subscription_endpoints(from_supergraph) == {
        "chat": SubscriptionEndpoint("ws://127.0.0.1:4002/graphql", "graphql-ws"),
        "feed": SubscriptionEndpoint("wss://feed.internal/graphql", "graphql-transport-ws"),
        "notifications": SubscriptionEndpoint(
            "ws://127.0.0.1:4010/subscriptions", "graphql-transport-ws"
        ),
    }


def test_the_entity_cache_is_off_unless_enabled_and_switched_off_per_subgraph(
    tmp_path: Path,
) -> None:
    path = tmp_path / "router.toml"
    assert load_config(_written(path, "")).entity_cache == EntityCacheConfig()
    config = load_config(
        _written(
            path,
            '[entity_cache]\nenabled = true\nredis_url = "redis://127.0.0.1:6379/0"\n'
            "default_ttl = 30\nprivate = false\n"
            '[subgraphs.accounts]\nentity_cache = false\n[subgraphs.articles]\nurl = "http://a"\n',
        )
    )
    assert config.entity_cache == EntityCacheConfig(
        enabled=True, redis_url="redis://127.0.0.1:6379/0", default_ttl=30, private=False
    )
    assert config.uncached_subgraphs() == frozenset({"accounts"})


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "nope.toml")


def test_policies_are_decided_by_an_evaluator_only_when_one_is_configured(
    tmp_path: Path,
) -> None:
    assert RouterConfig().policy_evaluator is None
    path = tmp_path / "router.toml"
    path.write_text('[policy_evaluator]\nurl = "https://policies.internal/decide"\n')
    assert load_config(path).policy_evaluator == PolicyEvaluatorConfig(
        "https://policies.internal/decide", timeout=1.0, max_response_bytes=65_536
    )
    path.write_text(
        '[policy_evaluator]\nurl = "http://127.0.0.1:4100"\ntimeout = 0.25\n'
        "max_response_bytes = 4096\n"
    )
    assert load_config(path).policy_evaluator == PolicyEvaluatorConfig(
        "http://127.0.0.1:4100", timeout=0.25, max_response_bytes=4096
    )

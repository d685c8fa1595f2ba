"""The router's typed configuration, read once from a TOML file.

::

    supergraph = "schema/supergraph.graphql"   # optional; --supergraph wins

    [router]
    timeout = 30.0            # seconds per subgraph request (default for all)
    errors = "pass"           # "pass" or "mask" subgraph errors (default for all)
    dedup = true              # share identical in-flight subgraph queries
    poll_interval = 1.0       # seconds between supergraph file checks
    graphiql = true
    query_plan_header = "Beyond-Query-Plan"
    expose_query_plan = false # answer the header's "true" with the plan (`beyond dev` does)
    query_plan_secret = "…"   # or: answer a header holding this secret
    introspection = false     # __schema and __type (`beyond dev` switches them on)
    override_labels = ["use-fulfillment"]   # progressive @override labels to switch on
    sensitive_mutations = ["login", …]      # alone in their operation, never aliased

    [limits]
    max_body_bytes = 1048576  # HTTP bodies and WebSocket messages alike
    planning_budget = 100000   # planner steps per operation, all its plans together
    max_defer_conditions = 4   # distinct @defer(if: $v) variables (2^n plans for n)
    plan_cache_size = 1000    # plans cached, within
    plan_cache_bytes = 67108864              # bytes of plans (estimated)
    max_cached_operation_bytes = 32768       # longer operations are planned every time
    max_subscriptions_per_connection = 100   # operations at once on one WebSocket
    max_tokens = 15000        # operation limits, counted with fragments expanded
    max_depth = 100
    max_height = 200
    max_aliases = 30
    max_root_fields = 20
    max_directives = 50
    max_cost = 1000000        # 1 per field, times the sizes of the lists around it
    list_size = 10            # a list's size without a first/last/limit argument

    [server]
    trusted_proxies = ["10.0.0.0/8"]   # peers whose X-Forwarded-For is believed (none by default)
    router_secret = "…"       # sent to subgraphs as X-Beyond-Router-Secret (BEYOND_ROUTER_SECRET there)
    header_timeout = 10.0     # seconds to send a request's headers
    body_timeout = 30.0       # seconds to send a request's body

    [persisted_queries]
    apq = true                # Apollo's automatic persisted queries
    redis_url = "redis://127.0.0.1:6379/0"   # shared APQ store (a local LRU without it, or when down)
    redis_prefix = "beyond:apq:"
    local_cache_size = 10000  # operations in the local LRU
    safelist = "persisted-queries.json"      # only these operations run (Apollo's manifest format)

    [subscriptions]
    init_timeout = 10.0       # seconds a WebSocket client has to send connection_init
    keepalive = 15.0          # seconds between graphql-ws "ka" messages, SSE keep-alive
                              # comments and pings on subgraph WebSockets
    multiplex = true          # subscriptions with the same headers share a subgraph WebSocket
    operations_per_socket = 100   # at most this many on one subgraph WebSocket
    max_buffered_events = 1024    # events one subscription may have waiting for its client
    slow_consumer_timeout = 5.0   # seconds a full one may hold up its subgraph WebSocket
                                  # before it is stopped with an error

    [headers]
    propagate = ["authorization", "traceparent", "tracestate"]

    [authentication]          # verify clients' JWTs (for @authenticated, @requiresScopes)
    jwt_secret = "…"          # HS256; and/or
    jwt_public_key_file = "keys/jwt.pem"   # PEM: RS256/PS256, ES256, EdDSA
    jwt_issuer = "https://auth.example.com"   # optional: the iss claim must match
    jwt_audience = "beyond"   # optional: the aud claim must contain it
    header = "authorization"  # where the token is (and the connection_init key)
    prefix = "Bearer"         # before the token in that header; "" for none

    [policy_evaluator]        # decides @policy: POSTed the policies an operation
                              # names and the token's claims, answers the satisfied ones
    url = "http://127.0.0.1:4100/policies"
    timeout = 1.0             # seconds; a late, failed or unreadable answer satisfies none
    max_response_bytes = 65536

    [cors]                    # let browser pages on other origins call the graph
    origins = ["https://app.example", "http://localhost:*"]   # "*": any; ":*": any port
    allow_credentials = false # cookies and the Authorization header with credentials
    max_age = 600             # seconds a browser may cache a preflight answer
    allow_headers = ["content-type", "authorization"]   # default: these and the plan,
                              # request id and trace headers

    [subgraphs.accounts]
    url = "http://127.0.0.1:4001/graphql"   # overrides the supergraph's URL
    timeout = 5.0
    errors = "mask"
    propagate = ["x-device-id"]              # added to [headers].propagate
    subscription_url = "ws://127.0.0.1:4001/graphql"   # default: url with ws:// (wss://)
    subscription_protocol = "graphql-transport-ws"    # or "graphql-ws"

    [registry]
    etcd = "http://127.0.0.1:2379"           # where discovered subgraphs register

    [entity_cache]            # subgraph answers per entity and root field, in Redis
    enabled = true
    redis_url = "redis://127.0.0.1:6379/0"
    key_prefix = "beyond:entity:"          # also names the channel: <prefix>invalidate
    max_ttl = 3600            # seconds; caps every subgraph's Cache-Control age
    default_ttl = 60          # for answers without Cache-Control (default: not cached)
    private = true            # Cache-Control: private answers, per verified token subject
    timeout = 0.1             # seconds per Redis call before answering from subgraphs

    [subgraphs.accounts]
    entity_cache = false      # this subgraph's answers are never cached

    [subgraphs.articles]
    discovery = "etcd"        # replicas' URLs from etcd, balanced by p2c (default: static)

Unknown keys are errors, so a typo does not silently fall back to a default.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, TypeVar

from router.execution.subgraph_errors import ErrorMode, SubgraphErrorPolicy
from router.operation.guard import SENSITIVE_MUTATIONS, OperationGuard
from router.operation.limits import OperationLimits
from router.planner import DEFAULT_BUDGET, DEFAULT_MAX_DEFER_CONDITIONS
from router.prepare import PlanningLimits
from router.transport.subprotocols import GRAPHQL_TRANSPORT_WS, SUBPROTOCOLS
from router.transport.types import EDGE_HEADERS
from router.transport.websocket import SubscriptionEndpoint, websocket_url

T = TypeVar("T")

_OPERATION_LIMITS = OperationLimits()
DEFAULT_PROPAGATED_HEADERS = ("authorization", "traceparent", "tracestate")


class ConfigError(Exception):
    """The configuration file is missing, not TOML, or has a wrong key or value."""


@dataclass(frozen=True, slots=True)
class SubgraphConfig:
    url: str | None = None
    timeout: float | None = None
    errors: ErrorMode | None = None
    propagate: tuple[str, ...] = ()
    subscription_url: str | None = None
    discovery: Literal["etcd"] | None = None
    subscription_protocol: str = GRAPHQL_TRANSPORT_WS
    entity_cache: bool | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    max_body_bytes: int = 1024 * 1024
    planning_budget: int = DEFAULT_BUDGET
    max_defer_conditions: int = DEFAULT_MAX_DEFER_CONDITIONS
    plan_cache_size: int = 1000
    plan_cache_bytes: int = 64 * 1024 * 1024
    max_cached_operation_bytes: int = 32 * 1024
    max_subscriptions_per_connection: int = 100
    max_tokens: int = _OPERATION_LIMITS.max_tokens
    max_depth: int = _OPERATION_LIMITS.max_depth
    max_height: int = _OPERATION_LIMITS.max_height
    max_aliases: int = _OPERATION_LIMITS.max_aliases
    max_root_fields: int = _OPERATION_LIMITS.max_root_fields
    max_directives: int = _OPERATION_LIMITS.max_directives
    max_cost: int = _OPERATION_LIMITS.max_cost
    list_size: int = _OPERATION_LIMITS.list_size

    def operation_limits(self) -> OperationLimits:
        return OperationLimits(
            max_tokens=self.max_tokens,
            max_depth=self.max_depth,
            max_height=self.max_height,
            max_aliases=self.max_aliases,
            max_root_fields=self.max_root_fields,
            max_directives=self.max_directives,
            max_cost=self.max_cost,
            list_size=self.list_size,
        )


@dataclass(frozen=True, slots=True)
class ServerSettings:
    trusted_proxies: tuple[str, ...] = ()
    router_secret: str | None = None
    header_timeout: float = 10.0
    body_timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class PersistedQueriesConfig:
    apq: bool = True
    redis_url: str | None = None
    redis_prefix: str = "beyond:apq:"
    local_cache_size: int = 10_000
    safelist: Path | None = None


@dataclass(frozen=True, slots=True)
class EntityCacheConfig:
    enabled: bool = False
    redis_url: str | None = None
    key_prefix: str = "beyond:entity:"
    max_ttl: int = 3600
    default_ttl: int | None = None
    private: bool = True
    timeout: float = 0.1


@dataclass(frozen=True, slots=True)
class SubscriptionSettings:
    init_timeout: float = 10.0
    keepalive: float = 15.0
    multiplex: bool = True
    operations_per_socket: int = 100
    max_buffered_events: int = 1024
    slow_consumer_timeout: float = 5.0


@dataclass(frozen=True, slots=True)
class AuthenticationConfig:
    """How the router verifies a client's JWT; at least one key is set."""

    jwt_secret: str | None = None
    jwt_public_key_file: Path | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    header: str = "authorization"
    prefix: str = "Bearer"


@dataclass(frozen=True, slots=True)
class PolicyEvaluatorConfig:
    """The HTTP endpoint that decides which ``@policy`` policies a request satisfies."""

    url: str
    timeout: float = 1.0
    max_response_bytes: int = 65_536


@dataclass(frozen=True, slots=True)
class CorsConfig:
    origins: tuple[str, ...] = ()
    allow_credentials: bool = False
    max_age: int = 600
    allow_headers: tuple[str, ...] = (
        "content-type",
        "accept",
        "authorization",
        "beyond-query-plan",
        "x-request-id",
        "traceparent",
        "tracestate",
    )


@dataclass(frozen=True, slots=True)
class RouterConfig:
    supergraph: Path | None = None
    timeout: float = 30.0
    errors: ErrorMode = ErrorMode.PASS
    dedup: bool = True
    poll_interval: float = 1.0
    graphiql: bool = True
    query_plan_header: str = "Beyond-Query-Plan"
    expose_query_plan: bool = False
    query_plan_secret: str | None = None
    introspection: bool = False
    override_labels: frozenset[str] = frozenset()
    sensitive_mutations: frozenset[str] = frozenset(SENSITIVE_MUTATIONS)
    limits: Limits = field(default_factory=Limits)
    server: ServerSettings = field(default_factory=ServerSettings)
    persisted_queries: PersistedQueriesConfig = field(default_factory=PersistedQueriesConfig)
    subscriptions: SubscriptionSettings = field(default_factory=SubscriptionSettings)
    propagate: tuple[str, ...] = DEFAULT_PROPAGATED_HEADERS
    subgraphs: Mapping[str, SubgraphConfig] = field(default_factory=dict)
    authentication: AuthenticationConfig | None = None
    policy_evaluator: PolicyEvaluatorConfig | None = None
    cors: CorsConfig | None = None
    registry_etcd: str | None = None
    entity_cache: EntityCacheConfig = field(default_factory=EntityCacheConfig)

    def uncached_subgraphs(self) -> frozenset[str]:
        """The subgraphs switched out of the entity cache (``entity_cache = false``)."""
        return frozenset(name for name, sub in self.subgraphs.items() if sub.entity_cache is False)

    def discovered(self) -> list[str]:
        """The subgraphs whose URLs come from the registry."""
        return [name for name, sub in self.subgraphs.items() if sub.discovery == "etcd"]

    def operation_guard(self) -> OperationGuard:
        return OperationGuard(
            limits=self.limits.operation_limits(),
            introspection=self.introspection,
            sensitive_mutations=self.sensitive_mutations,
        )

    def error_policy(self) -> SubgraphErrorPolicy:
        modes = {name: sub.errors for name, sub in self.subgraphs.items() if sub.errors}
        return SubgraphErrorPolicy(modes=modes, default=self.errors)

    def planning_limits(self) -> PlanningLimits:
        return PlanningLimits(
            self.limits.planning_budget,
            self.limits.max_defer_conditions,
            guard=self.operation_guard(),
        )

    def timeouts(self) -> dict[str, float]:
        return {name: sub.timeout for name, sub in self.subgraphs.items() if sub.timeout}

    def subgraph_urls(self, from_supergraph: Mapping[str, str]) -> dict[str, str]:
        urls = dict(from_supergraph)
        urls.update({name: sub.url for name, sub in self.subgraphs.items() if sub.url})
        return urls

    def subscription_endpoints(
        self, from_supergraph: Mapping[str, str]
    ) -> dict[str, SubscriptionEndpoint]:
        """Where and how to subscribe at each subgraph: its HTTP URL as ws:// unless configured."""
        endpoints: dict[str, SubscriptionEndpoint] = {}
        for name, url in self.subgraph_urls(from_supergraph).items():
            sub = self.subgraphs.get(name, SubgraphConfig())
            endpoints[name] = SubscriptionEndpoint(
                sub.subscription_url or websocket_url(url), sub.subscription_protocol
            )
        return endpoints

    def propagated_headers(self, service_name: str) -> frozenset[str]:
        extra = self.subgraphs.get(service_name, SubgraphConfig()).propagate
        return frozenset(h.lower() for h in (*self.propagate, *extra)) | EDGE_HEADERS


def load_config(path: Path) -> RouterConfig:
    try:
        raw = tomllib.loads(path.read_text())
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {path} is not valid TOML: {exc}") from None
    return parse_config(raw, base=path.parent)


def parse_config(raw: Mapping[str, Any], *, base: Path = Path()) -> RouterConfig:
    _only(
        raw,
        {
            "supergraph",
            "router",
            "limits",
            "subscriptions",
            "headers",
            "subgraphs",
            "authentication",
            "policy_evaluator",
            "cors",
            "server",
            "persisted_queries",
            "registry",
            "entity_cache",
        },
        "the top level",
    )
    registry = _table(raw, "registry")
    _only(registry, {"etcd"}, "[registry]")
    router = _table(raw, "router")
    _only(
        router,
        {
            "timeout",
            "errors",
            "dedup",
            "poll_interval",
            "graphiql",
            "query_plan_header",
            "expose_query_plan",
            "query_plan_secret",
            "introspection",
            "override_labels",
            "sensitive_mutations",
        },
        "[router]",
    )
    limits = _table(raw, "limits")
    _only(limits, {f.name for f in fields(Limits)}, "[limits]")
    subscriptions = _table(raw, "subscriptions")
    _only(subscriptions, {f.name for f in fields(SubscriptionSettings)}, "[subscriptions]")
    headers = _table(raw, "headers")
    _only(headers, {"propagate"}, "[headers]")
    defaults = RouterConfig()
    supergraph = raw.get("supergraph")
    config = RouterConfig(
        supergraph=base / _typed(supergraph, str, "supergraph") if supergraph else None,
        timeout=_number(router.get("timeout", defaults.timeout), "[router] timeout"),
        errors=_mode(router.get("errors", defaults.errors.value), "[router] errors"),
        dedup=_typed(router.get("dedup", defaults.dedup), bool, "[router] dedup"),
        poll_interval=_number(
            router.get("poll_interval", defaults.poll_interval), "[router] poll_interval"
        ),
        graphiql=_typed(router.get("graphiql", defaults.graphiql), bool, "[router] graphiql"),
        query_plan_header=_typed(
            router.get("query_plan_header", defaults.query_plan_header),
            str,
            "[router] query_plan_header",
        ),
        expose_query_plan=_typed(
            router.get("expose_query_plan", False), bool, "[router] expose_query_plan"
        ),
        query_plan_secret=_optional_str(router, "query_plan_secret", "[router]"),
        introspection=_typed(router.get("introspection", False), bool, "[router] introspection"),
        override_labels=frozenset(
            _strings(router.get("override_labels", []), "[router] override_labels", "labels")
        ),
        sensitive_mutations=frozenset(
            _strings(
                router.get("sensitive_mutations", list(SENSITIVE_MUTATIONS)),
                "[router] sensitive_mutations",
                "field names",
            )
        ),
        limits=Limits(
            **{name: _positive_int(value, f"[limits] {name}") for name, value in limits.items()}
        ),
        subscriptions=_subscription_settings(subscriptions),
        propagate=_names(headers.get("propagate", list(defaults.propagate)), "[headers] propagate"),
        subgraphs={
            name: _subgraph(name, table) for name, table in _table(raw, "subgraphs").items()
        },
        authentication=_authentication(raw, base),
        policy_evaluator=_policy_evaluator(raw),
        cors=_cors(raw),
        registry_etcd=_optional_str(registry, "etcd", "[registry]"),
        server=_server(_table(raw, "server")),
        persisted_queries=_persisted_queries(_table(raw, "persisted_queries"), base),
        entity_cache=_entity_cache(_table(raw, "entity_cache")),
    )
    if config.discovered() and config.registry_etcd is None:
        raise ConfigError(
            f'[subgraphs.{config.discovered()[0]}] discovery = "etcd" needs [registry] etcd'
        )
    switched_on = [name for name, sub in config.subgraphs.items() if sub.entity_cache]
    if switched_on and not config.entity_cache.enabled:
        raise ConfigError(
            f"[subgraphs.{switched_on[0]}] entity_cache = true needs [entity_cache] enabled = true"
        )
    return config


def _entity_cache(table: Mapping[str, Any]) -> EntityCacheConfig:
    where = "[entity_cache]"
    _only(table, {f.name for f in fields(EntityCacheConfig)}, where)
    defaults = EntityCacheConfig()
    enabled = _typed(table.get("enabled", defaults.enabled), bool, f"{where} enabled")
    redis_url = _optional_str(table, "redis_url", where)
    if enabled and not redis_url:
        raise ConfigError(f"{where} enabled = true needs redis_url (the Redis holding the cache)")
    max_ttl = _positive_int(table.get("max_ttl", defaults.max_ttl), f"{where} max_ttl")
    default_ttl = (
        _positive_int(table["default_ttl"], f"{where} default_ttl")
        if "default_ttl" in table
        else None
    )
    if default_ttl is not None and default_ttl > max_ttl:
        raise ConfigError(
            f"{where} default_ttl ({default_ttl}) must not exceed max_ttl ({max_ttl})"
        )
    prefix = _typed(table.get("key_prefix", defaults.key_prefix), str, f"{where} key_prefix")
    if not prefix:
        raise ConfigError(f"{where} key_prefix must not be empty")
    return EntityCacheConfig(
        enabled=enabled,
        redis_url=redis_url,
        key_prefix=prefix,
        max_ttl=max_ttl,
        default_ttl=default_ttl,
        private=_typed(table.get("private", defaults.private), bool, f"{where} private"),
        timeout=_number(table.get("timeout", defaults.timeout), f"{where} timeout"),
    )


def _server(table: Mapping[str, Any]) -> ServerSettings:
    where = "[server]"
    _only(table, {f.name for f in fields(ServerSettings)}, where)
    defaults = ServerSettings()
    proxies = tuple(_strings(table.get("trusted_proxies", []), f"{where} trusted_proxies", "CIDRs"))
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigError(
                f"{where} trusted_proxies: {proxy!r} is not an IP address or network"
            ) from None
    secret = _optional_str(table, "router_secret", where)
    if secret is not None and len(secret) < 16:
        raise ConfigError(f"{where} router_secret must be at least 16 characters")
    return ServerSettings(
        trusted_proxies=proxies,
        router_secret=secret,
        header_timeout=_number(
            table.get("header_timeout", defaults.header_timeout), f"{where} header_timeout"
        ),
        body_timeout=_number(
            table.get("body_timeout", defaults.body_timeout), f"{where} body_timeout"
        ),
    )


def _persisted_queries(table: Mapping[str, Any], base: Path) -> PersistedQueriesConfig:
    where = "[persisted_queries]"
    _only(table, {f.name for f in fields(PersistedQueriesConfig)}, where)
    defaults = PersistedQueriesConfig()
    safelist = _optional_str(table, "safelist", where)
    return PersistedQueriesConfig(
        apq=_typed(table.get("apq", defaults.apq), bool, f"{where} apq"),
        redis_url=_optional_str(table, "redis_url", where),
        redis_prefix=_typed(
            table.get("redis_prefix", defaults.redis_prefix), str, f"{where} redis_prefix"
        ),
        local_cache_size=_positive_int(
            table.get("local_cache_size", defaults.local_cache_size), f"{where} local_cache_size"
        ),
        safelist=base / safelist if safelist else None,
    )


def _cors(raw: Mapping[str, Any]) -> CorsConfig | None:
    if "cors" not in raw:
        return None
    table = _table(raw, "cors")
    where = "[cors]"
    _only(table, {"origins", "allow_credentials", "max_age", "allow_headers"}, where)
    defaults = CorsConfig()
    origins = tuple(_strings(table.get("origins", []), f"{where} origins", "origins"))
    credentials = _typed(
        table.get("allow_credentials", defaults.allow_credentials),
        bool,
        f"{where} allow_credentials",
    )
    if credentials and "*" in origins:
        raise ConfigError(f'{where} origins "*" cannot be used with allow_credentials = true')
    return CorsConfig(
        origins=origins,
        allow_credentials=credentials,
        max_age=_positive_int(table.get("max_age", defaults.max_age), f"{where} max_age"),
        allow_headers=_names(
            table.get("allow_headers", list(defaults.allow_headers)), f"{where} allow_headers"
        ),
    )


def _authentication(raw: Mapping[str, Any], base: Path) -> AuthenticationConfig | None:
    if "authentication" not in raw:
        return None
    table = _table(raw, "authentication")
    where = "[authentication]"
    _only(
        table,
        {"jwt_secret", "jwt_public_key_file", "jwt_issuer", "jwt_audience", "header", "prefix"},
        where,
    )
    if "jwt_secret" not in table and "jwt_public_key_file" not in table:
        raise ConfigError(
            f"{where} needs jwt_secret (HS256) or jwt_public_key_file (a PEM public key) "
            "to verify tokens with"
        )
    for name in ("jwt_secret", "header"):
        if name in table and not table[name]:
            raise ConfigError(f"{where} {name} must not be empty")
    key_file = _optional_str(table, "jwt_public_key_file", where)
    defaults = AuthenticationConfig()
    return AuthenticationConfig(
        jwt_secret=_optional_str(table, "jwt_secret", where),
        jwt_public_key_file=base / key_file if key_file else None,
        jwt_issuer=_optional_str(table, "jwt_issuer", where),
        jwt_audience=_optional_str(table, "jwt_audience", where),
        header=_typed(table.get("header", defaults.header), str, f"{where} header").lower(),
        prefix=_typed(table.get("prefix", defaults.prefix), str, f"{where} prefix"),
    )


def _policy_evaluator(raw: Mapping[str, Any]) -> PolicyEvaluatorConfig | None:
    if "policy_evaluator" not in raw:
        return None
    table = _table(raw, "policy_evaluator")
    where = "[policy_evaluator]"
    _only(table, {f.name for f in fields(PolicyEvaluatorConfig)}, where)
    url = _optional_str(table, "url", where)
    if not url or not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where} needs url, the http:// or https:// address to POST to")
    defaults = PolicyEvaluatorConfig(url)
    return PolicyEvaluatorConfig(
        url=url,
        timeout=_number(table.get("timeout", defaults.timeout), f"{where} timeout"),
        max_response_bytes=_positive_int(
            table.get("max_response_bytes", defaults.max_response_bytes),
            f"{where} max_response_bytes",
        ),
    )


def _subgraph(name: str, table: Any) -> SubgraphConfig:
    where = f"[subgraphs.{name}]"
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} must be a table")
    _only(
        table,
        {
            "url",
            "timeout",
            "errors",
            "propagate",
            "subscription_url",
            "subscription_protocol",
            "discovery",
            "entity_cache",
        },
        where,
    )
    discovery = table.get("discovery")
    if discovery not in (None, "etcd"):
        raise ConfigError(f'{where} discovery must be "etcd" (or absent), not {discovery!r}')
    protocol = table.get("subscription_protocol", GRAPHQL_TRANSPORT_WS)
    if protocol not in SUBPROTOCOLS:
        raise ConfigError(
            f"{where} subscription_protocol must be one of {', '.join(map(repr, SUBPROTOCOLS))}, "
            f"not {protocol!r}"
        )
    return SubgraphConfig(
        url=_optional_str(table, "url", where),
        timeout=_number(table["timeout"], f"{where} timeout") if "timeout" in table else None,
        errors=_mode(table["errors"], f"{where} errors") if "errors" in table else None,
        propagate=_names(table.get("propagate", []), f"{where} propagate"),
        subscription_url=_optional_str(table, "subscription_url", where),
        subscription_protocol=protocol,
        discovery=discovery,
        entity_cache=(
            _typed(table["entity_cache"], bool, f"{where} entity_cache")
            if "entity_cache" in table
            else None
        ),
    )


def _optional_str(table: Mapping[str, Any], name: str, where: str) -> str | None:
    return _typed(table[name], str, f"{where} {name}") if name in table else None


def _table(raw: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"[{name}] must be a table")
    return value


def _only(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"unknown key {unknown[0]!r} in {where}; expected one of {', '.join(sorted(allowed))}"
        )


def _typed(value: Any, kind: type[T], where: str) -> T:
    if not isinstance(value, kind):
        raise ConfigError(f"{where} must be a {kind.__name__}, not {value!r}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{where} must be a positive number, not {value!r}")
    return float(value)


def _subscription_settings(table: Mapping[str, Any]) -> SubscriptionSettings:
    defaults = SubscriptionSettings()
    where = "[subscriptions]"
    return SubscriptionSettings(
        init_timeout=_number(
            table.get("init_timeout", defaults.init_timeout), f"{where} init_timeout"
        ),
        keepalive=_number(table.get("keepalive", defaults.keepalive), f"{where} keepalive"),
        multiplex=_typed(table.get("multiplex", defaults.multiplex), bool, f"{where} multiplex"),
        operations_per_socket=_positive_int(
            table.get("operations_per_socket", defaults.operations_per_socket),
            f"{where} operations_per_socket",
        ),
        max_buffered_events=_positive_int(
            table.get("max_buffered_events", defaults.max_buffered_events),
            f"{where} max_buffered_events",
        ),
        slow_consumer_timeout=_number(
            table.get("slow_consumer_timeout", defaults.slow_consumer_timeout),
            f"{where} slow_consumer_timeout",
        ),
    )


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where} must be a positive integer, not {value!r}")
    return value


def _mode(value: Any, where: str) -> ErrorMode:
    try:
        return ErrorMode(value)
    except ValueError:
        raise ConfigError(f'{where} must be "pass" or "mask", not {value!r}') from None


def _names(value: Any, where: str) -> tuple[str, ...]:
    return tuple(v.lower() for v in _strings(value, where, "header names"))


def _strings(value: Any, where: str, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of {what}")
    return value

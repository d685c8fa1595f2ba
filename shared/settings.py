"""Typed settings read once from ``BEYOND_*`` environment variables.

``load_settings`` turns pydantic's validation report into :class:`SettingsError`,
one readable line per missing or malformed variable, so ``beyond serve`` can
print them and exit non-zero before anything starts.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, Field, ValidationError, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.db import DatabaseTimeouts
from shared.resilience.shedder import Shedder

JwtAlgorithm = Literal["HS256", "RS256", "EdDSA"]


def _decode_key(value: str) -> str:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("must be base64") from exc
    if len(raw) != 32:
        raise ValueError(f"must decode to 32 bytes, got {len(raw)}")
    return value


Base64Key = Annotated[str, AfterValidator(_decode_key)]

SECRET: dict[str, Any] = {"secret": True}
"""``json_schema_extra`` of a setting a deployment keeps in its secret store and provides.

``beyond domains sync`` derives the deployment files from it (with every required
setting): each domain's processes get these from the environment in compose and as
references into the ``beyond-secrets`` Secret in Kubernetes.
"""


def is_secret(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get("secret") is True


class CommonSettings(BaseSettings):
    """Settings every service reads: Redis, token verification, logging."""

    model_config = SettingsConfigDict(env_prefix="BEYOND_", extra="ignore", frozen=True)

    redis_url: str | None = Field(
        default=None,
        description=(
            "redis:// URL; unset means the in-process Redis-compatible store, "
            "which only `beyond dev` accepts"
        ),
    )
    redis_prefix: str = Field(default="beyond:", description="prefix of every Redis key")
    jwt_algorithm: JwtAlgorithm = Field(default="HS256", description="`HS256`, `RS256` or `EdDSA`")
    jwt_secret: str | None = Field(
        default=None,
        validate_default=True,
        description="HS256 key, at least 32 bytes",
        json_schema_extra=SECRET,
    )
    jwt_private_key: str | None = Field(
        default=None, description="PEM private key for RS256/EdDSA (the issuer only)"
    )
    jwt_public_key: str | None = Field(
        default=None,
        validate_default=True,
        description="PEM public key for RS256/EdDSA (every service verifying tokens)",
    )
    jwt_issuer: str = Field(default="beyond", description="token `iss`")
    jwt_audience: str = Field(default="beyond", description="token `aud`")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="`DEBUG`, `INFO`, `WARNING` or `ERROR`"
    )
    router_secret: str | None = Field(
        default=None,
        json_schema_extra=SECRET,
        description="the router's X-Beyond-Router-Secret; X-Forwarded-For counts only with it "
        "(`beyond router` sends it unless its config sets `[server] router_secret`)",
    )
    redis_timeout: float = Field(
        default=1.0, gt=0, le=60, description="seconds a Redis connect or command may take"
    )
    database_connect_timeout: float = Field(
        default=3.0, gt=0, le=60, description="seconds opening a database connection may take"
    )
    database_checkout_timeout: float = Field(
        default=3.0, gt=0, le=60, description="seconds to wait for a free pooled connection"
    )
    database_statement_timeout: float = Field(
        default=5.0,
        gt=0,
        le=600,
        description="seconds one SQL statement may run (MariaDB's `max_statement_time`, "
        "lock waits included; SQLite's busy timeout)",
    )
    database_transaction_timeout: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="seconds one unit of work may take on the client's clock "
        "(covers a server that stopped answering)",
    )
    shed_cpu_threshold: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="CPU share of one core past which a service sheds load (0 to 1)",
    )
    shed_max_in_flight: int | None = Field(
        default=None, ge=1, description="hard bound on requests in flight per service process"
    )
    registry_etcd: str | None = Field(
        default=None,
        description="etcd URL; `beyond serve` registers the instance's GraphQL and gRPC "
        "endpoints there (unset: no registration)",
    )
    grpc_discovery: Literal["static", "etcd"] = Field(
        default="static",
        description="`static`: call each domain at its `*_GRPC_TARGET`; `etcd`: balance over "
        "the replicas registered in `BEYOND_REGISTRY_ETCD`",
    )
    registry_ttl: int = Field(
        default=10, ge=1, le=300, description="seconds of the registration lease"
    )
    advertise_host: str | None = Field(
        default=None,
        description="host other services and the router reach this instance at (default: `--host`)",
    )

    def database_timeouts(self) -> DatabaseTimeouts:
        return DatabaseTimeouts(
            connect=self.database_connect_timeout,
            checkout=self.database_checkout_timeout,
            statement=self.database_statement_timeout,
            transaction=self.database_transaction_timeout,
        )

    def shedder(self, service: str, *, server: str = "http") -> Shedder:
        return Shedder(
            service,
            server=server,
            cpu_threshold=self.shed_cpu_threshold,
            max_in_flight=self.shed_max_in_flight,
        )

    metrics_listen: str | None = Field(
        default=None,
        description="`HOST:PORT` serving Prometheus `/metrics`; unset serves none",
    )

    def production_problems(self) -> list[str]:
        """Why these settings suit `beyond dev` only; `beyond serve` and `worker` refuse them."""
        if self.redis_url is None:
            return [
                "BEYOND_REDIS_URL is not set: the in-process store is for `beyond dev` only "
                "(codes, rate limits and caches would live and die in one process)"
            ]
        return []

    @field_validator("grpc_discovery")
    @classmethod
    def _discovery_needs_a_registry(cls, value: str, info: ValidationInfo) -> str:
        if value == "etcd" and not info.data.get("registry_etcd"):
            raise ValueError("`etcd` needs BEYOND_REGISTRY_ETCD, the registry to read")
        return value

    @field_validator("jwt_secret")
    @classmethod
    def _secret_for_hmac(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("jwt_algorithm", "HS256") != "HS256":
            return value
        if not value:
            raise ValueError("not set: HS256 needs a secret of at least 32 bytes")
        if len(value.encode()) < 32:
            raise ValueError("must be at least 32 bytes")
        return value

    @field_validator("jwt_public_key")
    @classmethod
    def _public_key_for_signatures(cls, value: str | None, info: ValidationInfo) -> str | None:
        algorithm = info.data.get("jwt_algorithm", "HS256")
        if algorithm != "HS256" and not value:
            raise ValueError(f"not set: {algorithm} needs the PEM public key")
        return value


class SettingsError(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


S = TypeVar("S", bound=BaseSettings)


def _describe(settings_cls: type[BaseSettings], error: ValidationError) -> list[str]:
    prefix = str(settings_cls.model_config.get("env_prefix", ""))
    lines = []
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        message = item["msg"].removeprefix("Value error, ")
        if not location:
            lines.append(message)
            continue
        variable = (prefix + location[0]).upper()
        if item["type"] == "missing":
            lines.append(f"{variable} is not set")
        elif message.startswith("not set"):
            lines.append(f"{variable} is {message}")
        else:
            lines.append(f"{variable} is invalid: {message}")
    return lines


def load_settings(settings_cls: type[S], **overrides: Any) -> S:
    """Read ``settings_cls`` from the environment, with ``overrides`` taking precedence."""
    try:
        return settings_cls(**overrides)
    except ValidationError as exc:
        raise SettingsError(_describe(settings_cls, exc)) from None

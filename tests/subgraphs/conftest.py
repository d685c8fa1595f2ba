"""What every subgraph's tests share: the ``backend`` each service test runs on, and
how a service's settings are made for a test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from pydantic_settings import BaseSettings
from sqlalchemy.engine import URL

from tests.conftest import REDIS_URL

JWT_SECRET = "test-secret-that-is-at-least-32-bytes-long"
S = TypeVar("S", bound=BaseSettings)


def settings_maker(
    settings_cls: type[S], name: str, url: URL, redis_prefix: str, **defaults: Any
) -> Callable[..., S]:
    """``make(**overrides)`` building ``settings_cls`` for the service ``name`` on ``url``,
    the real Redis under the test's own prefix, and the tests' JWT secret."""

    def make(**overrides: Any) -> S:
        values: dict[str, Any] = {
            f"{name}_database_url": url.render_as_string(hide_password=False),
            "redis_url": REDIS_URL,
            "redis_prefix": redis_prefix,
            "jwt_secret": JWT_SECRET,
            **defaults,
            **overrides,
        }
        return settings_cls(**values)

    return make


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test using ``backend`` runs on MariaDB, and on SQLite too when marked ``sqlite``."""
    if "backend" in metafunc.fixturenames:
        backends = (
            ["mariadb", "sqlite"]
            if metafunc.definition.get_closest_marker("sqlite")
            else ["mariadb"]
        )
        metafunc.parametrize("backend", backends)

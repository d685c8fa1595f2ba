"""What every subgraph's tests share: the ``backend`` each service test runs on, and
how a service's settings are made for a test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import URL

from beyond.domains import Spec
from tests.support.domains import JWT_SECRET, settings_for

__all__ = ["JWT_SECRET", "settings_maker"]


def settings_maker(spec: Spec, url: URL, redis_prefix: str, **defaults: Any) -> Callable[..., Any]:
    """``make(**overrides)`` building ``spec``'s settings on ``url``, the real Redis under the
    test's own prefix, and the tests' secrets (see :func:`tests.support.domains.settings_for`)."""

    def make(**overrides: Any) -> Any:
        return settings_for(spec, url, redis_prefix, **{**defaults, **overrides})

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

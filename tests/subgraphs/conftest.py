"""What every subgraph's tests share: the ``backend`` each service test runs on."""

from __future__ import annotations

import pytest


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test using ``backend`` runs on MariaDB, and on SQLite too when marked ``sqlite``."""
    if "backend" in metafunc.fixturenames:
        backends = (
            ["mariadb", "sqlite"]
            if metafunc.definition.get_closest_marker("sqlite")
            else ["mariadb"]
        )
        metafunc.parametrize("backend", backends)

"""The router as the benchmark runs it: ``python -m bench.feed.serve_router SUPERGRAPH PORT``.

Like ``beyond router``, with the router configuration left at its defaults.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from router.config import RouterConfig
from router.http import create_router_app
from shared.http_server import server_config


def main() -> None:
    supergraph, port = Path(sys.argv[1]), int(sys.argv[2])
    app = create_router_app(RouterConfig(supergraph=supergraph))
    config = server_config(app, host="127.0.0.1", port=port, log_level="warning")
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()

"""The chat page at ``/chat``: plain HTML, CSS and JavaScript served from these files.

No build step and nothing from a CDN: the page speaks GraphQL over HTTP and
``graphql-transport-ws`` to the router it is served beside, with the small
client in ``graphql-transport-ws.js``. ``beyond dev`` adds these routes to
its router.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

FILES = Path(__file__).parent


async def _page(_: Request) -> Response:
    return FileResponse(FILES / "index.html", headers={"cache-control": "no-cache"})


def chat_page_routes() -> list[BaseRoute]:
    return [
        Route("/chat", _page, methods=["GET"]),
        Mount("/chat/assets", StaticFiles(directory=FILES), name="chat-assets"),
    ]

"""CORS for browser pages on other origins, from the ``[cors]`` table.

Starlette's middleware answers preflight ``OPTIONS`` requests itself (204
with the allowed methods, headers and ``max_age``) and adds
``Access-Control-Allow-Origin`` to answers for an allowed ``Origin``.
An origin entry is exact (``https://app.example``), ``*`` for any, or ends
in ``:*`` for any port (``http://localhost:*``). ``beyond dev`` allows
:data:`LOCALHOST_ORIGINS`. Without ``[cors]`` nothing is added: a browser on
another origin cannot read answers.
"""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware

from router.config import CorsConfig

LOCALHOST_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*")
EXPOSED_HEADERS = ("x-request-id",)


def add_cors(app: Starlette, cors: CorsConfig) -> None:
    exact = [origin for origin in cors.origins if not origin.endswith(":*")]
    any_port = [
        re.escape(origin.removesuffix(":*")) for origin in cors.origins if origin.endswith(":*")
    ]
    app.add_middleware(
        CORSMiddleware,
        allow_origins=exact,
        allow_origin_regex=rf"(?:{'|'.join(any_port)}):\d+" if any_port else None,
        allow_methods=["GET", "POST"],
        allow_headers=list(cors.allow_headers),
        allow_credentials=cors.allow_credentials,
        expose_headers=list(EXPOSED_HEADERS),
        max_age=cors.max_age,
    )

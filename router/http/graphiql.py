"""The GraphiQL page served on ``GET /graphql`` to browsers (``Accept: text/html``).

Everything the page loads comes from the router itself: the pinned GraphiQL,
React, explorer plugin and graphql-ws files under ``static/vendor`` (copied
by ``graphiql_assets/build.mjs``, versions and hashes in its
``manifest.json``) and the page's own ``static/beyond-graphiql.js``, served
under :data:`ASSETS_PATH`. Queries and mutations go over HTTP to the page's
path, subscriptions over a WebSocket (graphql-transport-ws) to it.

The page opens with the README's first-session operations as tabs (those
that validate against the served API schema, so another graph gets only
the ``{ __typename }`` tab), an ``Authorization`` helper (paste a token, or
sign in as a demo account when the graph has the ``login`` mutation) and a
link to the printed plan of the last operation (asked for with the plan
header) when the router exposes plans (``[router] expose_query_plan``, on
in ``beyond dev``). When it does not, the page sends no plan header and says
in place of the link that plans are off, and how to see one.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, parse, validate
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

ASSETS_PATH = "/graphiql"
STATIC_DIR = Path(__file__).resolve().parent / "static"

# The README's "A first session in GraphiQL", one tab per step.
FIRST_SESSION_TABS: tuple[dict[str, str], ...] = (
    {
        "query": (
            "# 1. Ask for a code: it is printed on the console as 'SMS to <mobile>: <code>'.\n"
            "mutation RequestCode {\n"
            '  requestVerificationCode(mobile: "13912345678", purpose: REGISTER) {\n'
            "    expiresIn\n    resendAfter\n  }\n}\n"
        ),
    },
    {
        "query": (
            "# 2. Register with the code from the console, then press 'Use token' above\n"
            "#    with the accessToken of the answer.\n"
            "mutation Register($code: String!) {\n"
            '  register(mobile: "13912345678", code: $code, password: "hello2world", nickname: "Me") {\n'
            "    accessToken\n    refreshToken\n    expiresIn\n    user { id nickname }\n  }\n}\n"
        ),
        "variables": '{ "code": "123456" }',
    },
    {"query": "# 3. Signed in: who am I?\nquery Me {\n  me { id nickname mobile }\n}\n"},
)
WELCOME_TAB = {"query": "# Press the run button (or Ctrl-Enter).\n{ __typename }\n"}

# ``beyond dev --seed`` creates this account (subgraphs/accounts/seed.py).
DEMO_ACCOUNT = {"nickname": "Ada", "mobile": "13800000001", "password": "beyond2026"}
SIGN_IN = (
    "mutation DemoSignIn($mobile: String!, $password: String!) {\n"
    "  login(mobile: $mobile, password: $password) { accessToken user { nickname } }\n"
    "}"
)

_SCRIPTS = (
    "vendor/react.production.min.js",
    "vendor/react-dom.production.min.js",
    "vendor/graphiql.min.js",
    "vendor/plugin-explorer.umd.js",
    "vendor/graphql-ws.min.js",
    "beyond-graphiql.js",
)
_STYLES = ("vendor/graphiql.min.css", "vendor/plugin-explorer.css", "beyond-graphiql.css")


def graphiql_assets() -> Mount:
    """The route serving the page's files; :data:`STATIC_DIR` holds every one of them."""
    return Mount(ASSETS_PATH, StaticFiles(directory=STATIC_DIR), name="graphiql")


@functools.lru_cache(maxsize=4)
def graphiql_page(schema: GraphQLSchema, plan_header: str | None) -> str:
    """The page for ``schema`` (cached per served schema object); ``plan_header`` is None
    when the router does not expose plans."""
    tabs = [WELCOME_TAB, *(tab for tab in FIRST_SESSION_TABS if _valid(schema, tab["query"]))]
    config: dict[str, Any] = {
        "planHeader": plan_header,
        "tabs": tabs,
        "signIn": {"query": SIGN_IN, **DEMO_ACCOUNT} if _valid(schema, SIGN_IN) else None,
    }
    # "</" cannot end the script element early once its slash is escaped.
    config_json = json.dumps(config).replace("</", "<\\/")
    styles = "\n".join(f'  <link rel="stylesheet" href="{ASSETS_PATH}/{name}">' for name in _STYLES)
    scripts = "\n".join(f'  <script src="{ASSETS_PATH}/{name}"></script>' for name in _SCRIPTS)
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Beyond · GraphiQL</title>
{styles}
</head>
<body>
  <div id="beyond-bar"></div>
  <div id="graphiql">Loading GraphiQL…</div>
  <script type="application/json" id="beyond-graphiql-config">{config_json}</script>
{scripts}
</body>
</html>
"""


def _valid(schema: GraphQLSchema, query: str) -> bool:
    return not validate(schema, parse(query))

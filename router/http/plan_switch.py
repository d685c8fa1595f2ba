"""When a client may see the query plan (``Beyond-Query-Plan``): in development, or with the secret.

``[router] expose_query_plan`` (on in ``beyond dev``) lets ``true`` ask for
it; ``[router] query_plan_secret`` lets a header holding the secret ask for
it in production. Otherwise the header is ignored: plans name every
subgraph, field and key, which is no client's business.
"""

from __future__ import annotations

import hmac


class PlanSwitch:
    def __init__(self, *, expose: bool, secret: str | None) -> None:
        self._expose = expose
        self._secret = secret

    def wanted(self, value: str | None) -> bool:
        if not value:
            return False
        if self._expose and value.lower() == "true":
            return True
        return bool(self._secret) and hmac.compare_digest(
            value.encode(), (self._secret or "").encode()
        )

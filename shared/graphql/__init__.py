"""The GraphQL layer every subgraph shares: request context, error masking, the ASGI app."""

from shared.graphql.app import create_service_app
from shared.graphql.context import RequestContext

__all__ = ["RequestContext", "create_service_app"]

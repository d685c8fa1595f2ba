"""Journeys: a client's story told through the router to every discovered domain."""

from tests.support.graph import authenticated_graph, domain_urls, graph, quiet_graph
from tests.support.live_graph import authenticated_live_graph

__all__ = [
    "authenticated_graph",
    "authenticated_live_graph",
    "domain_urls",
    "graph",
    "quiet_graph",
]

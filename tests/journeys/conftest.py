"""Journeys: a client's story told through the router to every discovered domain."""

from tests.support.graph import authenticated_graph, domain_urls, graph, quiet_graph

__all__ = ["authenticated_graph", "domain_urls", "graph", "quiet_graph"]

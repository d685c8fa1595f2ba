"""Journeys: a client's story told through the router to every discovered domain."""

from tests.support.graph import domain_urls, graph, quiet_graph

__all__ = ["domain_urls", "graph", "quiet_graph"]

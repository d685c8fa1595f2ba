"""Errors raised while loading a supergraph.

SupergraphError                 the SDL is not a supergraph we can serve
├── SupergraphSyntaxError       the text does not parse as SDL
└── UnsupportedSupergraphError  a feature or join version we do not read
"""

from __future__ import annotations


class SupergraphError(Exception):
    """The SDL is not a supergraph we can serve."""


class SupergraphSyntaxError(SupergraphError):
    """The text does not parse as SDL."""


class UnsupportedSupergraphError(SupergraphError):
    """A feature or join version we do not read."""

"""Errors raised while preparing a client operation.

OperationError      the operation cannot run: ``errors`` holds GraphQL errors
                    with locations (syntax, validation, operation choice,
                    too many selections once fragments are expanded)
"""

from __future__ import annotations

from graphql import GraphQLError


class OperationError(Exception):
    """The client operation cannot run; ``errors`` says why, with locations."""

    def __init__(self, errors: list[GraphQLError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors

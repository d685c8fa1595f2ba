"""Errors raised while preparing a client operation.

OperationError      the operation cannot run: ``errors`` holds GraphQL errors
                    with locations (syntax, validation, operation choice,
                    too many selections once fragments are expanded)
OperationRefused    the operation breaks a rule of the router's (a limit,
                    introspection switched off, a sensitive mutation not
                    alone); ``code`` says which
"""

from __future__ import annotations

from graphql import GraphQLError

from router.errors import ErrorCode


class OperationError(Exception):
    """The client operation cannot run; ``errors`` says why, with locations."""

    def __init__(self, errors: list[GraphQLError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


class OperationRefused(Exception):
    """The operation breaks one of the router's rules (a limit, a switch); ``code`` names which."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

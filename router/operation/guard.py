"""The router's rules for an operation, checked on the parsed document before validation and planning.

- the operation limits (:mod:`router.operation.limits`);
- introspection (``__schema``, ``__type``) only where it is switched on
  (``INTROSPECTION_DISABLED`` otherwise, as Apollo Router answers);
- a sensitive mutation (signing in, a verification code, a password reset:
  each guess an attacker can make) must be the operation's only root field
  and carry no alias, so one request is one guess
  (``SENSITIVE_MUTATION_REFUSED``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
)

from router.errors import ErrorCode
from router.operation.errors import OperationRefused
from router.operation.limits import OperationLimits, check_limits
from router.operation.shape import Shape, measure

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
SENSITIVE_MUTATIONS = (
    "requestVerificationCode",
    "register",
    "login",
    "loginWithCode",
    "resetPassword",
    "refreshToken",
)


@dataclass(frozen=True, slots=True)
class OperationGuard:
    limits: OperationLimits = field(default_factory=OperationLimits)
    introspection: bool = False
    sensitive_mutations: frozenset[str] = frozenset(SENSITIVE_MUTATIONS)

    def check(
        self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
    ) -> None:
        """Raise :class:`OperationRefused` when ``operation`` breaks a rule."""
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        shape = measure(schema, operation, fragments, list_size=self.limits.list_size)
        check_limits(shape, self.limits)
        if not self.introspection and any(
            name in INTROSPECTION_FIELDS for name, _ in shape.root_fields
        ):
            raise OperationRefused(
                ErrorCode.INTROSPECTION_DISABLED,
                "GraphQL introspection is not allowed, but the query contained __schema or __type",
            )
        if operation.operation is OperationType.MUTATION:
            self._check_sensitive(shape)

    def _check_sensitive(self, shape: Shape) -> None:
        for name, key in shape.root_fields:
            if name not in self.sensitive_mutations:
                continue
            if key != name:
                raise OperationRefused(
                    ErrorCode.SENSITIVE_MUTATION_REFUSED, f"'{name}' cannot be given an alias."
                )
            if shape.root_fields.total() > 1:
                raise OperationRefused(
                    ErrorCode.SENSITIVE_MUTATION_REFUSED,
                    f"'{name}' must be the only field of its operation, selected once.",
                )

"""Who may see what: a supergraph's ``@authenticated``, ``@requiresScopes`` and ``@policy``.

Composition copies the directives onto the supergraph's fields, objects,
interfaces, scalars and enums, under the names their ``@link`` gives them.
A field's own requirement and that of the type it returns both apply. A
``@requiresScopes(scopes: [[a, b], [c]])`` holds when the request holds all
of one inner list: (a AND b) OR c; ``@policy(policies: [[a, b], [c]])`` the
same with the policies the evaluator found satisfied for the request. Two
requirements on one position (a field and its type) must both hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from router.supergraph.features import Feature
from router.supergraph.sdl_reader import Directive, Document

# One directive's argument: its inner lists, one of which must be held whole.
Options = tuple[frozenset[str], ...]


@dataclass(frozen=True, slots=True)
class Access:
    """What one request may see: whether its token was verified, the scopes it grants,
    and the ``@policy`` policies found satisfied for it.

    ``subject`` is the verified token's ``sub`` (the entity cache keys private
    answers by it) and ``claims`` all its claims (what the policy evaluator
    is shown); they never decide what may be seen by themselves, so they are
    left out of equality and of the plan cache's key.
    """

    authenticated: bool = False
    scopes: frozenset[str] = frozenset()
    policies: frozenset[str] = frozenset()
    subject: str | None = field(default=None, compare=False)
    claims: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)


ANONYMOUS = Access()


@dataclass(frozen=True, slots=True)
class Requirement:
    """``authenticated``: a verified token is needed; ``scopes`` and ``policies``: for
    each entry, one of its options must be held whole."""

    authenticated: bool = False
    scopes: tuple[Options, ...] = ()
    policies: tuple[Options, ...] = ()

    def allows(self, access: Access) -> bool:
        if self.authenticated and not access.authenticated:
            return False
        return _held(self.scopes, access.scopes) and _held(self.policies, access.policies)

    @property
    def policy_names(self) -> frozenset[str]:
        """Every policy named here: those a request's evaluator is asked about."""
        return frozenset(name for options in self.policies for option in options for name in option)

    def __and__(self, other: Requirement) -> Requirement:
        if not other:
            return self
        if not self:
            return other
        return Requirement(
            self.authenticated or other.authenticated,
            _union(self.scopes, other.scopes),
            _union(self.policies, other.policies),
        )

    def __bool__(self) -> bool:
        return self.authenticated or bool(self.scopes) or bool(self.policies)


def _held(needed: tuple[Options, ...], held: frozenset[str]) -> bool:
    return all(any(option <= held for option in options) for options in needed)


def _union(ours: tuple[Options, ...], theirs: tuple[Options, ...]) -> tuple[Options, ...]:
    return ours + tuple(options for options in theirs if options not in ours)


NO_REQUIREMENT = Requirement()


@dataclass(frozen=True, slots=True)
class Authorization:
    """The requirements of named types and of fields (by parent type and field name).

    ``scopes`` and ``policies`` are every scope and policy named anywhere.
    """

    types: Mapping[str, Requirement] = field(default_factory=dict)
    fields: Mapping[tuple[str, str], Requirement] = field(default_factory=dict)
    scopes: frozenset[str] = frozenset()
    policies: frozenset[str] = frozenset()

    @property
    def enforced(self) -> bool:
        return bool(self.types or self.fields)

    def type(self, name: str) -> Requirement:
        return self.types.get(name, NO_REQUIREMENT)

    def field(self, parent_type: str, name: str) -> Requirement:
        return self.fields.get((parent_type, name), NO_REQUIREMENT)

    def relevant(self, access: Access) -> Access:
        """``access`` reduced to what can change a decision here (for the plan cache's key)."""
        if not self.enforced:
            return ANONYMOUS
        scopes = access.scopes & self.scopes
        policies = access.policies & self.policies
        if (
            scopes == access.scopes
            and policies == access.policies
            and access.subject is None
            and access.claims is None
        ):
            return access
        return Access(access.authenticated, scopes, policies)


def read_authorization(document: Document, features: Mapping[str, Feature]) -> Authorization:
    authenticated = (
        features["authenticated"].directive("authenticated")
        if "authenticated" in features
        else None
    )
    requires_scopes = (
        features["requiresScopes"].directive("requiresScopes")
        if "requiresScopes" in features
        else None
    )
    policy = features["policy"].directive("policy") if "policy" in features else None
    if authenticated is None and requires_scopes is None and policy is None:
        return Authorization()
    types: dict[str, Requirement] = {}
    fields: dict[tuple[str, str], Requirement] = {}
    scopes: set[str] = set()
    policies: set[str] = set()

    def requirement(directives: list[Directive]) -> Requirement:
        needed = NO_REQUIREMENT
        for directive in directives:
            if directive.name == authenticated:
                needed = needed & Requirement(authenticated=True)
            elif directive.name == requires_scopes:
                options = _options(directive, "scopes")
                scopes.update(scope for option in options for scope in option)
                needed = needed & Requirement(scopes=(options,))
            elif directive.name == policy:
                options = _options(directive, "policies")
                policies.update(name for option in options for name in option)
                needed = needed & Requirement(policies=(options,))
        return needed

    for definition in document.types.values():
        own = requirement(definition.directives)
        if own:
            types[definition.name] = own
        for field_def in definition.fields:
            needed = requirement(field_def.directives)
            if needed:
                fields[(definition.name, field_def.name)] = needed
    return Authorization(types, fields, frozenset(scopes), frozenset(policies))


def _options(directive: Directive, argument: str) -> Options:
    raw = directive.arguments.get(argument)
    options = raw if isinstance(raw, list) else []
    return tuple(
        frozenset(str(scope) for scope in option) if isinstance(option, list) else frozenset()
        for option in options
    )

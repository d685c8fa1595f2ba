"""Who may see what: a supergraph's ``@authenticated`` and ``@requiresScopes`` requirements.

Composition copies both directives onto the supergraph's fields, objects,
interfaces, scalars and enums, under the names their ``@link`` gives them.
A field's own requirement and that of the type it returns both apply. A
``@requiresScopes(scopes: [[a, b], [c]])`` holds when the request holds all
of one inner list: (a AND b) OR c. Two requirements on one position (a field
and its type) must both hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from router.supergraph.features import Feature
from router.supergraph.sdl_reader import Directive, Document

ScopeOptions = tuple[frozenset[str], ...]


@dataclass(frozen=True, slots=True)
class Access:
    """What one request may see: whether its token was verified, and the scopes it grants.

    ``subject`` is the verified token's ``sub`` (the entity cache keys private
    answers by it); it never decides what may be seen, so it is left out of
    equality and of the plan cache's key.
    """

    authenticated: bool = False
    scopes: frozenset[str] = frozenset()
    subject: str | None = field(default=None, compare=False)


ANONYMOUS = Access()


@dataclass(frozen=True, slots=True)
class Requirement:
    """``authenticated``: a verified token is needed; ``scopes``: each entry's options, one must be held."""

    authenticated: bool = False
    scopes: tuple[ScopeOptions, ...] = ()

    def allows(self, access: Access) -> bool:
        if self.authenticated and not access.authenticated:
            return False
        return all(any(needed <= access.scopes for needed in options) for options in self.scopes)

    def __and__(self, other: Requirement) -> Requirement:
        if not other:
            return self
        if not self:
            return other
        scopes = self.scopes + tuple(s for s in other.scopes if s not in self.scopes)
        return Requirement(self.authenticated or other.authenticated, scopes)

    def __bool__(self) -> bool:
        return self.authenticated or bool(self.scopes)


NO_REQUIREMENT = Requirement()


@dataclass(frozen=True, slots=True)
class Authorization:
    """The requirements of named types and of fields (by parent type and field name)."""

    types: Mapping[str, Requirement] = field(default_factory=dict)
    fields: Mapping[tuple[str, str], Requirement] = field(default_factory=dict)
    scopes: frozenset[str] = frozenset()

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
        if scopes == access.scopes and access.subject is None:
            return access
        return Access(access.authenticated, scopes)


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
    if authenticated is None and requires_scopes is None:
        return Authorization()
    types: dict[str, Requirement] = {}
    fields: dict[tuple[str, str], Requirement] = {}
    scopes: set[str] = set()

    def requirement(directives: list[Directive]) -> Requirement:
        needed = NO_REQUIREMENT
        for directive in directives:
            if directive.name == authenticated:
                needed = needed & Requirement(authenticated=True)
            elif directive.name == requires_scopes:
                options = _scope_options(directive)
                scopes.update(scope for option in options for scope in option)
                needed = needed & Requirement(scopes=(options,))
        return needed

    for definition in document.types.values():
        own = requirement(definition.directives)
        if own:
            types[definition.name] = own
        for field_def in definition.fields:
            needed = requirement(field_def.directives)
            if needed:
                fields[(definition.name, field_def.name)] = needed
    return Authorization(types, fields, frozenset(scopes))


def _scope_options(directive: Directive) -> ScopeOptions:
    raw = directive.arguments.get("scopes")
    options = raw if isinstance(raw, list) else []
    return tuple(
        frozenset(str(scope) for scope in option) if isinstance(option, list) else frozenset()
        for option in options
    )

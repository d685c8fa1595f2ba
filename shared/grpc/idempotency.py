"""Which gRPC methods may be retried: those their ``.proto`` declares free of side effects.

A method is retried only if its definition says so with protobuf's standard
option, so the contract, not each caller, decides::

    rpc UsersExist(UsersExistRequest) returns (UsersExistResponse) {
      option idempotency_level = NO_SIDE_EFFECTS;   // or IDEMPOTENT
    }

The generated ``*_pb2`` modules add their descriptors to protobuf's default
pool when imported (a stub imports them), so a channel looks a method up by
its full name (``/beyond.accounts.v1.Users/UsersExist``) there, once per
method. Anything not found or not marked is treated as a mutation.
"""

from __future__ import annotations

import functools

from google.protobuf import descriptor_pb2, descriptor_pool

_RETRYABLE = frozenset(
    {descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS, descriptor_pb2.MethodOptions.IDEMPOTENT}
)


@functools.cache
def declared_idempotent(method: str) -> bool:
    """Whether ``/package.Service/Method`` is declared ``NO_SIDE_EFFECTS`` or ``IDEMPOTENT``."""
    service, _, name = method.lstrip("/").rpartition("/")
    try:
        found = descriptor_pool.Default().FindServiceByName(service).FindMethodByName(name)
    except KeyError:
        return False
    return found is not None and found.GetOptions().idempotency_level in _RETRYABLE

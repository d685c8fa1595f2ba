"""Service registration and discovery in etcd.

Keys are ``<root>/<service>/<kind>/<instance>`` with the endpoint's address
as value (``kind`` is ``graphql`` or ``grpc``), every one under its
instance's lease:

- :class:`~shared.registry.registration.Registration` (a worker) puts them
  under a lease kept alive every ``ttl / 3`` seconds, revokes it on a clean
  stop (the keys vanish at once), and registers again whenever the lease is
  lost or etcd comes back from a restart.
- :class:`~shared.registry.discovery.Discovery` (a worker) reads a prefix and
  watches it, keeping the live address set current; after any watch failure
  it reads the prefix whole again, so nothing missed while disconnected
  lingers.
- :mod:`shared.registry.p2c` picks among the addresses by power of two
  choices on EWMA latency and in-flight calls, as go-zero does.
"""

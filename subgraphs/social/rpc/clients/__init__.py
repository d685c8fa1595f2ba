"""Stubs for the gRPC APIs social calls, generated from the owners' ``.proto`` files.

``accounts.proto`` here is a symlink to ``subgraphs/accounts/rpc/accounts.proto``:
the contract has one source, owned by accounts, while social imports only
modules of its own package (a subgraph never imports another). ``beyond proto``
generates these stubs like any others, and its staleness check covers them.
"""

"""Stubs for the gRPC APIs articles calls, generated from the owners' ``.proto`` files.

``accounts.proto`` and ``social.proto`` here are symlinks to the owners' files:
each contract has one source, while articles imports only modules of its own
package (a subgraph never imports another). ``beyond proto`` generates these
stubs like any others, and its staleness check covers them.
"""

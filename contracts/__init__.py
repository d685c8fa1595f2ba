"""The gRPC contracts between domains, one package per owner.

``contracts/<owner>/`` holds the owner's ``.proto`` (the one source of the
contract), the stubs ``beyond proto`` generates from it, and ``client.py``, the
one typed client every caller imports. The owner's servicer imports the same
stubs. Contracts import nothing of ``subgraphs``, ``router`` or ``beyond``.
"""

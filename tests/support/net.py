"""Ports on 127.0.0.1 for tests that start real servers.

A port the OS hands out (``bind`` to port 0) comes from the ephemeral range,
the same range every outgoing connection and every other port-0 server on
the machine draws from: between the moment a test learns such a port and the
moment its server binds it, another worker's client or server may take it.
So ports come from below the ephemeral range instead, where the OS never
picks on its own, and each pytest-xdist worker draws from its own slice, so
two workers never hand out the same port. A slice is wide enough for a whole
``beyond dev`` graph, whose ports sit at fixed offsets from the one it is
given (:func:`dev_graph_port`). Within a slice, ports are handed out in turn
and one found taken (a server of an earlier test still closing) is skipped.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from beyond.ports import is_free

_SLICE = 2000
_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _first_ephemeral() -> int:
    try:
        return int(_EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _worker_number() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


def _slice() -> range:
    slices_below = (_first_ephemeral() - 10000) // _SLICE
    start = 10000 + (_worker_number() % slices_below) * _SLICE
    return range(start, start + _SLICE)


_turns = itertools.cycle(_slice())


def free_port() -> int:
    """A port of this worker's slice that nothing holds on 127.0.0.1 right now."""
    for _ in range(_SLICE):
        port = next(_turns)
        if is_free("127.0.0.1", port):
            return port
    raise RuntimeError(f"every port of {_slice()} is taken on 127.0.0.1")


def dev_graph_port() -> int:
    """A graph port for ``beyond dev --port`` whose every derived port is in this worker's
    slice and free right now: no other worker's servers can take them."""
    from beyond.dev import wanted_ports

    last = _slice()[-1]
    for _ in range(_SLICE):
        port = free_port()
        wanted = wanted_ports(port).values()
        if max(wanted) <= last and all(is_free("127.0.0.1", p) for p in wanted):
            return port
    raise RuntimeError(f"no graph port of {_slice()} has all of its ports free on 127.0.0.1")

"""Whether the ports ``beyond dev`` wants are free, and who holds a taken one.

Each port is bound for a moment the way the servers will bind it (address
reuse on, so a socket lingering in TIME_WAIT does not count as taken). The
holder of a taken port is looked up in ``/proc`` (Linux): the process whose
socket listens there; elsewhere, or without permission, it goes unnamed.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Mapping
from pathlib import Path

_LISTEN = "0A"


def is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def holder(port: int, proc: Path = Path("/proc")) -> str | None:
    """``pid N (command line)`` of the process listening on ``port``, when it can be told."""
    inodes = {
        fields[9]
        for table in ("net/tcp", "net/tcp6")
        if (proc / table).exists()
        for line in (proc / table).read_text().splitlines()[1:]
        if len(fields := line.split()) > 9
        and fields[3] == _LISTEN
        and int(fields[1].rsplit(":", 1)[1], 16) == port
    }
    if not inodes:
        return None
    wanted = {f"socket:[{inode}]" for inode in inodes}
    for pid_dir in proc.iterdir():
        if not pid_dir.name.isdigit():
            continue
        if _links(pid_dir / "fd") & wanted:
            try:
                command = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            except OSError:
                command = "?"
            return f"pid {pid_dir.name} ({command[:80]})"
    return None


def _links(fd_dir: Path) -> set[str]:
    """What a process's descriptors point at; those it closes meanwhile, or hides, are left out."""
    links = set()
    try:
        descriptors = list(fd_dir.iterdir())
    except OSError:
        return set()
    for fd in descriptors:
        try:
            links.add(str(fd.readlink()))
        except OSError:
            continue
    return links


def taken(host: str, wanted: Mapping[str, int]) -> list[str]:
    """One line per port in ``wanted`` (what it is for → port) that something else holds."""
    lines = []
    for purpose, port in wanted.items():
        if not is_free(host, port):
            who = holder(port)
            lines.append(f"port {port} ({purpose}) is taken" + (f" by {who}" if who else ""))
    return lines

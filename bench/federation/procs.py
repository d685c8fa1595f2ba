"""Process bookkeeping for the benchmark: CPU seconds and peak RSS of a process tree, from /proc."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float
    peak_rss_mb: float


def _stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name may hold spaces: fields start after the last ')'.
    return text[text.rindex(")") + 2 :].split()


def _children(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            ppid = int(_stat_fields(int(entry))[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def usage(root: int) -> Usage:
    """utime+stime (children that exited included) and summed VmHWM over ``root``'s tree."""
    cpu_ticks = 0
    hwm_kb = 0
    for pid in _children(root):
        try:
            fields = _stat_fields(pid)
            # utime, stime, cutime, cstime are fields 14-17 (1-based) of /proc/pid/stat.
            cpu_ticks += sum(int(f) for f in fields[11:15])
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    hwm_kb += int(line.split()[1])
        except OSError:
            continue
    return Usage(cpu_seconds=cpu_ticks / _TICKS, peak_rss_mb=hwm_kb / 1024)

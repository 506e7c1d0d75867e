"""CPU time and memory of a process and its descendants, read from /proc.

A system under test may be one process (uvicorn) or several (a node primary and its forks), so every
figure is summed over the tree rooted at the pid the suite started. CPU is utime + stime of each
live process, plus cutime + cstime (children it has already reaped, which have left the tree).
"""

from __future__ import annotations

import os
from pathlib import Path

_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after its last ')'.
    return text.rsplit(")", 1)[1].split()


def tree_pids(root: int) -> list[int]:
    """``root`` and every live descendant of it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


class ProcessTree:
    """One system's processes: the pid the suite started and its descendants, found at ``refresh``."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.pids = tree_pids(root)

    def refresh(self) -> None:
        self.pids = tree_pids(self.root)

    def cpu_ms(self) -> float:
        """CPU milliseconds (user + system) the tree has used since it started."""
        total = 0
        for pid in self.pids:
            fields = _stat_fields(pid)
            if fields is not None:
                # After the name, state is index 0, so utime..cstime (stat fields 14..17) are 11..14.
                total += sum(int(v) for v in fields[11:15])
        return total * _TICK_MS

    def rss_mb(self) -> float:
        """Resident memory of the tree now (VmRSS summed), in MiB."""
        return sum(_status_kb(pid, "VmRSS") for pid in self.pids) / 1024

    def peak_rss_mb(self) -> float:
        """The high-water mark of resident memory (VmHWM summed over the tree), in MiB."""
        return sum(_status_kb(pid, "VmHWM") for pid in self.pids) / 1024


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0

"""CPU time of this process and everything it started, including children still running.

The text stage keeps Tesseract loaded in worker processes that live as long as the process that started
them: `getrusage(RUSAGE_CHILDREN)` counts a child only once it has been waited for, so it alone would
leave their time out until the end.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _live_descendants_seconds(pid: str) -> float:
    # Threads and processes end while they are looked at: one gone is counted by whoever waited for it.
    total = 0.0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return 0.0
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:
            continue
        for child in children:
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            # utime, stime, and the children it has waited for (cutime, cstime).
            total += sum(int(value) for value in fields[11:15]) / _TICKS + _live_descendants_seconds(child)
    return total


def tree_cpu_seconds() -> float:
    """User and system seconds of this process, of the children it has waited for, and of every
    descendant still running."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
            + _live_descendants_seconds(str(os.getpid())))

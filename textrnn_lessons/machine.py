"""The machine a run gets: the CPU cores and memory this process may use.

A Binder pod or a container can see every core and all the RAM of its host but be allowed
far less; these read the container's limits (cgroup v1 or v2) as well as the machine's.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

#: Where a Linux container (cgroup v2) states its CPU quota.
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def usable_cpus() -> int:
    """CPU cores this process may run on: its affinity, capped by a container's CPU quota
    (a Binder pod can see every core of its host but be allowed only one)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:  # cgroup v2: "<quota> <period>" or "max <period>"
        quota, period = CGROUP_CPU_MAX.read_text().split()
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cores or 1)


def memory_limit_bytes() -> int | None:
    """The memory this process may use: the container's limit when lower than the RAM."""
    limits = []
    try:
        limits.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            limits.append(int(text))
    return min(limits) if limits else None

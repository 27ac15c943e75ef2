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
#: A container's memory limit and what it uses now: cgroup v2, then v1.
CGROUP_MEMORY = (
    (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory.current")),
    (
        Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
        Path("/sys/fs/cgroup/memory/memory.usage_in_bytes"),
    ),
)
MEMINFO = Path("/proc/meminfo")


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
    for limit, _ in CGROUP_MEMORY:
        value = _read_bytes(limit)
        if value is not None:
            limits.append(value)
    return min(limits) if limits else None


def memory_available_bytes() -> int | None:
    """The memory this process could still take: what the container's limit leaves (limit less
    what the whole container uses now), capped by what the machine has available."""
    candidates = []
    for limit, usage in CGROUP_MEMORY:
        ceiling, used = _read_bytes(limit), _read_bytes(usage)
        if ceiling is not None and used is not None:
            candidates.append(max(ceiling - used, 0))
            break
    free = _machine_available()
    if free is not None:
        candidates.append(free)
    return min(candidates) if candidates else None


def _machine_available() -> int | None:
    """The kernel's estimate of memory available without swapping (MemAvailable), else free."""
    try:
        for line in MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _read_bytes(path: Path) -> int | None:
    """A cgroup file's number of bytes; None when absent or "max" (no limit)."""
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None

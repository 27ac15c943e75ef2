"""What a benchmark's numbers were measured on, as one line (the benchmarks print it first)."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import date
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def machine_line(
    libraries=("tensorflow", "keras", "tf_keras"), cores: set[int] | None = None
) -> str:
    """Date, CPU model, cores (or the ones the measurements are pinned to), Python, library
    versions, commit, and the load average as the benchmark starts."""
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in libraries)
    try:
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        load = "n/a"
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
        ).stdout.strip()
        or "unknown"
    )
    where = (
        f"pinned to core(s) {', '.join(map(str, sorted(cores)))} of {os.cpu_count()}"
        if cores
        else f"{os.cpu_count()} CPU cores ({len(os.sched_getaffinity(0))} usable)"
    )
    return (
        f"{date.today().isoformat()}, {model}, {where}, Python {platform.python_version()}, "
        f"{versions}; commit {commit}; load average at start {load}"
    )

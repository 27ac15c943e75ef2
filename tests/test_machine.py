"""The machine a run gets: cores and memory a container really allows."""

import pytest

from textrnn_lessons import machine


@pytest.mark.parametrize(
    "quota, expected",
    [("max 100000", 4), ("100000 100000", 1), ("150000 100000", 2), ("garbled", 4)],
)
def test_usable_cpus_follows_a_containers_quota(tmp_path, monkeypatch, quota, expected):
    """The chains and the vocabulary's workers use the cores a container may really use."""
    monkeypatch.setattr(machine.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    (tmp_path / "cpu.max").write_text(quota + "\n")
    monkeypatch.setattr(machine, "CGROUP_CPU_MAX", tmp_path / "cpu.max")
    assert machine.usable_cpus() == expected
    monkeypatch.setattr(machine, "CGROUP_CPU_MAX", tmp_path / "absent")
    assert machine.usable_cpus() == 4

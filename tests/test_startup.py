"""textrnn_lessons.startup: TensorFlow's start-up notices stay off the screen, real errors
do not, and nothing else about TensorFlow's start changes (its threads are its own).

The subprocess tests start TensorFlow for real, on this machine without a GPU, where the full
wheel prints its notices up to "failed call to cuInit". Each start costs seconds of one core, so
they all start at once, in the background, and each test reads the one it needs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from textrnn_lessons import startup as tf_startup

# Imports TensorFlow the way a lesson does (after textrnn_lessons, or without it), runs an
# operation, and prints its result, the thread variable and the threads TensorFlow took.
START = """
import os, sys
if sys.argv[1] == "package":
    import textrnn_lessons
import keras
import tensorflow as tf
print(float(tf.reduce_sum(tf.constant([1.0, 2.0]))))
print(os.environ.get("TF_NUM_INTRAOP_THREADS", "unset"))
print(tf.config.threading.get_intra_op_parallelism_threads())
"""
# name: (import the package first?, environment on top of the cleaned one)
STARTS = {
    "package": (True, {}),
    "without the package": (False, {}),
    "all logs, own threads": (
        True,
        {"TEXTRNN_LESSONS_TF_LOGS": "all", "TF_NUM_INTRAOP_THREADS": "3"},
    ),
}
NOTICE_MARKS = ("I0000", "cuInit", "absl::InitializeLog", "To enable the following instructions")


@dataclass(frozen=True)
class Started:
    """What a Python process that started TensorFlow printed."""

    stdout: list[str]
    stderr: str

    @property
    def threads(self) -> tuple[str, str]:
        """(TF_NUM_INTRAOP_THREADS or "unset", TensorFlow's intra-op setting; 0 is its own)."""
        return self.stdout[-2], self.stdout[-1]

    def notices(self) -> list[str]:
        return [
            line for line in self.stderr.splitlines() if any(mark in line for mark in NOTICE_MARKS)
        ]


def _clean_environment() -> dict[str, str]:
    """This process's environment without the settings the starts choose themselves; the C++
    log level at 2, as the package sets it, so that only the filter makes a difference."""
    chosen = ("TF_NUM_INTRAOP_THREADS", tf_startup.LOGS_ENV)
    env = {key: value for key, value in os.environ.items() if key not in chosen}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return env


_RUNNING: dict[str, subprocess.Popen] = {}
_FINISHED: dict[str, Started] = {}


def start_tensorflows() -> None:
    """Start every `STARTS` process that is not running or done, without waiting."""
    env = _clean_environment()
    for name, (package, extra) in STARTS.items():
        if name not in _RUNNING and name not in _FINISHED:
            _RUNNING[name] = subprocess.Popen(
                [sys.executable, "-c", START, "package" if package else "bare"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**env, **extra},
            )


def stop_unread_tensorflows() -> None:
    """End the processes nobody read (a test run that selected none of their tests)."""
    while _RUNNING:
        _, process = _RUNNING.popitem()
        process.kill()
        process.communicate()


def tensorflow_start(name: str) -> Started:
    """How TensorFlow started in a fresh process (`STARTS[name]`). All of them start together,
    once per test session, early (see `started_early`). Also used by tests/test_speed.py."""
    if name not in _FINISHED:
        start_tensorflows()
        process = _RUNNING.pop(name)
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, f"{name}: {stderr}"
        _FINISHED[name] = Started(stdout.split(), stderr)
    return _FINISHED[name]


_READERS: set[str] = set()


def reads_tensorflow_starts(test):
    """Marks a test that calls `tensorflow_start`: the processes start early only for runs
    that include one."""
    _READERS.add(test.__name__)
    return test


@pytest.fixture(scope="module", autouse=True)
def started_early(request):
    """The processes start with this module's first test and run beside the others (a test
    process keeps one core busy), so their tests seldom wait."""
    if any(getattr(item, "originalname", item.name) in _READERS for item in request.session.items):
        start_tensorflows()
    yield
    stop_unread_tensorflows()


@reads_tensorflow_starts
def test_the_package_keeps_tensorflows_start_up_notices_off_the_screen():
    quiet = tensorflow_start("package")
    assert quiet.stdout[0] == "3.0"  # TensorFlow started and computed
    assert quiet.notices() == [], quiet.stderr
    assert quiet.stderr.strip() == ""
    # Without the package the same start prints them: the test above can fail.
    loud = tensorflow_start("without the package").notices()
    assert any("I0000" in line for line in loud)
    assert any("failed call to cuInit" in line for line in loud)
    assert any("absl::InitializeLog" in line for line in loud)


@reads_tensorflow_starts
def test_textrnn_lessons_tf_logs_all_shows_every_notice():
    shown = tensorflow_start("all logs, own threads")
    assert shown.stdout[0] == "3.0"
    assert any("I0000" in line for line in shown.notices())
    assert any("failed call to cuInit" in line for line in shown.notices())


@reads_tensorflow_starts
def test_importing_the_package_leaves_tensorflows_threads_alone():
    """A lesson that imports the package gets TensorFlow's own thread settings, as a learner
    would without it (lesson 02 teaches the public setting instead); a value set beforehand
    is TensorFlow's to read."""
    assert tensorflow_start("package").threads == ("unset", "0")
    assert tensorflow_start("without the package").threads == ("unset", "0")
    assert tensorflow_start("all logs, own threads").threads[0] == "3"


@pytest.mark.parametrize("logs, quiet", [("", True), ("all", False)])
def test_the_hook_chooses_the_filter_from_the_environment(monkeypatch, logs, quiet):
    """What the hook does when `import tensorflow` asks it, for each setting (in this process,
    with a stand-in module spec: the real starts above cost seconds each)."""
    import importlib.machinery

    loader = importlib.machinery.SourceFileLoader("tensorflow", "tensorflow/__init__.py")
    monkeypatch.setattr(
        tf_startup.importlib.util,
        "find_spec",
        lambda name: importlib.machinery.ModuleSpec(name, loader),
    )
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS", raising=False)
    monkeypatch.setenv(tf_startup.LOGS_ENV, logs)
    hook = tf_startup._Hook()
    monkeypatch.setattr(sys, "meta_path", [hook, *sys.meta_path])
    assert hook.find_spec("keras", None) is None and hook in sys.meta_path  # waits for tensorflow
    spec = hook.find_spec("tensorflow", None)
    assert hook not in sys.meta_path  # once is enough
    assert "TF_NUM_INTRAOP_THREADS" not in os.environ  # the threads are TensorFlow's
    assert isinstance(spec.loader, tf_startup._QuietStart) == quiet


NOTICES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796292552.371378   31322 port.cc:153] oneDNN custom operations are on.",
    "I0000 00:00:1796292552.371876   31322 cudart_stub.cc:31] Could not find cuda drivers on "
    "your machine, GPU will not be used.",
    "I0000 00:00:1796292552.632465   31322 cpu_feature_guard.cc:227] This TensorFlow binary is "
    "optimized to use available CPU instructions in performance-critical operations.",
    "To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild "
    "TensorFlow with the appropriate compiler flags.",
]
CUINIT = (
    "E0000 00:00:1796292565.767123   31322 cuda_platform.cc:52] failed call to cuInit: "
    "INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)"
)
REAL_ERRORS = [
    "E0000 00:00:1796292565.767123   31322 some_op.cc:12] Could not load dynamic library "
    "'libtensorflow_framework.so.2'",
    "Traceback (most recent call last):",
    "ImportError: libcudart.so.12: cannot open shared object file",
    "W0000 00:00:1796292565.767123   31322 cpu_allocator_impl.cc:83] Allocation of 400000000 "
    "exceeds 10% of free system memory.",
]


@pytest.mark.parametrize("line", NOTICES)
def test_known_notices_are_recognised(line):
    assert tf_startup.is_notice(line, has_gpu=False)
    assert tf_startup.is_notice(line + "  \n", has_gpu=True)


def test_the_cuinit_failure_is_a_notice_only_without_a_gpu():
    assert tf_startup.is_notice(CUINIT, has_gpu=False)
    assert not tf_startup.is_notice(CUINIT, has_gpu=True)  # there, it is a real problem


@pytest.mark.parametrize("line", REAL_ERRORS)
def test_real_errors_are_not_notices(line):
    assert not tf_startup.is_notice(line, has_gpu=False)


def test_lines_written_to_file_descriptor_2_pass_on_except_the_notices(capfd):
    with tf_startup._filtered_stderr(has_gpu=False):
        os.write(
            2,
            (
                "\n".join(
                    [
                        NOTICES[0],
                        REAL_ERRORS[0],
                        NOTICES[1],
                        CUINIT,
                        "",
                        REAL_ERRORS[2],
                        *NOTICES[2:],
                    ]
                )
                + "\n"
            ).encode(),
        )
    assert capfd.readouterr().err.splitlines() == [REAL_ERRORS[0], REAL_ERRORS[2]]
    with tf_startup._filtered_stderr(has_gpu=True):
        os.write(2, f"{NOTICES[1]}\n{CUINIT}\n".encode())
    assert capfd.readouterr().err.splitlines() == [CUINIT]
    os.write(2, b"after the block\n")  # file descriptor 2 is back where it was
    assert capfd.readouterr().err == "after the block\n"


def test_lines_pass_on_even_when_the_start_fails(capfd):
    with pytest.raises(ImportError):
        with tf_startup._filtered_stderr(has_gpu=False):
            os.write(2, f"{NOTICES[1]}\n{REAL_ERRORS[2]}\n".encode())
            raise ImportError("TensorFlow failed to start")
    assert capfd.readouterr().err.splitlines() == [REAL_ERRORS[2]]

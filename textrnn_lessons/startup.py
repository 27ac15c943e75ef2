"""What happens when TensorFlow starts in a process that imported textrnn_lessons.

Importing the package installs a small import hook and does not import TensorFlow. When
something first imports `tensorflow` (a lesson's `import keras` included), the hook keeps
TensorFlow's start-up notices off the learner's screen. On a machine without a GPU the full
`tensorflow` wheel prints a block of lines that read like failures, up to "failed call to
cuInit: CUDA error". They come before TensorFlow reads TF_CPP_MIN_LOG_LEVEL, so the hook
catches what TensorFlow writes to stderr while it starts and passes on every line except the
known notices (`_NOTICES`). A real error still shows. TEXTRNN_LESSONS_TF_LOGS=all shows
everything.

The hook changes nothing else: TensorFlow starts with its own settings (threads included), as
it would without the package. Import textrnn_lessons before keras or tensorflow for the filter
to apply (the lessons do).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

LOGS_ENV = "TEXTRNN_LESSONS_TF_LOGS"
_NOTICES = (
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    r"I\d{4} .*",  # absl INFO lines: oneDNN, "Could not find cuda drivers", CPU features
    r"To enable the following instructions: .*",  # the second line of the CPU-features note
    r"E\d{4} .*Unable to register cu(DNN|FFT|BLAS) factory.*",
    r"W\d{4} .*TF-TRT Warning: Could not find TensorRT.*",
)
_NO_GPU_NOTICE = r"E\d{4} .*failed call to cuInit.*"


def install() -> None:
    """Put the hook in front of Python's importers, unless TensorFlow has already started."""
    if "tensorflow" not in sys.modules and not any(isinstance(f, _Hook) for f in sys.meta_path):
        sys.meta_path.insert(0, _Hook())


def is_notice(line: str, has_gpu: bool) -> bool:
    """True for a start-up line that says nothing is wrong on this machine."""
    patterns = _NOTICES if has_gpu else (*_NOTICES, _NO_GPU_NOTICE)
    return any(re.fullmatch(pattern, line.strip()) for pattern in patterns)


def _has_gpu_device() -> bool:
    return any(Path("/dev").glob("nvidia[0-9]*")) or os.name == "nt"


class _Hook(importlib.abc.MetaPathFinder):
    """Finds `tensorflow` the usual way, then starts it through `_QuietStart`."""

    def find_spec(self, name, path, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        if os.environ.get(LOGS_ENV, "").strip().lower() != "all":
            spec.loader = _QuietStart(spec.loader)
        return spec


class _QuietStart(importlib.abc.Loader):
    """The real loader, run with stderr filtered; also finds the devices (the CUDA probe)."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with _filtered_stderr(_has_gpu_device()):
            self._loader.exec_module(module)
            module.config.list_physical_devices()

    def __getattr__(self, name):  # anything else a loader offers (resources, file names)
        return getattr(self._loader, name)


@contextmanager
def _filtered_stderr(has_gpu: bool):
    """Capture what is written to file descriptor 2, then pass on all but the notices."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode("utf-8", "replace").splitlines()
            kept = [line for line in lines if line.strip() and not is_notice(line, has_gpu)]
            if kept:
                sys.stderr.write("\n".join(kept) + "\n")

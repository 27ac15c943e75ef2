"""A background sampler for the benchmarks that watch processes while something else runs."""

from __future__ import annotations

import threading

import psutil


class Sampler:
    """Calls `sample()` every `interval` seconds on a thread while the `with` block runs, and
    once more at its end. A process that ends while it is being sampled is skipped."""

    def __init__(self, interval: float):
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def sample(self) -> None:
        raise NotImplementedError

    def _sample_quietly(self) -> None:
        try:
            self.sample()
        except psutil.Error:
            pass

    def _poll(self) -> None:
        while not self._stop.is_set():
            self._sample_quietly()
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample_quietly()

"""A local HTTP server on 127.0.0.1 standing in for the AG News data host in tests.

Used by test_cli_check_download.py, test_hostile_inputs.py and test_binder_postbuild.py. It
serves the files of one folder; files named in `truncate` are announced at full length but cut
off half way, as a dropped connection would leave them; files in `slow` trickle out (so a test
can kill a download part way); a path with a part named in `statuses` gets that HTTP status
instead (a missing file is an ordinary 404).
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SLOW_CHUNK = 8 * 1024  # bytes per step for files in `slow`
SLOW_PAUSE_S = 0.02  # ...and the pause after each: about 400 KB/s


class _Handler(SimpleHTTPRequestHandler):
    truncate: frozenset = frozenset()
    slow: frozenset = frozenset()
    statuses: dict = {}

    def send_head(self):
        status = next(
            (code for part, code in self.statuses.items() if part in Path(self.path).parts), None
        )
        if status:
            self.send_error(status)
            return None
        return super().send_head()

    def copyfile(self, source, outputfile):
        name = Path(self.path).name
        if name in self.truncate:
            data = source.read()
            outputfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        if name in self.slow:
            for chunk in iter(lambda: source.read(SLOW_CHUNK), b""):
                outputfile.write(chunk)
                outputfile.flush()
                time.sleep(SLOW_PAUSE_S)
            return
        super().copyfile(source, outputfile)

    def log_message(self, format, *args):
        pass


@contextmanager
def serve(folder: Path, truncate=(), slow=(), statuses=None):
    """Serve `folder` over HTTP; yields the base URL (ending in '/')."""
    handler = type(
        "Handler",
        (_Handler,),
        {
            "truncate": frozenset(truncate),
            "slow": frozenset(slow),
            "statuses": dict(statuses or {}),
        },
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens: the data host is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"

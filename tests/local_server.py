"""A local HTTP server on 127.0.0.1 standing in for the AG News data host in tests.

Used by test_cli_check_download.py and test_binder_postbuild.py. It serves the files of one
folder; files named in `truncate` are announced at full length but cut off half way, as a
dropped connection would leave them.
"""
from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Handler(SimpleHTTPRequestHandler):
    truncate: frozenset = frozenset()

    def copyfile(self, source, outputfile):
        if Path(self.path).name in self.truncate:
            data = source.read()
            outputfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        super().copyfile(source, outputfile)

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass


@contextmanager
def serve(folder: Path, truncate=()):
    """Serve `folder` over HTTP; yields the base URL (ending in '/')."""
    handler = type("Handler", (_Handler,), {"truncate": frozenset(truncate)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
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

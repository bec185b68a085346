"""A loopback TCP proxy whose link can be cut and restored: a real network outage for fault tests."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class OutageProxy:
    """Forwards 127.0.0.1:<port> to a target; while `down`, new connections are closed at once."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.down = False
        self.refused = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> OutageProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.close()

    def restore_after_first_refusal(self, pause: float = 0.5) -> threading.Thread:
        """Bring the link back shortly after the first connection it refused (while the caller retries)."""

        def heal() -> None:
            while self.refused == 0 and not self._stop.is_set():
                time.sleep(0.05)
            time.sleep(pause)
            self.down = False

        healer = threading.Thread(target=heal, daemon=True)
        healer.start()
        return healer

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.down:
                self.refused += 1
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

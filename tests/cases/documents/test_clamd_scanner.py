"""The clamd backend speaks clamd's INSTREAM protocol. No clamd runs in the tests, so a small server on
loopback answers as clamd does (length-prefixed chunks, a zero length, one reply) and flags EICAR."""

from __future__ import annotations

import io
import socket
import struct
import threading

import pytest

from cases.documents.scanning import EICAR, ClamdScanner, ScannerUnavailable


class FakeClamd(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []

    def _read(self, conn, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                assert self._read(conn, 10) == b"zINSTREAM\0"
                body = b""
                while size := struct.unpack("!L", self._read(conn, 4))[0]:
                    body += self._read(conn, size)
                self.received.append(body)
                conn.sendall(b"stream: Eicar-Signature FOUND\0" if EICAR in body else b"stream: OK\0")


@pytest.fixture
def clamd():
    server = FakeClamd()
    server.start()
    yield server
    server.sock.close()


def test_the_clamd_backend_streams_the_file_and_reads_the_verdict(clamd):
    scanner = ClamdScanner(host="127.0.0.1", port=clamd.port, timeout=5)
    big = b"%PDF-1.4\n" + b"x" * 200_000
    assert scanner.scan(io.BytesIO(big)).clean
    assert clamd.received[-1] == big  # sent whole, in several chunks
    verdict = scanner.scan(io.BytesIO(b"Tekst " + EICAR))
    assert (verdict.clean, verdict.signature) == (False, "Eicar-Signature")


def test_an_unreachable_clamd_gives_no_verdict():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(host="127.0.0.1", port=port, timeout=2).scan(io.BytesIO(b"x"))

"""Virus scanners behind `settings.DOCUMENT_SCANNER`: clamd over its socket protocol in production;
an EICAR-only scanner for the quick start and the tests (it recognises the standard test file and
nothing else, so it proves the path, not the protection)."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import IO, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

# The standard anti-virus test string (eicar.org); harmless, and detected by every scanner.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
_CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict (down, timed out, errored): the document stays unchecked."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""


class Scanner(Protocol):
    def scan(self, stream: IO[bytes]) -> Verdict: ...


class EicarScanner:
    def scan(self, stream: IO[bytes]) -> Verdict:
        tail = b""
        while chunk := stream.read(_CHUNK):
            if EICAR in tail + chunk:
                return Verdict(clean=False, signature="Eicar-Test-Signature")
            tail = chunk[-len(EICAR) :]
        return Verdict(clean=True)


class ClamdScanner:
    """clamd's INSTREAM command: length-prefixed chunks, a zero length, then one reply line."""

    def __init__(self, host: str | None = None, port: int | None = None, timeout: float | None = None) -> None:
        self.host = host or settings.CLAMD_HOST
        self.port = port or settings.CLAMD_PORT
        self.timeout = timeout or settings.CLAMD_TIMEOUT_SECONDS

    def scan(self, stream: IO[bytes]) -> Verdict:
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as conn:
                conn.sendall(b"zINSTREAM\0")
                while chunk := stream.read(_CHUNK):
                    conn.sendall(struct.pack("!L", len(chunk)) + chunk)
                conn.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0") and (part := conn.recv(4096)):
                    reply += part
        except OSError as exc:
            raise ScannerUnavailable(f"clamd {self.host}:{self.port}: {exc}") from exc
        answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if answer.endswith(" OK"):
            return Verdict(clean=True)
        if answer.endswith(" FOUND"):
            return Verdict(clean=False, signature=answer.split(":", 1)[-1].removesuffix(" FOUND").strip()[:200])
        raise ScannerUnavailable(f"clamd answered: {answer[:200]}")


def scanner() -> Scanner:
    return import_string(settings.DOCUMENT_SCANNER)()

"""A real SMTP server on loopback (aiosmtpd, in a thread of the test process) whose first sessions
answer MAIL FROM only after `delay` seconds: the message has not been transmitted yet, so a client
that gives up in time sends nothing, and one that waits sends it after all."""

from __future__ import annotations

import asyncio
import email
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, *, slow_sessions: int, delay: float) -> None:
        self.slow_sessions, self.delay = slow_sessions, delay
        self.attempts = 0
        self.waiting = 0  # sessions held up right now
        self.message_ids: list[str] = []
        self.messages: list[email.message.Message] = []
        self._lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            self.attempts += 1
            slow = self.attempts <= self.slow_sessions
            self.waiting += slow
        if slow:
            try:
                await asyncio.sleep(self.delay)
            finally:
                with self._lock:
                    self.waiting -= 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self._lock:
            self.message_ids.append(message["Message-ID"])
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SlowSMTPServer:
    """`with SlowSMTPServer(slow_sessions=2, delay=20) as server:` … `server.message_ids`."""

    def __init__(self, *, slow_sessions: int, delay: float) -> None:
        self.port = free_port()
        self.handler = _Handler(slow_sessions=slow_sessions, delay=delay)
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def message_ids(self) -> list[str]:
        with self.handler._lock:
            return list(self.handler.message_ids)

    @property
    def messages(self) -> list[email.message.Message]:
        """Every message received, whole (recipients, subject, body)."""
        with self.handler._lock:
            return list(self.handler.messages)

    @property
    def waiting(self) -> int:
        return self.handler.waiting

    def __enter__(self) -> SlowSMTPServer:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

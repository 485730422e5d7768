"""Outbound SMS and email behind one small interface.

Backends: `console` logs every message (recipient and full text) for development,
`memory` keeps them in a list for tests, `http` posts them to a provider
(SMS_API_URL/SMS_API_KEY, EMAIL_API_URL/EMAIL_API_KEY). Choose with SMS_BACKEND
and EMAIL_BACKEND.
"""
import json
import logging
import threading
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app

logger = logging.getLogger("marketplace.messaging")


@dataclass(frozen=True)
class Message:
    channel: str  # "sms" or "email"
    to: str
    body: str
    subject: str = ""
    sent_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


class MemoryOutbox:
    """Process-wide list of sent messages, for tests (thread-safe: the live server is a thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.messages: list[Message] = []

    def add(self, message: Message) -> None:
        with self._lock:
            self.messages.append(message)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def last_to(self, to: str) -> Message | None:
        with self._lock:
            for message in reversed(self.messages):
                if message.to == to:
                    return message
        return None


outbox = MemoryOutbox()


def _deliver(message: Message, backend: str, url: str, key: str) -> None:
    if backend == "memory":
        outbox.add(message)
    elif backend == "console":
        # Development only: the text may hold a one-time code so a developer can log in.
        logger.info("[%s to %s] %s%s", message.channel, message.to,
                    f"{message.subject}: " if message.subject else "", message.body)
    elif backend == "http":
        payload = json.dumps({"to": message.to, "subject": message.subject, "text": message.body}).encode()
        request = urllib.request.Request(
            url, data=payload, method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - configured URL
            if response.status >= 300:
                raise RuntimeError(f"{message.channel} provider answered {response.status}")
        logger.info("%s sent to provider", message.channel)  # never the text: it may hold a code
    else:
        raise ValueError(f"unknown {message.channel} backend {backend!r}")


def send_sms(to: str, body: str) -> None:
    config = current_app.config
    _deliver(Message("sms", to, body), config["SMS_BACKEND"], config["SMS_API_URL"], config["SMS_API_KEY"])


def send_email(to: str, subject: str, body: str) -> None:
    config = current_app.config
    _deliver(Message("email", to, body, subject), config["EMAIL_BACKEND"], config["EMAIL_API_URL"], config["EMAIL_API_KEY"])


def send_to_contact(contact: str, subject: str, body: str) -> None:
    """Send by SMS to a phone number (E.164, starts with +), otherwise by email."""
    if contact.startswith("+"):
        send_sms(contact, body)
    else:
        send_email(contact, subject, body)

"""Outbound SMS and email behind one small interface.

Backends: `console` logs every message (recipient and full text) for development,
`memory` keeps them in a list for tests, `http` posts them to a provider
(SMS_API_URL/SMS_API_KEY, EMAIL_API_URL/EMAIL_API_KEY), `file` appends JSON lines to
SMS_OUTBOX_FILE/EMAIL_OUTBOX_FILE (a cross-process outbox for tests of the worker).
Choose with SMS_BACKEND and EMAIL_BACKEND.

With REDIS_URL set, send_* only hand the message to the queue plugged in with use_queue
(the RQ queue registers itself when the app is built) and the worker delivers it with the
backend of its own config; otherwise delivery is inline. This module imports no queue, so
the queue may import it.
"""
import fcntl
import json
import logging
import threading
import urllib.request
from collections.abc import Callable
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


def _deliver(message: Message, backend: str, url: str, key: str, path: str = "") -> None:
    if backend == "memory":
        outbox.add(message)
    elif backend == "file":
        if not path:
            raise ValueError(f"the file backend needs {message.channel.upper()}_OUTBOX_FILE")
        line = json.dumps({"channel": message.channel, "to": message.to, "subject": message.subject,
                           "body": message.body, "sent_at": message.sent_at.isoformat()}, ensure_ascii=False)
        with open(path, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # several worker processes may append at once
            handle.write(line + "\n")
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
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310 - configured URL
            if response.status >= 300:
                raise RuntimeError(f"{message.channel} provider answered {response.status}")
        logger.info("%s sent to provider", message.channel)  # never the text: it may hold a code
    else:
        raise ValueError(f"unknown {message.channel} backend {backend!r}")


def deliver(message: Message) -> None:
    """Send now with the backend configured for the message's channel (inline or inside a job)."""
    config = current_app.config
    prefix = "SMS" if message.channel == "sms" else "EMAIL"
    _deliver(message, config[f"{prefix}_BACKEND"], config[f"{prefix}_API_URL"], config[f"{prefix}_API_KEY"],
             config.get(f"{prefix}_OUTBOX_FILE", ""))


# Takes a message off the request; answers None when it could not (then it is sent inline).
Queue = Callable[[Message], object | None]
_queue: Queue | None = None


def use_queue(enqueue: Queue) -> None:
    """Plug in the queue that send_* use whenever REDIS_URL is set."""
    global _queue
    _queue = enqueue


def _dispatch(message: Message) -> None:
    if current_app.config.get("REDIS_URL") and _queue is not None:
        if _queue(message) is not None:
            return
        # Redis is unreachable: sending inline beats losing an OTP (the queue logged why).
    deliver(message)


def send_sms(to: str, body: str) -> None:
    _dispatch(Message("sms", to, body))


def send_email(to: str, subject: str, body: str) -> None:
    _dispatch(Message("email", to, body, subject))


def send_to_contact(contact: str, subject: str, body: str) -> None:
    """Send by SMS to a phone number (E.164, starts with +), otherwise by email."""
    if contact.startswith("+"):
        send_sms(contact, body)
    else:
        send_email(contact, subject, body)

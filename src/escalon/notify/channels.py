"""Transports that carry a rendered message to one address, and say what came of it.

Email goes over SMTP on one connection kept open between messages (a storm of escalations
is thousands of messages; a connection per message would cost more than the message), with
the message's idempotency key as its `Message-ID`. Generic webhooks are a JSON POST on a
kept-alive HTTP connection with the key in an `Idempotency-Key` header. Slack, Microsoft
Teams (Power Automate workflows) and every other service go through apprise, which knows
their APIs. Addresses may hold `${VARIABLE}`s: secrets live in the environment, never in
`escalon.yaml`, and are expanded only here, at send time.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from escalon.core.addressing import Address

TIMEOUT = 10.0
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Message:
    key: str  # the idempotency key: a receiver drops a message it has seen
    address: Address
    subject: str
    body: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    ok: bool
    detail: str | None = None


class Transport(Protocol):
    def send(self, message: Message) -> Result: ...

    def close(self) -> None: ...


class MissingVariable(ValueError):
    pass


def expand(address: str, environ: Mapping[str, str] | None = None) -> str:
    """Fill `${VARIABLE}`s from the environment; a missing one is an error naming it."""
    env = os.environ if environ is None else environ

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise MissingVariable(f"environment variable {name} is not set")
        return env[name]

    return _VARIABLE.sub(value, address)


def masked(address: str) -> str:
    """An address as it may be stored and shown: no user info, no query, no variables' values."""
    if "://" not in address:
        return address
    parts = urlsplit(address)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"[:300]


class Smtp:
    """One SMTP connection, opened on first use and again after a failure."""

    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps", "smtp+starttls"):
            raise ValueError(f"{url!r} is not an smtp://, smtps:// or smtp+starttls:// URL")
        self.scheme = parts.scheme
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._conn is None:
            if self.scheme == "smtps":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=TIMEOUT, context=ssl.create_default_context()
                )
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
                if self.scheme == "smtp+starttls":
                    conn.starttls(context=ssl.create_default_context())
            if self.user:
                conn.login(self.user, self.password or "")
            self._conn = conn
        return self._conn

    def send(self, message: Message) -> Result:
        mail = EmailMessage()
        mail["Message-ID"] = f"<{message.key}@escalon>"
        mail["From"] = self.sender
        mail["To"] = message.address.target
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        mail.set_content(message.body)
        mail["Content-Language"] = message.address.language  # set_content drops Content-*
        try:
            refused = self._connect().send_message(mail)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            return Result(False, f"smtp {self.host}:{self.port}: {exc}"[:500])
        if refused:
            return Result(False, f"refused: {refused}"[:500])
        return Result(True)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()


class Webhook:
    """JSON POSTs on kept-alive connections, one per host."""

    def __init__(self) -> None:
        self._conns: dict[tuple[str, str, int], http.client.HTTPConnection] = {}

    def send(self, message: Message) -> Result:
        try:
            url = expand(message.address.target)
        except MissingVariable as exc:
            return Result(False, str(exc))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return Result(False, f"{masked(url)} is not an http(s) URL")
        body = json.dumps(
            {
                "key": message.key,
                "subject": message.subject,
                "body": message.body,
                "language": message.address.language,
                "data": dict(message.data),
            },
            ensure_ascii=False,
            default=str,
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.key,
            "User-Agent": "escalon",
        }
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        for fresh in (False, True):  # a kept-alive connection the server closed: once more
            conn = self._conn(parts.scheme, parts.hostname, parts.port, fresh)
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (http.client.HTTPException, OSError) as exc:
                self._drop(parts.scheme, parts.hostname, parts.port)
                if fresh:
                    return Result(False, f"{masked(url)}: {exc}"[:500])
                continue
            if 200 <= response.status < 300:
                return Result(True)
            return Result(False, f"{masked(url)}: HTTP {response.status} {response.reason}")
        return Result(False, f"{masked(url)}: no answer")  # pragma: no cover

    def _conn(
        self, scheme: str, host: str, port: int | None, fresh: bool
    ) -> http.client.HTTPConnection:
        key = (scheme, host, port or (443 if scheme == "https" else 80))
        if fresh:
            self._drop(*key)
        conn = self._conns.get(key)
        if conn is None:
            if scheme == "https":
                conn = http.client.HTTPSConnection(host, key[2], timeout=TIMEOUT)
            else:
                conn = http.client.HTTPConnection(host, key[2], timeout=TIMEOUT)
            self._conns[key] = conn
        return conn

    def _drop(self, scheme: str, host: str, port: int | None) -> None:
        key = (scheme, host, port or (443 if scheme == "https" else 80))
        conn = self._conns.pop(key, None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()


class Apprise:
    """Slack, Teams and the rest: apprise speaks their APIs; one target per call."""

    def __init__(self) -> None:
        self._known: dict[str, bool] = {}

    def understands(self, url: str) -> bool:
        """Whether apprise knows the service behind a URL (a Slack or Teams hook URL)."""
        if url not in self._known:
            import apprise

            self._known[url] = (
                apprise.Apprise.instantiate(url, suppress_exceptions=True) is not None
            )
        return self._known[url]

    def send(self, message: Message) -> Result:
        import apprise  # about half a second to import: only when a chat message goes out

        try:
            url = expand(message.address.target)
        except MissingVariable as exc:
            return Result(False, str(exc))
        target = apprise.Apprise()
        if not target.add(url):
            return Result(False, f"apprise does not understand {masked(url)}")
        ok = target.notify(title=message.subject, body=message.body)
        return Result(bool(ok), None if ok else f"{masked(url)}: apprise reported a failure")

    def close(self) -> None:
        return None


class Transports:
    """The transport for each address, made once and kept for the worker's life."""

    def __init__(self, smtp_url: str | None, mail_from: str) -> None:
        self.smtp = Smtp(smtp_url, mail_from) if smtp_url else None
        self.webhook = Webhook()
        self.apprise = Apprise()

    def send(self, message: Message) -> Result:
        channel, target = message.address.channel, message.address.target
        if channel == "email":
            if self.smtp is None:
                return Result(False, "no SMTP server configured (ESCALON_SMTP_URL)")
            return self.smtp.send(message)
        if target.startswith(("http://", "https://")) and (
            channel == "webhook" or not self.apprise.understands(target)
        ):
            return self.webhook.send(message)  # a plain URL on any channel is a JSON webhook
        return self.apprise.send(message)

    def close(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
        self.webhook.close()

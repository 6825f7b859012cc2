"""Web accounts and sign-in sessions.

Passwords are hashed with Argon2id (argon2-cffi's defaults, rehashed when they change). A
session is a random token in an HttpOnly cookie; only its SHA-256 is stored, so a copy of
the database signs nobody in. Each session carries its own CSRF token for the forms. An
unknown name costs a hash verification too, so timing does not tell which names exist.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from escalon.core.errors import InvalidValue, Unauthorized
from escalon.notify.render import LANGUAGES
from escalon.services.context import App
from escalon.services.journal import added
from escalon.services.tokens import ROLES
from escalon.store.models import User, WebSession

SESSION_LENGTH = timedelta(hours=12)
SHORTEST_PASSWORD = 10
_NAME = re.compile(r"^[A-Za-z0-9_.@+-]{1,200}$")
_hasher = PasswordHasher()
_DECOY = _hasher.hash("escalon decoy password")


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a page, and how they want it shown."""

    name: str
    display_name: str
    role: str
    language: str | None
    timezone: str | None
    csrf: str

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    app: App,
    name: str,
    password: str,
    role: str = "agent",
    *,
    display_name: str | None = None,
    language: str | None = None,
    timezone: str | None = None,
    actor: str = "cli",
) -> None:
    if not _NAME.match(name):
        raise InvalidValue(f"{name!r} is not a user name (letters, digits, _ . @ + -)", "name")
    if role not in ROLES:
        raise InvalidValue(f"{role!r} is not a role ({', '.join(ROLES)})", "role")
    if len(password) < SHORTEST_PASSWORD:
        raise InvalidValue(f"a password needs at least {SHORTEST_PASSWORD} characters", "password")
    _check_preferences(language, timezone)
    now = app.clock.now()
    with app.transaction() as session:
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            raise InvalidValue(f"user {name!r} already exists", "name")
        row = User(
            name=name,
            display_name=display_name or name,
            role=role,
            password_hash=_hasher.hash(password),
            language=language,
            timezone=timezone,
            created_at=now,
        )
        added(
            session, row, at=now, actor=actor, action="user_created", entity="user",
            data={"name": name, "role": role},
        )  # fmt: skip


def _check_preferences(language: str | None, timezone: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise InvalidValue(f"{language!r} is not one of {', '.join(LANGUAGES)}", "language")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidValue(f"{timezone!r} is not an IANA time zone", "timezone") from None


def set_preferences(app: App, name: str, language: str | None, timezone: str | None) -> None:
    """A user's own language and time zone; None means "from the browser" and "from the
    person I am in the organisation"."""
    _check_preferences(language, timezone)
    with app.transaction() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise InvalidValue(f"user {name!r} does not exist", "name")
        user.language, user.timezone = language, timezone


def sign_in(app: App, name: str, password: str) -> tuple[str, Viewer]:
    """A new session for the right password; the same refusal for any wrong name or password."""
    now = app.clock.now()
    with app.transaction() as session:
        user = session.scalar(select(User).where(User.name == name, User.disabled_at.is_(None)))
        if not _verified(user.password_hash if user else _DECOY, password) or user is None:
            raise Unauthorized("the name or the password is wrong")
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        session.add(
            WebSession(
                token_hash=_digest(token),
                user_id=user.id,
                csrf=csrf,
                created_at=now,
                expires_at=now + SESSION_LENGTH,
            )
        )
        return token, _viewer(user, csrf)


def _verified(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def viewer_of(app: App, token: str | None) -> Viewer | None:
    """The signed-in user of a session cookie, or None when it is unknown, ended or expired."""
    if not token:
        return None
    now = app.clock.now()
    with app.reading() as session:
        found = session.execute(
            select(User, WebSession.csrf)
            .join(WebSession, WebSession.user_id == User.id)
            .where(
                WebSession.token_hash == _digest(token),
                WebSession.ended_at.is_(None),
                WebSession.expires_at > now,
                User.disabled_at.is_(None),
            )
        ).first()
    return _viewer(found[0], found[1]) if found else None


def sign_out(app: App, token: str | None) -> None:
    if not token:
        return
    with app.transaction() as session:
        row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
        if row is not None and row.ended_at is None:
            row.ended_at = app.clock.now()


def _viewer(user: User, csrf: str) -> Viewer:
    return Viewer(user.name, user.display_name, user.role, user.language, user.timezone, csrf)

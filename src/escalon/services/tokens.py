"""API tokens: shown once, stored as a hash, each with a role."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from escalon.core.errors import Forbidden, InvalidValue, Unauthorized
from escalon.services.context import App
from escalon.services.journal import added
from escalon.store.models import ApiToken

ROLES = ("agent", "manager", "admin")


@dataclass(frozen=True)
class Principal:
    name: str
    role: str

    def require(self, role: str) -> None:
        """Roles are ranked: a manager may do what an agent may, an admin everything."""
        if ROLES.index(self.role) < ROLES.index(role):
            raise Forbidden(f"this needs the {role} role; {self.name} is {self.role}")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(app: App, name: str, role: str, actor: str = "cli") -> str:
    if role not in ROLES:
        raise InvalidValue(f"{role!r} is not a role ({', '.join(ROLES)})", "role")
    if not name.strip():
        raise InvalidValue("a token needs a name", "name")
    token = "esc_" + secrets.token_urlsafe(32)
    now = app.clock.now()
    with app.transaction() as session:
        row = ApiToken(name=name.strip(), role=role, token_hash=_hash(token), created_at=now)
        added(
            session, row, at=now, actor=actor, action="token_created", entity="token",
            data={"name": row.name, "role": role},
        )  # fmt: skip
    return token


def authenticate(app: App, token: str | None) -> Principal:
    if not token:
        raise Unauthorized("send an API token as 'Authorization: Bearer <token>'")
    with app.reading() as session:
        row = session.scalar(
            select(ApiToken).where(
                ApiToken.token_hash == _hash(token), ApiToken.revoked_at.is_(None)
            )
        )
    if row is None:
        raise Unauthorized("the API token is unknown or revoked")
    return Principal(row.name, row.role)

"""Policy use cases: lint, apply a new version, show the current one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from escalon.policy.compile import document_to_json
from escalon.policy.lint import LintResult, PolicyInvalid, lint_text
from escalon.services.context import App
from escalon.services.journal import added
from escalon.store.models import PolicyVersion


@dataclass(frozen=True)
class PolicyInfo:
    version: int
    created_at: datetime
    created_by: str
    checksum: str
    source: str
    unchanged: bool = False


def current_version_id(session: Session) -> int | None:
    return session.scalar(select(PolicyVersion.id).order_by(PolicyVersion.id.desc()).limit(1))


def info_of(row: PolicyVersion, unchanged: bool = False) -> PolicyInfo:
    return PolicyInfo(row.id, row.created_at, row.created_by, row.checksum, row.source, unchanged)


def lint_policy(text: str, filename: str = "escalon.yaml") -> LintResult:
    return lint_text(text, filename)


def apply_policy(app: App, text: str, actor: str, filename: str = "escalon.yaml") -> PolicyInfo:
    """Store a new version; cases already open keep the version they were created under."""
    result = lint_text(text, filename)
    if not result.ok or result.document is None:
        raise PolicyInvalid(result.errors)
    checksum = hashlib.sha256(text.encode()).hexdigest()
    now = app.clock.now()
    with app.transaction() as session:
        latest = session.scalar(select(PolicyVersion).order_by(PolicyVersion.id.desc()).limit(1))
        if latest is not None and latest.checksum == checksum:
            return info_of(latest, unchanged=True)
        row = PolicyVersion(
            created_at=now,
            created_by=actor,
            source=text,
            document=document_to_json(result.document),
            checksum=checksum,
        )
        added(
            session, row, at=now, actor=actor, action="policy_applied", entity="policy",
            data={"checksum": checksum, "file": filename},
        )  # fmt: skip
        return info_of(row)


def current_policy(app: App) -> PolicyInfo | None:
    with app.reading() as session:
        row = session.scalar(select(PolicyVersion).order_by(PolicyVersion.id.desc()).limit(1))
        return info_of(row) if row else None


def list_versions(app: App) -> list[PolicyInfo]:
    with app.reading() as session:
        rows = session.scalars(select(PolicyVersion).order_by(PolicyVersion.id.desc()))
        return [info_of(row) for row in rows]

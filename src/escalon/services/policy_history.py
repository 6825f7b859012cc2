"""The policy's history for people to read: the version in force, its lint, and what each
version changed against the one before it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select

from escalon.core.errors import NotFound
from escalon.policy.lint import LintResult
from escalon.services.context import App
from escalon.services.policies import PolicyInfo, current_policy, lint_policy
from escalon.store.models import PolicyVersion

CONTEXT_LINES = 3


@dataclass(frozen=True)
class Version:
    number: int
    created_at: datetime
    created_by: str
    checksum: str


@dataclass(frozen=True)
class Overview:
    """The version in force with its source and lint, and every version, newest first."""

    current: PolicyInfo
    lint: LintResult
    versions: tuple[Version, ...]


@dataclass(frozen=True)
class DiffLine:
    kind: str  # file | hunk | added | removed | same
    text: str


@dataclass(frozen=True)
class VersionDiff:
    version: Version
    previous: Version | None  # None: the first version, compared with nothing
    lines: tuple[DiffLine, ...]


def overview(app: App) -> Overview | None:
    """None until a policy has been applied."""
    current = current_policy(app)
    if current is None:
        return None
    return Overview(current, _lint(current.source), history(app))


@lru_cache(maxsize=8)
def _lint(source: str) -> LintResult:
    """A stored version never changes, so its lint is worked out once per process."""
    return lint_policy(source)


def history(app: App) -> tuple[Version, ...]:
    """Every version applied, newest first, without their sources."""
    query = select(
        PolicyVersion.id, PolicyVersion.created_at, PolicyVersion.created_by, PolicyVersion.checksum
    ).order_by(PolicyVersion.id.desc())
    with app.reading() as session:
        return tuple(Version(*row) for row in session.execute(query))


def diff(app: App, number: int) -> VersionDiff:
    """Version `number` against the version applied just before it, as a unified diff."""
    with app.reading() as session:
        row = session.get(PolicyVersion, number)
        if row is None:
            raise NotFound(f"policy version {number} does not exist", "version")
        before = session.scalar(
            select(PolicyVersion)
            .where(PolicyVersion.id < number)
            .order_by(PolicyVersion.id.desc())
            .limit(1)
        )
        old, new = (before.source if before else ""), row.source
        previous = _version(before) if before else None
        version = _version(row)
    return VersionDiff(version, previous, tuple(diff_lines(old, new, previous, version)))


def _version(row: PolicyVersion) -> Version:
    return Version(row.id, row.created_at, row.created_by, row.checksum)


def diff_lines(old: str, new: str, previous: Version | None, version: Version) -> list[DiffLine]:
    """Each line of the unified diff with what it is; the first two name the versions."""
    lines = difflib.unified_diff(
        old.splitlines(),
        new.splitlines(),
        fromfile=f"version {previous.number}" if previous else "(none)",
        tofile=f"version {version.number}",
        n=CONTEXT_LINES,
        lineterm="",
    )
    out = []
    for index, text in enumerate(lines):
        if index < 2:
            kind = "file"
        elif text.startswith("@@"):
            kind = "hunk"
        elif text.startswith("+"):
            kind = "added"
        elif text.startswith("-"):
            kind = "removed"
        else:
            kind = "same"
        out.append(DiffLine(kind, text))
    return out

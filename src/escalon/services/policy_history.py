"""The policy's history for people to read: the version in force, its lint, and what each
version changed against the one before it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select

from escalon.core.errors import NotFound
from escalon.policy.lint import LintResult
from escalon.services.context import App
from escalon.services.policies import (
    PolicyInfo,
    current_policy,
    info_of,
    lint_policy,
    list_versions,
)
from escalon.store.models import PolicyVersion

CONTEXT_LINES = 3


@dataclass(frozen=True)
class Overview:
    """The version in force with its source and lint, and every version, newest first."""

    current: PolicyInfo
    lint: LintResult
    versions: tuple[PolicyInfo, ...]


@dataclass(frozen=True)
class DiffLine:
    kind: str  # file | hunk | added | removed | same
    text: str


@dataclass(frozen=True)
class VersionDiff:
    version: PolicyInfo
    previous: PolicyInfo | None  # None: the first version, compared with nothing
    lines: tuple[DiffLine, ...]


def overview(app: App) -> Overview | None:
    """None until a policy has been applied."""
    current = current_policy(app)
    if current is None:
        return None
    return Overview(current, _lint(current.source), tuple(list_versions(app)))


@lru_cache(maxsize=8)
def _lint(source: str) -> LintResult:
    """A stored version never changes, so its lint is worked out once per process."""
    return lint_policy(source)


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
        previous = info_of(before) if before else None
        version = info_of(row)
    return VersionDiff(version, previous, tuple(diff_lines(old, new, previous, version)))


def diff_lines(
    old: str, new: str, previous: PolicyInfo | None, version: PolicyInfo
) -> list[DiffLine]:
    """Each line of the unified diff with what it is; the first two name the versions."""
    lines = difflib.unified_diff(
        old.splitlines(),
        new.splitlines(),
        fromfile=f"version {previous.version}" if previous else "(none)",
        tofile=f"version {version.version}",
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

"""Copies of one case's rows, for the mass tests and benchmarks.

The service creates about a hundred cases a second; a mass breach needs tens of thousands
whose timers are due in the same second. One case is created through the service and its
rows (case, SLA clocks, its one timer) are copied in SQL, so a worker sees exactly what the
service writes. The SQL is the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from escalon.store.models import Case, SlaClock, Timer


def _columns(model: Any, skip: tuple[str, ...]) -> list[str]:
    return [c.name for c in model.__table__.c if c.name not in skip]


def clone_case(session: Session, template_id: int, clones: int) -> int:
    """Copy the case `clones` times with new ids and refs; returns the last id."""
    last = template_id + clones
    if clones <= 0:
        return last
    counter = (
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
        f"WHERE n < {int(clones)}) "
    )
    case_cols = _columns(Case, ("id", "ref"))
    session.execute(
        text(
            f"INSERT INTO cases (id, ref, {', '.join(case_cols)}) {counter}"
            f"SELECT c.id + seq.n, 'ESC-' || CAST(1000 + c.id + seq.n AS VARCHAR(32)), "
            f"{', '.join('c.' + n for n in case_cols)} FROM cases c CROSS JOIN seq "
            "WHERE c.id = :tid"
        ),
        {"tid": template_id},
    )
    for model in (SlaClock, Timer):
        table, cols = model.__tablename__, _columns(model, ("id", "case_id"))
        session.execute(
            text(
                f"INSERT INTO {table} (case_id, {', '.join(cols)}) "
                f"SELECT c.id, {', '.join('t.' + n for n in cols)} FROM {table} t "
                "JOIN cases c ON c.id > :tid AND c.id <= :last "
                "WHERE t.case_id = :tid ORDER BY c.id, t.id"
            ),
            {"tid": template_id, "last": last},
        )
    if session.get_bind().dialect.name == "postgresql":
        sequence = text("SELECT setval(pg_get_serial_sequence('cases', 'id'), :v)")
        session.execute(sequence, {"v": last})
    return last

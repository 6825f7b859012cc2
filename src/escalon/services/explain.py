"""`explain`: which path and level govern a case and why, and what happens next and when."""

from __future__ import annotations

from escalon.core import paths
from escalon.core.explain import OpenEscalation, explain
from escalon.schemas.escalations import ExplanationRead, NextRead
from escalon.services import escalating
from escalon.services.context import App
from escalon.services.editing import edit_of, find_case
from escalon.store import clocks as clock_rows


def explain_case(app: App, ref: str) -> ExplanationRead:
    now = app.clock.now()
    with app.reading() as session:
        row = find_case(session, ref)
        edit = edit_of(app, session, row, now, "reader")
        facts, org = edit.facts(), edit.policy.org()
        path = paths.select_path(edit.policy.paths, facts)
        clocks = [clock_rows.to_core(c) for c in clock_rows.load(session, row.id)]
        open_ = [
            OpenEscalation(
                e.number,
                escalating.position(e),
                escalating.path_of(edit, e),
                e.acknowledged_by,
            )
            for e in escalating.open_rows(edit)
        ]
        lines, upcoming = explain(
            row.ref or ref,
            path,
            row.support_level,
            open_,
            clocks,
            edit.policy.triggers,
            facts,
            org,
            now,
        )
        level = path.level(row.support_level) if path else None
        targets = paths.resolve_targets(level, facts, org, now) if level else ()
        return ExplanationRead(
            case=row.ref or ref,
            path=path.name if path else None,
            matched=path.when.describe() if path else None,
            level=row.support_level,
            level_name=level.name if level else None,
            targets=[t.as_dict() for t in targets],
            next=[NextRead(at=u.at, text=u.text) for u in upcoming],
            lines=lines,
        )

"""Watchers: people who hear of every escalation and stakeholder update on a case without
owning it, such as a VIP customer's account manager. Watching never moves ownership."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from escalon.core.errors import InvalidValue
from escalon.core.paths import Level, Recipient, TargetRef, resolve_targets
from escalon.schemas.cases import CaseRead
from escalon.services.context import App
from escalon.services.editing import Edit, editing


def add(edit: Edit, people: Iterable[str], why: str, actor: str | None = None) -> None:
    """Add each person not yet watching; each addition is an event with its reason."""
    for person in people:
        if person in edit.row.watchers:
            continue
        edit.row.watchers = [*edit.row.watchers, person]  # a new list, so the change is saved
        edit.note("watcher_added", {"person": person, "why": why}, actor=actor)


def recipients(edit: Edit) -> tuple[Recipient, ...]:
    """The watchers as people to notify, each marked as reached by watching."""
    if not edit.row.watchers:
        return ()
    level = Level("watchers", tuple(TargetRef(person=p) for p in edit.row.watchers))
    found = resolve_targets(level, edit.facts(), edit.policy.org(), edit.now)
    return tuple(replace(r, via="watcher") for r in found)


def joined(to: Iterable[Recipient], edit: Edit) -> tuple[Recipient, ...]:
    """`to` plus the watchers it does not already reach: nobody is told twice."""
    found = list(to)
    reached = {(r.kind, r.key) for r in found}
    return (*found, *(w for w in recipients(edit) if (w.kind, w.key) not in reached))


def watch(app: App, ref: str, person: str, actor: str) -> CaseRead:
    with editing(app, ref, actor) as edit:
        people = edit.policy.people
        if people and person not in people:
            raise InvalidValue(f"unknown person {person!r}", "person")
        add(edit, [person], f"added by {actor}")
        return edit.view()


def unwatch(app: App, ref: str, person: str, actor: str) -> CaseRead:
    with editing(app, ref, actor) as edit:
        if person not in edit.row.watchers:
            watching = ", ".join(edit.row.watchers) or "nobody"
            raise InvalidValue(
                f"{person} does not watch {edit.row.ref} ({watching} does)", "person"
            )
        edit.row.watchers = [p for p in edit.row.watchers if p != person]
        edit.note("watcher_removed", {"person": person})
        return edit.view()

"""Checks of the escalation sections that only the whole document can answer.

The schema judges each path, level and trigger alone. Whether a named team exists, whether
a path can ever apply, or whether a trigger's keys fit its action shows only against the
rest of the file, and a mistake there would otherwise surface as an escalation that
silently reaches nobody. The raw data is read defensively, as in `lint._references`: a
value of the wrong shape is skipped because the schema already reports it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, NamedTuple

from escalon.core.case import AUDIENCES
from escalon.core.durations import format_duration, parse_duration
from escalon.core.errors import InvalidValue
from escalon.core.triggers import On
from escalon.policy.escalation_schema import ROLES
from escalon.policy.problems import (
    Problem,
    Segment,
    as_list,
    as_mapping,
    calendar_names,
    path_text,
    unknown,
)

PATHS = "escalation_paths"
TRIGGERS = "triggers"
NO_TARGET = "a level needs at least one target (team, person or role)"
SLA_EVENTS = frozenset({On.SLA_WARNING.value, On.SLA_BREACH.value})
ALL_EVENTS = frozenset(o.value for o in On)


class Known(NamedTuple):
    """The names a target or a level may refer to."""

    teams: list[str]
    people: list[str]
    calendars: list[str]
    schedules: list[str]
    roles: list[str]  # relative to the case, then the named ones

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Known:
        return cls(
            [str(k) for k in as_mapping(data.get("teams"))],
            [str(k) for k in as_mapping(data.get("people"))],
            calendar_names(data),
            [str(k) for k in as_mapping(data.get("schedules"))],
            [*ROLES, *(str(k) for k in as_mapping(data.get("roles")))],
        )


def escalation_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    """Escalation paths, functional routes and triggers checked against the whole document."""
    known = Known.of(data)
    paths = as_list(data.get(PATHS))
    for i, path in enumerate(paths):
        if isinstance(path, Mapping):
            yield from _path((PATHS, i), path, known)
    yield from _duplicate_names(PATHS, paths, "escalation path")
    yield from _path_order(paths)
    for category, team in as_mapping(data.get("functional_routes")).items():
        if isinstance(team, str) and team not in known.teams:
            yield Problem(("functional_routes", category), unknown("team", team, known.teams))
    triggers = as_list(data.get(TRIGGERS))
    for i, trigger in enumerate(triggers):
        if isinstance(trigger, Mapping):
            yield from _trigger((TRIGGERS, i), trigger, known)
    yield from _duplicate_names(TRIGGERS, triggers, "trigger")
    for label, plan in as_mapping(data.get("communication_plans")).items():
        if isinstance(plan, Mapping):
            where = ("communication_plans", label, "audiences")
            yield from _targets(where, plan.get("audiences"), known)
    yield from _cadence_promises(data)


def _cadence_promises(data: Mapping[str, Any]) -> Iterator[Problem]:
    """An update interval longer than the plan's cadence reminds only after the promise broke.

    The plan's cadence is what audiences are told to expect ("next update at"); the
    `update_interval` SLA target is what reminds the owner and escalates. If the target
    allows more silence than the cadence, stakeholders wait past the promised time and
    nobody is told.
    """
    cadences: dict[str, timedelta] = {}
    for label, plan in as_mapping(data.get("communication_plans")).items():
        cadence = _duration(as_mapping(plan).get("cadence"))
        if cadence is not None:
            cadences[str(label).upper()] = cadence
    for i, policy in enumerate(as_list(data.get("sla"))):
        for label, target in as_mapping(as_mapping(policy).get("targets")).items():
            cadence = cadences.get(str(label).upper())
            interval = _duration(as_mapping(target).get("update_interval"))
            if cadence is None or interval is None or interval <= cadence:
                continue
            message = (
                f"allows {format_duration(interval)} without an update, but "
                f"communication_plans.{str(label).upper()} promises one every "
                f"{format_duration(cadence)}: the reminder would come after the promise is "
                "broken; make update_interval at most the cadence"
            )
            yield Problem(("sla", i, "targets", label, "update_interval"), message)


def _duration(raw: Any) -> timedelta | None:
    """A duration the schema accepts, or None (the schema reports the rest)."""
    if not isinstance(raw, str):
        return None
    try:
        return parse_duration(raw)
    except InvalidValue:
        return None


def _path(where: tuple[Segment, ...], path: Mapping[Any, Any], known: Known) -> Iterator[Problem]:
    levels = path.get("levels")
    if "levels" not in path or levels == []:
        # An escalation entering a path without levels would have nobody to notify.
        yield Problem((*where, "levels"), "a path needs at least one level")
    levels = as_list(levels)
    for j, level in enumerate(levels):
        if not isinstance(level, Mapping):
            continue
        here = (*where, "levels", j)
        if "targets" not in level:
            yield Problem(here, NO_TARGET)
        elif level["targets"] == []:
            yield Problem((*here, "targets"), NO_TARGET)
        yield from _targets((*here, "targets"), level.get("targets"), known)
        calendar = level.get("calendar")
        if isinstance(calendar, str) and calendar not in known.calendars:
            yield Problem((*here, "calendar"), unknown("calendar", calendar, known.calendars))
        if j == len(levels) - 1 and level.get("when_unavailable") == "skip":
            message = "the last level has no level to skip to; use wait"
            yield Problem((*here, "when_unavailable"), message)


def _targets(where: tuple[Segment, ...], raw: Any, known: Known) -> Iterator[Problem]:
    for k, target in enumerate(as_list(raw)):
        target = as_mapping(target)
        kinds = (
            ("team", known.teams),
            ("person", known.people),
            ("schedule", known.schedules),
            ("role", known.roles),
        )
        for kind, names in kinds:
            name = target.get(kind)
            if isinstance(name, str) and name not in names:
                yield Problem((*where, k, kind), unknown(kind, name, names))


def _trigger(
    where: tuple[Segment, ...], trigger: Mapping[Any, Any], known: Known
) -> Iterator[Problem]:
    yield from _targets((*where, "targets"), trigger.get("targets"), known)
    events = _events(trigger.get("events"))
    if trigger.get("metric") is not None and events is not None and not events & SLA_EVENTS:
        message = "'metric' narrows SLA events; this trigger has none"
        yield Problem((*where, "metric"), message)
    action = trigger.get("action")
    if action not in ("notify", "watch"):
        return  # the default action is escalate, which may fall back to the path's levels
    kinds = "team, person or role"
    if action == "watch":
        yield from _watch_targets((*where, "targets"), trigger.get("targets"))
        kinds = "person, schedule or role"
    message = f"'action: {action}' needs at least one target ({kinds})"
    if "targets" not in trigger:
        yield Problem(where, message)
    elif trigger["targets"] == []:
        yield Problem((*where, "targets"), message)
    if trigger.get("level") is not None:
        yield Problem((*where, "level"), "'level' is only for 'action: escalate'")


def _watch_targets(where: tuple[Segment, ...], targets: Any) -> Iterator[Problem]:
    """A watcher is a person: a team cannot watch, it has no one to hold the watch."""
    for i, target in enumerate(targets if isinstance(targets, list) else []):
        if isinstance(target, Mapping) and "team" in target:
            message = "a team cannot watch a case: name a person, a schedule or a role"
            yield Problem((*where, i, "team"), message)


def _events(raw: Any) -> frozenset[str] | None:
    """The events as a set, or None when one is unknown: the schema names that one, and
    judging `metric` against a misspelt event would add a second, misleading error."""
    items = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(item, str) and item in ALL_EVENTS for item in items):
        return None
    return frozenset(items)


def _duplicate_names(section: str, entries: list[Any], noun: str) -> Iterator[Problem]:
    """Names identify paths and triggers in timelines and audits, so they must be unique."""
    first: dict[str, int] = {}
    for i, entry in enumerate(entries):
        name = as_mapping(entry).get("name")
        if not isinstance(name, str):
            continue
        if name in first:
            also = path_text((section, first[name]))
            yield Problem((section, i, "name"), f"duplicate {noun} name {name!r} (also {also})")
        first.setdefault(name, i)


def _path_order(paths: list[Any]) -> Iterator[Problem]:
    """Paths that can never apply because catch-alls before them take every case they could.

    The first matching path governs, so a path without `when` takes every case of its
    audience. A path for `any` audience is dead only once both audiences are taken, perhaps
    by two paths (one external, one internal): a case always has one of the two.
    """
    taken: dict[str, tuple[int, str]] = {}  # audience → (first catch-all for it, its audience)
    for i, path in enumerate(paths):
        if not isinstance(path, Mapping):
            continue
        audience = path.get("audience", "any")
        if audience == "any":
            reaches: tuple[str, ...] = AUDIENCES
        elif audience in AUDIENCES:
            reaches = (audience,)
        else:
            continue  # the schema reports the audience
        if all(a in taken for a in reaches):
            yield Problem((PATHS, i), _never_applies(sorted({taken[a] for a in reaches})))
        elif not path.get("when"):
            for a in reaches:
                taken.setdefault(a, (i, audience))


def _never_applies(before: list[tuple[int, str]]) -> str:
    if len(before) == 1:
        index, audience = before[0]
        cases = "every case" if audience == "any" else f"every {audience} case"
        return f"never applies: {PATHS}[{index}] before it has no 'when' and matches {cases}"
    names = " and ".join(f"{PATHS}[{index}]" for index, _ in before)
    return f"never applies: {names} before it have no 'when' and together match every case"

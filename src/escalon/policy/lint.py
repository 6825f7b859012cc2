"""Load and check `escalon.yaml`, reporting every problem with its path and line.

Three passes, all of which always run so that one fix-and-retry shows everything: YAML
syntax (and duplicate keys, which PyYAML would silently resolve to the last), the schema
(`document.PolicyDocument`), and the checks that need the whole document: references
between sections (those of the escalation sections in `lint_escalation`), manager chains,
and calendars that actually build. Linting never raises on bad input; it returns a
`LintResult`.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import BaseModel, ValidationError

from escalon.core.calendar import BusinessCalendar, CalendarError, HolidaySource
from escalon.core.calendar_union import UnionCalendar
from escalon.core.sla import Calendar
from escalon.holiday_source import PackageHolidaySource
from escalon.policy.document import PolicyDocument
from escalon.policy.lint_escalation import escalation_problems
from escalon.policy.lint_organisation import organisation_problems
from escalon.policy.problems import BUILTIN_CALENDAR as BUILTIN_CALENDAR
from escalon.policy.problems import LintError as LintError
from escalon.policy.problems import (
    Problem,
    Segment,
    as_mapping,
    calendar_names,
    unknown,
)
from escalon.policy.schema import describe, json_safe


@dataclass(frozen=True)
class LintResult:
    document: PolicyDocument | None
    errors: list[LintError]

    @property
    def ok(self) -> bool:
        return not self.errors


class PolicyInvalid(Exception):
    """A policy that does not validate was about to be compiled; carries every error."""

    def __init__(self, errors: list[LintError]) -> None:
        self.errors = list(errors)
        first = str(self.errors[0]) if self.errors else "invalid policy"
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(first + more)


class Checked(NamedTuple):
    document: PolicyDocument | None
    problems: list[Problem]
    calendars: dict[str, Calendar]


def lint_text(text: str, filename: str = "escalon.yaml") -> LintResult:
    """Lint the text of a policy file.

    `filename` mirrors `lint_file`; messages do not repeat it, `format_errors` prefixes it.
    """
    try:
        node, data = _load(text)
    except yaml.YAMLError as exc:
        return LintResult(None, [_yaml_error(exc)])
    problems = list(_duplicate_keys(node, ()))
    checked = check({} if node is None else data)  # an empty file is the empty document
    problems.extend(checked.problems)
    errors = _located(problems, node)
    return LintResult(checked.document if not errors else None, errors)


def lint_file(path: str | Path) -> LintResult:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        return LintResult(None, [LintError("", f"cannot read {path}: {exc.strerror or exc}")])
    except UnicodeDecodeError:
        return LintResult(None, [LintError("", f"cannot read {path}: it is not UTF-8 text")])
    return lint_text(text, Path(path).name)


def validate_mapping(data: Any) -> LintResult:
    """Check a policy that is already data (stored JSON, an API body); errors have no lines."""
    checked = check(data)
    errors = _dedupe([p.error() for p in checked.problems])
    return LintResult(checked.document if not errors else None, errors)


def format_errors(result: LintResult, filename: str) -> list[str]:
    """One `file:line: path: message` line per error, as compilers and linters print them."""
    return [
        f"{filename}:{e.line}: {e}" if e.line is not None else f"{filename}: {e}"
        for e in result.errors
    ]


def check(data: Any, *, holidays: HolidaySource | None = None) -> Checked:
    """Schema, references and calendars of plain data; `compile` reuses the built calendars."""
    if not isinstance(data, Mapping):
        problem = Problem((), f"the document must be a mapping of sections, not {describe(data)}")
        return Checked(None, [problem], {})
    document = None
    schema: list[Problem] = []
    try:
        document = PolicyDocument.model_validate(data)
    except ValidationError as exc:
        schema = [_schema_problem(error) for error in exc.errors()]
    calendars, calendar_problems = build_calendars(data.get("calendars"), holidays)
    later = [*_references(data), *calendar_problems]
    covered = [p.at or p.where for p in schema]  # a bad value hides what hangs below it
    later = [p for p in later if not any(p.where[: len(c)] == c for c in covered)]
    return Checked(document, schema + later, calendars)


def build_calendars(
    raw: Any, holidays: HolidaySource | None = None
) -> tuple[dict[str, Calendar], list[Problem]]:
    """Build every calendar that is a mapping; a `CalendarError` names the place inside it.

    A calendar given as `{union: [a, b]}` is open whenever one of its parts is (a
    follow-the-sun team's hours); it is built after the others, from them.
    """
    if not isinstance(raw, Mapping):
        return {}, []
    source = holidays if holidays is not None else PackageHolidaySource()
    built: dict[str, Calendar] = {}
    plain: dict[str, BusinessCalendar] = {}
    problems: list[Problem] = []
    unions = {str(k): v for k, v in raw.items() if isinstance(v, Mapping) and "union" in v}
    for name, config in raw.items():
        name = str(name)
        if not isinstance(config, Mapping) or name in unions:
            continue
        where: tuple[Segment, ...] = ("calendars", name)
        try:
            calendar = BusinessCalendar.from_config(json_safe(config), holidays=source, name=name)
            if calendar.country is not None and hasattr(source, "check"):
                source.check(calendar.country, calendar.subdivision)  # unknown country: now
            built[name] = plain[name] = calendar
        except CalendarError as exc:
            problems.append(Problem(where + _segments(exc.field or ""), exc.message))
        except Exception as exc:  # a calendar bug must not turn lint into a stack trace
            problems.append(Problem(where, f"cannot build this calendar: {exc}"))
    for name, config in unions.items():
        union, union_problems = _union(name, config, plain, [str(k) for k in raw])
        problems += union_problems
        if union is not None:
            built[name] = union
    return built, problems


def _union(
    name: str, config: Mapping[str, Any], plain: Mapping[str, BusinessCalendar], known: list[str]
) -> tuple[UnionCalendar | None, list[Problem]]:
    where: tuple[Segment, ...] = ("calendars", name)
    extra = [str(k) for k in config if k not in ("union", "description")]
    if extra:
        return None, [Problem((*where, extra[0]), "a union calendar has only 'union'")]
    parts = config["union"]
    if not isinstance(parts, list) or not parts:
        return None, [Problem((*where, "union"), "expected a list of calendar names")]
    problems = []
    for i, part in enumerate(parts):
        if not isinstance(part, str) or part not in known:
            problems.append(Problem((*where, "union", i), unknown("calendar", str(part), known)))
        elif part not in plain:
            message = f"{part!r} is not a plain calendar (a union of unions is not supported)"
            problems.append(Problem((*where, "union", i), message))
    if problems:
        return None, problems
    return UnionCalendar(tuple(plain[p] for p in parts), name), []


# --- YAML -------------------------------------------------------------------------------


def _load(text: str) -> tuple[yaml.Node | None, Any]:
    """Compose (for line numbers) and construct (for data) from one parse."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def _yaml_error(exc: yaml.YAMLError) -> LintError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    words = f"{context}, {problem}" if context and context not in problem else problem
    line = mark.line + 1 if mark is not None else None
    return LintError("", f"invalid YAML: {words}", line)


def _duplicate_keys(node: yaml.Node | None, where: tuple[Segment, ...]) -> Iterator[Problem]:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name is not None and name != "<<":
                line = key.start_mark.line + 1
                if name in seen:
                    message = f"duplicate key {name!r} (also on line {seen[name]})"
                    yield Problem((*where, name), message, line=line)
                seen.setdefault(name, line)
            yield from _duplicate_keys(value, (*where, name if name is not None else "?"))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*where, i))


def _line(node: yaml.Node | None, at: tuple[Segment, ...]) -> int | None:
    """The line of the node at `at`, or of its nearest ancestor present in the file."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for seg in at:
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == str(seg)), None)
            if match is None:
                return line
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(seg, int):
            if not 0 <= seg < len(node.value):
                return line
            node = node.value[seg]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _located(problems: list[Problem], node: yaml.Node | None) -> list[LintError]:
    errors = [
        p.error(p.line if p.line is not None else _line(node, p.at or p.where)) for p in problems
    ]
    return sorted(_dedupe(errors), key=lambda e: (e.line is None, e.line or 0))


def _dedupe(errors: list[LintError]) -> list[LintError]:
    return list(dict.fromkeys(errors))


def _segments(path: str) -> tuple[Segment, ...]:
    """`hours.mon-fri[1]` → ('hours', 'mon-fri', 1): the inverse of `problems.path_text`."""
    parts = re.findall(r"\[(\d+)\]|([^.\[\]]+)", path)
    return tuple(int(index) if index else name for index, name in parts)


# --- schema errors in plain words ----------------------------------------------------------


def _schema_problem(error: Mapping[str, Any]) -> Problem:
    loc = tuple(seg for seg in error["loc"] if seg != "[key]")
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "escalon":
        return Problem(loc + _segments(ctx.get("subpath", "")), ctx["message"])
    if kind == "extra_forbidden":
        return Problem(loc[:-1], unknown("key", str(loc[-1]), _known_keys(loc[:-1])), at=loc)
    if kind == "missing":
        return Problem(loc[:-1], f"missing required key {loc[-1]!r}", at=loc)
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return Problem(loc, f"expected a mapping, got {describe(value)}")
    if kind == "list_type":
        return Problem(loc, f"expected a list, got {describe(value)}")
    if kind in ("too_short", "too_long"):
        wanted = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return Problem(loc, f"needs {wanted} entries, got {ctx.get('actual_length')}")
    if kind == "string_type":
        return Problem(loc, f"expected text, got {describe(value)}")
    message = str(error.get("msg", "is invalid"))
    return Problem(loc, message[:1].lower() + message[1:])


def _known_keys(loc: tuple[Segment, ...]) -> list[str]:
    """The keys the schema allows at `loc`, found by walking the models' annotations."""
    hint: Any = PolicyDocument
    for seg in loc:
        hint = _bare(hint)
        if isinstance(hint, type) and issubclass(hint, BaseModel):
            fields = {f.alias or name: f.annotation for name, f in hint.model_fields.items()}
            if seg not in fields:
                return []
            hint = fields[seg]
        elif typing.get_origin(hint) in (dict, list):
            hint = typing.get_args(hint)[-1]
        else:
            return []
    hint = _bare(hint)
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return [f.alias or name for name, f in hint.model_fields.items()]
    return []


def _bare(hint: Any) -> Any:
    """Strip `Annotated[...]` and `X | None` down to the type that holds the keys."""
    while True:
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            hint = typing.get_args(hint)[0]
        elif origin in (typing.Union, types.UnionType):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        else:
            return hint


# --- checks across sections ---------------------------------------------------------------


def _references(data: Mapping[str, Any]) -> Iterator[Problem]:
    """References between sections, read defensively: the schema reports wrong shapes."""
    calendars = calendar_names(data)
    people = as_mapping(data.get("people"))
    person_keys = [str(k) for k in people]

    def calendar(where: tuple[Segment, ...], name: Any) -> Iterator[Problem]:
        if isinstance(name, str) and name not in calendars:
            yield Problem(where, unknown("calendar", name, calendars))

    def person(where: tuple[Segment, ...], name: Any) -> Iterator[Problem]:
        if isinstance(name, str) and name not in people:
            yield Problem(where, unknown("person", name, person_keys))

    sla = data.get("sla")
    for i, policy in enumerate(sla if isinstance(sla, list) else []):
        policy = as_mapping(policy)
        yield from calendar(("sla", i, "calendar"), policy.get("calendar"))
        for priority, target in as_mapping(policy.get("targets")).items():
            where = ("sla", i, "targets", priority, "calendar")
            yield from calendar(where, as_mapping(target).get("calendar"))
    yield from _sla_order(sla if isinstance(sla, list) else [])
    for key, team in as_mapping(data.get("teams")).items():
        team = as_mapping(team)
        yield from calendar(("teams", key, "calendar"), team.get("calendar"))
        yield from person(("teams", key, "manager"), team.get("manager"))
        members = team.get("members")
        for j, member in enumerate(members if isinstance(members, list) else []):
            yield from person(("teams", key, "members", j), member)
    for key, entry in people.items():
        yield from person(("people", key, "manager"), as_mapping(entry).get("manager"))
    yield from _manager_loops(people)
    yield from organisation_problems(data)
    yield from escalation_problems(data)


def _sla_order(policies: list[Any]) -> Iterator[Problem]:
    """Duplicate names, and policies that can never apply because a catch-all precedes them."""
    names: dict[str, int] = {}
    catch_all: int | None = None
    for i, policy in enumerate(policies):
        policy = as_mapping(policy)
        name = policy.get("name")
        if isinstance(name, str):
            if name in names:
                message = f"duplicate SLA policy name {name!r} (also sla[{names[name]}])"
                yield Problem(("sla", i, "name"), message)
            names.setdefault(name, i)
        if catch_all is not None:
            message = (
                f"never applies: sla[{catch_all}] before it has no 'when' and matches every case"
            )
            yield Problem(("sla", i), message)
        elif not policy.get("when"):
            catch_all = i


def _manager_loops(people: Mapping[Any, Any]) -> Iterator[Problem]:
    """Each loop in the manager chain once, reported on its earliest person in the file."""
    order = {key: n for n, key in enumerate(people)}
    reported: set[frozenset[Any]] = set()
    for start in people:
        chain = [start]
        while True:
            manager = as_mapping(people.get(chain[-1])).get("manager")
            if not isinstance(manager, str) or manager not in people:
                break
            if manager in chain:
                loop = chain[chain.index(manager) :]
                if frozenset(loop) not in reported:
                    reported.add(frozenset(loop))
                    first = min(range(len(loop)), key=lambda n: order[loop[n]])
                    ring = [*loop[first:], *loop[:first], loop[first]]
                    message = f"manager chain loops: {' → '.join(map(str, ring))}"
                    yield Problem(("people", ring[0], "manager"), message)
                break
            chain.append(manager)

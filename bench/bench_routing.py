"""Benchmark: routing decisions/s, 10,000 people and 1,000 teams, against a naive router.

Run: /work/venv/bin/python bench/bench_routing.py [--people 10000] [--teams 1000]
     [--decisions 5000] [--rounds 3] [--seed 7] [--year 2026]

Organisation (seeded):
  * calendars: Budapest (office hours with a lunch break, and an extended one with
    Saturdays), Prague, Istanbul, New York, Singapore, a part-time and an overnight one,
    each with its country's public holidays from the `holidays` package; the built-in 24x7;
    a follow-the-sun union of Budapest, New York and Singapore;
  * one team in ten belongs to a follow-the-sun group (25 per 1,000 teams): a global team
    with no members on the union calendar and three regional teams (Budapest, New York,
    Singapore, all auto_assign); the rest are plain teams on one of the other calendars,
    85 % auto_assign;
  * people: each in one team, a fifth of them in a second one (~12 members a team), with
    languages (en, hu, cs, ru, tr), one to three skills, a manager, a fifth with one to three
    absences of 1-14 days, 8 % with a calendar of their own;
  * on-call schedules for 30 % of the plain teams and every New York and Singapore region
    (Budapest regions have none), in the team's zone: a weekly rotation of up to six
    members handing off Monday 09:00 under an office-hours layer (Mon-Fri 09:00-17:00,
    daily turns of three members), plus up to four overrides by members, 1-48 h each.

Decisions: a random routing team (a follow-the-sun group one time in five, else an
auto_assign team), a Need (a category: 60 % one of the team's expertise, 25 % any, 15 %
none; a language, mostly en, 8 % none) and an aware UTC instant anywhere in the year.
Load is a dict of open cases per person (0-8); the services count them with a query, the
dict keeps this about the core. The Org is built once, as `Policy.org()` does per policy
version; its first `teams_of` call builds the person -> teams index and is timed on its own,
and so is the cold first pass of `route` (it fills the calendars' dates and the schedules'
plans).

Baseline, timed in the same run with rounds alternating, reported as a ratio because the
machine is noisy: a naive router reading the rules literally, as a first version would:
for every candidate it scans all teams to find the ones that list them (no index), then
applies the same rules (out of office loses, on call on the routing team's schedule wins,
else their own calendar or their first team's must be open; a follow-the-sun group takes
the first region working, else the first to open; then skill, language, fewest open
cases, the on-call person on a tie, then the name). It uses the same calendars and
schedules (their lookups are benchmarked elsewhere) and builds no explanations, which the
engine does for every decision, so the comparison favours the baseline. It shares no code
with `Org`, `routing` or `follow_the_sun`, so it is also the check: every decision's team
and person must agree. Also printed: decisions that found nobody available, follow-the-sun
region picks, and the share narrowed by skill, by language and decided by load.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from escalon.core.calendar import BusinessCalendar
from escalon.core.calendar_hours import parse_hours
from escalon.core.calendar_union import UnionCalendar
from escalon.core.org import Org
from escalon.core.organisation import Absence, Person, Team
from escalon.core.routing import Decision, Need, route
from escalon.core.schedules import Layer, Override, Schedule
from escalon.core.sla import Calendar
from escalon.holiday_source import load_calendar

LANGUAGES = {"hu": 0.2, "cs": 0.08, "ru": 0.08, "tr": 0.06}  # besides en, spoken by 85 %
ASKED = ("en", "hu", "cs", "ru", "tr", None)
ASKED_WEIGHTS = (55, 15, 8, 8, 6, 8)
CATEGORIES = ("network", "billing", "payments", "hosting", "dns", "email", "security", "vpn")
CATEGORY_WEIGHTS = (20, 15, 10, 15, 10, 10, 10, 10)
# Plain teams' calendars; follow-the-sun regions use the three offices below.
TEAM_CALENDARS = (
    *("budapest-office", "network-extended", "prague-office", "istanbul-office"),
    *("new-york-office", "singapore-office", "24x7"),
)
OWN_CALENDARS = ("part-time-bud", "night-shift", "prague-office", "istanbul-office")
REGIONS = (("bud", "budapest-office"), ("nyc", "new-york-office"), ("sgp", "singapore-office"))
OFFICE_HOURS = parse_hours({"mon-fri": "09:00-17:00"})


class Ask(NamedTuple):
    team: str
    need: Need
    at: datetime


class Answer(NamedTuple):
    """The naive router's decision, with how it was reached (for the workload summary)."""

    team: str | None
    person: str | None
    region: str  # "" (no follow-the-sun), "working" or "first to open"
    by_skill: bool  # the skill left someone available out
    by_language: bool
    by_load: bool  # two or more were left for the fewest open cases


@dataclass(frozen=True)
class Workload:
    org: Org
    asks: list[Ask]
    open_cases: dict[str, int]


def calendar_configs(year: int) -> dict[str, dict[str, Any]]:
    def office(zone: str, hours: Any, country: str, sub: str | None = None) -> dict[str, Any]:
        region = {"country": country} | ({"subdivision": sub} if sub else {})
        return {"timezone": zone, "hours": hours, "holidays": region}

    budapest = office("Europe/Budapest", {"mon-fri": ["09:00-12:00", "13:00-17:00"]}, "HU")
    return {
        "budapest-office": budapest | {"closed": [f"{year}-12-24"]},
        "network-extended": office(
            "Europe/Budapest", {"mon-fri": ["07:00-19:00"], "sat": ["08:00-14:00"]}, "HU"
        ),
        "prague-office": office("Europe/Prague", {"mon-fri": ["08:00-16:30"]}, "CZ"),
        "istanbul-office": office("Europe/Istanbul", {"mon-fri": ["09:00-18:00"]}, "TR"),
        "new-york-office": office("America/New_York", {"mon-fri": ["09:00-17:00"]}, "US", "NY"),
        "singapore-office": office("Asia/Singapore", {"mon-fri": ["09:00-18:00"]}, "SG"),
        "part-time-bud": office("Europe/Budapest", {"mon-wed": ["09:00-13:00"]}, "HU"),
        "night-shift": office("Europe/Budapest", {"mon-fri": ["22:00-06:00"]}, "HU"),
    }


def build_calendars(year: int) -> tuple[dict[str, Calendar], dict[str, str]]:
    """The calendars by name, and each one's time zone."""
    configs = calendar_configs(year)
    calendars: dict[str, Calendar] = {k: load_calendar(c, name=k) for k, c in configs.items()}
    calendars["24x7"] = BusinessCalendar.always_open()
    offices = tuple(calendars[name] for _, name in REGIONS)
    calendars["follow-the-sun"] = UnionCalendar(offices, "follow-the-sun")
    zones = {k: str(c["timezone"]) for k, c in configs.items()} | {"24x7": "UTC"}
    return calendars, zones


def build_people(n: int, year: int, rng: random.Random) -> dict[str, Person]:
    """People with languages, skills, a manager, some absences, a few with their own hours."""
    keys = [f"p{i:05d}" for i in range(n)]
    heads, leads = keys[: max(1, n // 200)], keys[: max(1, n // 20)]
    year_start = datetime(year, 1, 1, tzinfo=UTC)
    people = {}
    for i, key in enumerate(keys):
        spoken = [lang for lang, share in LANGUAGES.items() if rng.random() < share]
        if rng.random() < 0.85 or not spoken:
            spoken.insert(0, "en")
        absences = []
        if rng.random() < 0.2:
            for _ in range(rng.randint(1, 3)):
                start = year_start + timedelta(days=rng.randrange(365), hours=rng.choice((0, 8)))
                end = start + timedelta(days=rng.randint(1, 14))
                absences.append(Absence(start, end, rng.choice(("leave", "sick", "training"))))
        people[key] = Person(
            key,
            f"Person {i}",
            email=f"{key}@example.com",
            manager=None if i < len(heads) else rng.choice(heads if i < len(leads) else leads),
            languages=tuple(spoken),
            skills=tuple(rng.sample(CATEGORIES, rng.randint(1, 3))),
            calendar=rng.choice(OWN_CALENDARS) if rng.random() < 0.08 else None,
            out_of_office=tuple(sorted(absences, key=lambda a: a.start)),
        )
    return people


def build_schedule(
    key: str, members: list[str], zone: str, year: int, rng: random.Random
) -> Schedule:
    """A weekly rotation under an office-hours one, and a few overrides by members."""
    day = date(year - 1, 1, 1)
    monday = datetime.combine(day + timedelta(days=-day.weekday() % 7), clock(9))
    order = rng.sample(members, len(members))
    layers = (
        Layer("weekly", tuple(order[:6]), monday, timedelta(days=7)),
        Layer("office", tuple(order[-3:]), monday, timedelta(days=1), OFFICE_HOURS),
    )
    first = datetime(year, 1, 1, tzinfo=ZoneInfo(zone))
    overrides = []
    for _ in range(rng.randint(0, 4)):
        start = first + timedelta(minutes=30 * rng.randrange(365 * 48))
        end = start + timedelta(hours=rng.randint(1, 48))
        overrides.append(Override(rng.choice(members), start, end))
    return Schedule(key, f"{key} on call", zone, layers, tuple(overrides))


def build_teams(
    people: list[str], n_teams: int, zones: dict[str, str], year: int, rng: random.Random
) -> tuple[dict[str, Team], dict[str, Schedule]]:
    """Plain teams and follow-the-sun groups; every person in one team, a fifth in two."""
    groups = max(1, n_teams // 40)
    staffed = [(f"t{i:04d}", rng.choice(TEAM_CALENDARS)) for i in range(n_teams - 4 * groups)]
    staffed += [(f"fts{g:02d}-{r}", cal) for g in range(groups) for r, cal in REGIONS]
    members: dict[str, list[str]] = {key: [] for key, _ in staffed}
    for i, person in enumerate(rng.sample(people, len(people))):
        first = staffed[i % len(staffed)][0]
        members[first].append(person)
        second = rng.choice(staffed)[0]
        if rng.random() < 0.2 and second != first:
            members[second].append(person)
    teams: dict[str, Team] = {}
    schedules: dict[str, Schedule] = {}
    for key, calendar in staffed:
        region = key.startswith("fts")
        on_call = key.endswith(("-nyc", "-sgp")) or (not region and rng.random() < 0.3)
        schedule = None
        if on_call and len(members[key]) >= 2:
            schedule = f"{key}-oncall"
            schedules[schedule] = build_schedule(schedule, members[key], zones[calendar], year, rng)
        teams[key] = Team(
            key,
            f"Team {key}",
            calendar=calendar,
            timezone=zones[calendar],
            manager=members[key][0] if members[key] else None,
            members=tuple(members[key]),
            expertise=tuple(rng.sample(CATEGORIES, rng.randint(1, 2))),
            schedule=schedule,
            auto_assign=region or rng.random() < 0.85,
        )
    for g in range(groups):
        key = f"fts{g:02d}"
        regions = tuple(f"{key}-{r}" for r, _ in REGIONS)
        teams[key] = Team(
            key,
            f"Global {key}",
            calendar="follow-the-sun",
            expertise=("hosting", "dns"),
            follow_the_sun=regions,
        )
    return teams, schedules


def build_asks(teams: dict[str, Team], n: int, year: int, rng: random.Random) -> list[Ask]:
    """A follow-the-sun group one time in five, else an auto_assign team; any instant."""
    groups = [k for k, t in teams.items() if t.follow_the_sun]
    assigning = [k for k, t in teams.items() if t.auto_assign]
    start = datetime(year, 1, 1, tzinfo=UTC)
    seconds = (datetime(year + 1, 1, 1, tzinfo=UTC) - start) // timedelta(seconds=1)
    asks = []
    for _ in range(n):
        key = rng.choice(groups) if rng.random() < 0.2 else rng.choice(assigning)
        pick = rng.random()
        category = (
            rng.choice(teams[key].expertise)
            if pick < 0.6
            else rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            if pick < 0.85
            else None
        )
        need = Need(category, rng.choices(ASKED, ASKED_WEIGHTS)[0])
        asks.append(Ask(key, need, start + timedelta(seconds=rng.randrange(seconds))))
    return asks


def build_workload(n_people: int, n_teams: int, n_asks: int, year: int, seed: int) -> Workload:
    rng = random.Random(seed)
    calendars, zones = build_calendars(year)
    people = build_people(n_people, year, rng)
    teams, schedules = build_teams(list(people), n_teams, zones, year, rng)
    org = Org(people, teams, calendars, schedules=schedules)
    weights = (20, 20, 16, 12, 10, 8, 6, 4, 4)
    open_cases = {key: rng.choices(range(9), weights)[0] for key in people}
    return Workload(org, build_asks(teams, n_asks, year, rng), open_cases)


# -- the naive router ------------------------------------------------------------------------


def naive_open(org: Org, calendar: str | None, at: datetime) -> bool:
    found = org.calendars.get(calendar or "")
    return found is None or found.is_open(at)


def naive_on_call(org: Org, schedule: str | None, at: datetime) -> str | None:
    found = org.schedules.get(schedule or "")
    shift = found.on_call(at) if found is not None else None
    return shift.person if shift is not None else None


def naive_available(org: Org, person: str, at: datetime, on_call: str | None) -> bool:
    """Out of office loses; on call on the routing team's schedule wins; else hours."""
    who = org.people.get(person)
    if who is None or any(a.start <= at < a.end for a in who.out_of_office):
        return False
    if person == on_call:
        return True
    mine = [team for team in org.teams.values() if person in team.members]
    calendar = who.calendar or next((t.calendar for t in mine if t.calendar), None)
    return naive_open(org, calendar, at)


def naive_region(org: Org, group: Team, at: datetime) -> tuple[Team, str] | None:
    regions = [org.teams[key] for key in group.follow_the_sun if key in org.teams]
    for region in regions:
        if naive_open(org, region.calendar, at):
            return region, "working"
    if not regions:
        return None

    def opens(region: Team) -> datetime:
        found = org.calendars.get(region.calendar or "")
        return at if found is None else found.next_open(at)

    return min(regions, key=opens), "first to open"


def naive_route(org: Org, ask: Ask, load: Callable[[str], int]) -> Answer:
    team, need, at = org.teams.get(ask.team), ask.need, ask.at
    if team is None:
        return Answer(None, None, "", False, False, False)
    region = ""
    if team.follow_the_sun:
        found = naive_region(org, team, at)
        if found is not None:
            team, region = found
    on_call = naive_on_call(org, team.schedule, at)
    candidates = dict.fromkeys([*team.members, *([on_call] if on_call else [])])
    available = [key for key in candidates if naive_available(org, key, at, on_call)]
    if not available:
        return Answer(team.key, None, region, False, False, False)
    by_skill = by_language = False
    if need.category:
        skilled = [k for k in available if need.category in org.people[k].skills]
        by_skill = 0 < len(skilled) < len(available)
        available = skilled or available
    if need.language:
        speakers = [k for k in available if need.language in org.people[k].languages]
        by_language = 0 < len(speakers) < len(available)
        available = speakers or available
    chosen = min(available, key=lambda k: (load(k), k != on_call, k))
    return Answer(team.key, chosen, region, by_skill, by_language, len(available) > 1)


# -- the run ---------------------------------------------------------------------------------


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def describe(work: Workload, answers: list[Answer], year: int) -> list[str]:
    """What the organisation and the decisions look like, so the figures can be judged."""
    org, n = work.org, len(answers)
    staffed = [t for t in org.teams.values() if t.members]
    seats = sum(len(t.members) for t in staffed)
    groups = sum(1 for t in org.teams.values() if t.follow_the_sun)
    absences = sum(len(p.out_of_office) for p in org.people.values())
    own = sum(1 for p in org.people.values() if p.calendar)
    picks = [a.region for a in answers if a.region]
    decided = [a for a in answers if a.person is not None]

    def share(count: int, of: int) -> str:
        return f"{count:,} ({100 * count / max(of, 1):.1f} %)"

    by_skill = share(sum(a.by_skill for a in decided), len(decided))
    by_language = share(sum(a.by_language for a in decided), len(decided))
    by_load = share(sum(a.by_load for a in decided), len(decided))
    return [
        f"organisation: {len(org.people):,} people, {len(org.teams):,} teams "
        f"({groups} follow-the-sun groups of 3 regions), {len(org.schedules)} on-call schedules",
        f"  {seats / len(staffed):.1f} members a team, {seats / len(org.people):.2f} teams a "
        f"person; {absences:,} absences; {own:,} people with their own calendar",
        f"decisions: {n:,} at random instants of {year}",
        f"  nobody available: {share(n - len(decided), n)}",
        f"  follow-the-sun region picks: {len(picks):,} (a region working: "
        f"{picks.count('working'):,}; none working, the first to open: "
        f"{picks.count('first to open'):,})",
        f"  of {len(decided):,} with someone: narrowed by skill {by_skill}, by language "
        f"{by_language}",
        f"  least load chose among 2 or more: {by_load}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=1_000, help="including follow-the-sun groups")
    parser.add_argument("--decisions", type=int, default=5_000, help="random routing decisions")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timing rounds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()

    began = time.perf_counter()
    work = build_workload(args.people, args.teams, args.decisions, args.year, args.seed)
    built = time.perf_counter() - began
    org, asks, open_cases = work.org, work.asks, work.open_cases
    someone = next(iter(org.people))
    index_cold = _timed(lambda: org.teams_of(someone))  # builds the person -> teams index
    index_warm = _timed(lambda: org.teams_of(someone))

    def load(person: str) -> int:
        return open_cases.get(person, 0)

    def engine() -> list[Decision]:
        return [route(org, a.team, a.need, load, a.at) for a in asks]

    def naive() -> list[Answer]:
        return [naive_route(org, a, load) for a in asks]

    cold = _timed(engine)  # fills the calendars' dates and the schedules' plans
    rates: list[tuple[float, float]] = []
    decisions: list[Decision] = []
    answers: list[Answer] = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        decisions = engine()
        engine_s = time.perf_counter() - t
        t = time.perf_counter()
        answers = naive()
        rates.append((len(asks) / engine_s, len(asks) / (time.perf_counter() - t)))

    mismatches = [
        f"  {a.team} {a.need} {a.at.isoformat()}: route {(d.team, d.person)}, naive "
        f"{(n.team, n.person)}"
        for a, d, n in zip(asks, decisions, answers, strict=True)
        if (d.team, d.person) != (n.team, n.person)
    ]
    engine_rate = statistics.median(r[0] for r in rates)
    naive_rate = statistics.median(r[1] for r in rates)
    ratio = statistics.median(r[0] / r[1] for r in rates)

    for line in describe(work, answers, args.year):
        print(line)
    print(f"built in {built:.1f} s (calendars, people, teams, schedules, decisions)")
    print(
        f"first teams_of builds the person -> teams index: {index_cold * 1000:.1f} ms "
        f"(later calls {index_warm * 1e6:.1f} µs)"
    )
    print(f"cold first pass of route (calendar dates, schedule plans): {len(asks) / cold:,.0f}/s")
    checked = len(asks) - len(mismatches)
    print(f"decisions identical to the naive router (team and person): {checked:,}/{len(asks):,}")
    for line in mismatches[:5]:
        print(line)
    print()
    print(f"{args.rounds} alternating rounds, medians:")
    print(f"{'method':<32} {'decisions/s':>12} {'route is':>10}")
    print(f"{'route (Org index)':<32} {engine_rate:>12,.0f} {'':>10}")
    print(f"{'naive router (scans all teams)':<32} {naive_rate:>12,.0f} {ratio:>9.1f}x")
    if mismatches:
        sys.exit(f"FAILED: {len(mismatches)} decisions differ")


if __name__ == "__main__":
    main()

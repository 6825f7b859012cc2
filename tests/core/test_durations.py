"""Durations as people write them: `4h`, `1h30m`, `45m`, `2d`, `90s`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalon.core.durations import format_duration, parse_duration
from escalon.core.errors import InvalidValue


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", timedelta(hours=4)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("45m", timedelta(minutes=45)),
        ("2d", timedelta(hours=48)),
        ("90s", timedelta(seconds=90)),
        ("1w", timedelta(days=7)),
        ("2d4h30m", timedelta(days=2, hours=4, minutes=30)),
        ("4H", timedelta(hours=4)),
        (" 1h 30m ", timedelta(hours=1, minutes=30)),
        ("0s", timedelta(0)),
    ],
)
def test_parse_duration_reads_compact_units(text: str, expected: timedelta):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["4hh", "", "h", "4", "-4h", "1.5h", "4 hours", "4x", "   "])
def test_parse_duration_refuses_other_text_naming_the_field(text: str):
    with pytest.raises(InvalidValue) as caught:
        parse_duration(text, "sla[0].targets.P1.resolution")
    assert caught.value.message.startswith(f"{text!r} is not a duration (")
    assert caught.value.field == "sla[0].targets.P1.resolution"


def test_parse_duration_error_for_4hh_reads_as_documented():
    with pytest.raises(InvalidValue, match=r"^'4hh' is not a duration \(use e\.g\. 4h"):
        parse_duration("4hh", "resolution")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=90), "1m30s"),
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(hours=48), "2d"),
        (timedelta(days=9, seconds=5), "9d5s"),
        (timedelta(hours=-4), "-4h"),
        (timedelta(seconds=59, microseconds=999999), "59s"),
    ],
)
def test_format_duration_is_compact(value: timedelta, text: str):
    assert format_duration(value) == text


@given(st.integers(min_value=0, max_value=999_999 * 86400))
def test_format_then_parse_round_trips_whole_seconds(seconds: int):
    value = timedelta(seconds=seconds)
    assert parse_duration(format_duration(value)) == value


@pytest.mark.parametrize("text", ["9999999999d", "99999999999999999999s"])
def test_parse_duration_refuses_an_absurdly_long_duration_naming_the_field(text: str):
    with pytest.raises(InvalidValue) as caught:
        parse_duration(text, "resolution")
    assert caught.value.field == "resolution"

"""VAHTI_NOW: the clock runs and pages are dated by, set for replays and tests."""

from __future__ import annotations

import datetime as dt

import pytest

from schemas import clock


def test_unset_is_the_system_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.ENV, raising=False)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_a_date_means_six_in_the_morning_in_helsinki_and_time_moves_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV, "2026-03-01")
    first = clock.now()
    assert first.tzinfo is not None
    assert dt.datetime(2026, 3, 1, 4, 0, tzinfo=dt.UTC) <= first < dt.datetime(2026, 3, 1, 4, 1, tzinfo=dt.UTC)
    assert clock.now() >= first


def test_a_naive_time_is_helsinki_and_an_aware_one_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV, "2026-07-01T12:00")
    assert clock.now().replace(microsecond=0, second=0) == dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setenv(clock.ENV, "2026-07-01T12:00Z")
    assert clock.now().replace(microsecond=0, second=0) == dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)


def test_garbage_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV, "next tuesday")
    with pytest.raises(clock.ClockError, match="is not a date"):
        clock.now()

"""Working-day arithmetic on the Vietnamese calendar (ngày làm việc).

A working day is Monday–Friday unless the calendar marks it off (holiday, compensatory day), or a
Saturday/Sunday the calendar marks as worked. ``add_working_days(start, n)`` is the n-th working day
after ``start`` (``start`` itself is not counted: a deadline of "30 working days from the decision").
``working_days_between(a, b)`` counts the working days in (a, b].
"""

from __future__ import annotations

from datetime import date, timedelta

from dangvu.workdays.models import CalendarDay, DayKind


def _overrides(start: date, end: date) -> dict[date, bool]:
    """{day: is_working} for calendar rows between start and end (both included)."""
    rows = CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "kind")
    return {day: kind == DayKind.WORKING for day, kind in rows}


def is_working_day(day: date, overrides: dict[date, bool] | None = None) -> bool:
    if overrides is None:
        overrides = _overrides(day, day)
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (n ≥ 0; n = 0 returns ``start``)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    # Enough room for n working days even around Tết (at most ~9 days off in a row).
    horizon = start + timedelta(days=n * 2 + 30)
    overrides = _overrides(start, horizon)
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day > horizon:
            horizon = day + timedelta(days=n * 2 + 30)
            overrides.update(_overrides(day, horizon))
        if is_working_day(day, overrides):
            counted += 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days after ``a`` up to and including ``b`` (negative when b is before a)."""
    if b < a:
        return -working_days_between(b, a)
    overrides = _overrides(a, b)
    count, day = 0, a
    while day < b:
        day += timedelta(days=1)
        if is_working_day(day, overrides):
            count += 1
    return count

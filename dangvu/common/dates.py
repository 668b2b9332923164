from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Same day-of-month ``months`` later, clamped to the month's end (31/1 + 1 month = 28 or 29/2)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (age "by month")."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def calendar_months(start: date, end: date) -> int:
    """Months from ``start``'s month to ``end``'s month, the day of the month ignored.

    This is age "tính theo tháng" (ADM-01): someone born on 20/5/2000 is 18 for the whole of May 2018.
    """
    return (end.year - start.year) * 12 + end.month - start.month


def age_in_years(birth: date, on: date) -> int:
    return months_between(birth, on) // 12


def fmt(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""

"""Working days on the Vietnamese calendar: weekends, the seeded holidays (Tết, Giỗ Tổ, 30/4, 1/5, 2/9)
and days an administrator adds."""

from datetime import date

import pytest

from dangvu.workdays.models import CalendarDay, DayKind
from dangvu.workdays.services import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db


def test_seeded_calendar_has_tet_and_hung_kings_for_every_year():
    for year in range(2015, 2031):
        assert CalendarDay.objects.filter(day__year=year, name__startswith="Tết Nguyên đán").count() == 5
        assert CalendarDay.objects.filter(day__year=year, name__startswith="Giỗ Tổ").count() == 1
        assert CalendarDay.objects.filter(day=date(year, 9, 2)).exists()
    assert CalendarDay.objects.get(day=date(2025, 4, 7)).name.startswith("Giỗ Tổ")
    # Labour Code 2019: National Day gains an adjacent day from 2021.
    assert CalendarDay.objects.filter(day__year=2020, day__month=9).count() == 1
    assert CalendarDay.objects.filter(day__year=2021, day__month=9).count() == 2


def test_tet_2025_is_five_days_off():
    # Lunar new year 29/01/2025: 28/01 (last day of the year) to 01/02.
    for day in (28, 29, 30, 31):
        assert not is_working_day(date(2025, 1, day))
    assert is_working_day(date(2025, 1, 27))
    assert is_working_day(date(2025, 2, 3))


def test_adding_working_days_across_tet():
    # Friday 24/01/2025 + 1 working day: Monday 27/01; + 2: skip Tuesday 28/01 … Saturday 01/02 → 03/02.
    assert add_working_days(date(2025, 1, 24), 1) == date(2025, 1, 27)
    assert add_working_days(date(2025, 1, 24), 2) == date(2025, 2, 3)
    assert working_days_between(date(2025, 1, 24), date(2025, 2, 3)) == 2
    # Tết 2026 (17/02): 16/02 (Monday) to 20/02 (Friday) off.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_30_working_days_around_30_april_and_1_may():
    start = date(2025, 4, 1)
    end = add_working_days(start, 30)
    assert working_days_between(start, end) == 30
    # April 2025: 7/4 Giỗ Tổ, 30/4 and 1/5 off → 30 working days end on 16/5/2025.
    assert end == date(2025, 5, 16)


def test_zero_and_reverse():
    assert add_working_days(date(2025, 3, 3), 0) == date(2025, 3, 3)
    assert working_days_between(date(2025, 3, 10), date(2025, 3, 3)) == -5
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 3), -1)


def test_an_administrator_can_add_a_compensatory_day_and_a_working_saturday():
    friday = date(2031, 3, 7)
    assert is_working_day(friday)
    CalendarDay.objects.create(day=friday, kind=DayKind.COMPENSATORY, name="Nghỉ bù")
    CalendarDay.objects.create(day=date(2031, 3, 8), kind=DayKind.WORKING, name="Làm bù")
    assert not is_working_day(friday)
    assert is_working_day(date(2031, 3, 8))
    assert add_working_days(date(2031, 3, 6), 1) == date(2031, 3, 8)

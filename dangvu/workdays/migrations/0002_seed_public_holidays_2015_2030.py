"""Seed the fixed public holidays of 2015–2030 (Bộ luật Lao động 2012 Đ115; 2019 Đ112).

Lunar dates come from the literal table below (solar dates of Tết Nguyên đán and of Giỗ Tổ Hùng Vương,
10/3 âm lịch, per year), so the migration needs neither network nor app imports. Tết is seeded as the
day before the lunar new year and the four days after (5 days). From 2021 (Labour Code 2019) National
Day has one adjacent day (1/9 or 3/9, announced each year). Compensatory days (nghỉ bù) and swapped
working days are announced yearly and added by an administrator.
"""

from datetime import date, timedelta

from django.db import migrations

TET = {
    2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25),
    2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17),
    2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 2),  # 2030: Vietnam (UTC+7) is a day before China
}
HUNG_KINGS = {
    2015: (4, 28), 2016: (4, 16), 2017: (4, 6), 2018: (4, 25), 2019: (4, 14), 2020: (4, 2),
    2021: (4, 21), 2022: (4, 10), 2023: (4, 29), 2024: (4, 18), 2025: (4, 7), 2026: (4, 26),
    2027: (4, 16), 2028: (4, 4), 2029: (4, 23), 2030: (4, 12),
}
# Adjacent day of National Day as announced (from 2021); later years default to 1/9 until announced.
NATIONAL_DAY_ADJACENT = {2021: 3, 2022: 1, 2023: 1, 2024: 3, 2025: 1}
TET_NAMES = ["Tết Nguyên đán (ngày cuối năm âm lịch)", "Tết Nguyên đán (mùng 1)", "Tết Nguyên đán (mùng 2)",
             "Tết Nguyên đán (mùng 3)", "Tết Nguyên đán (mùng 4)"]


def holidays():
    for year in range(2015, 2031):
        yield date(year, 1, 1), "Tết Dương lịch"
        tet = date(year, *TET[year])
        for offset, name in zip(range(-1, 4), TET_NAMES, strict=True):
            yield tet + timedelta(days=offset), name
        yield date(year, *HUNG_KINGS[year]), "Giỗ Tổ Hùng Vương (10/3 âm lịch)"
        yield date(year, 4, 30), "Ngày Chiến thắng (30/4)"
        yield date(year, 5, 1), "Ngày Quốc tế Lao động (1/5)"
        yield date(year, 9, 2), "Quốc khánh (2/9)"
        if year >= 2021:
            yield date(year, 9, NATIONAL_DAY_ADJACENT.get(year, 1)), "Quốc khánh (ngày liền kề)"


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    seen = set()
    rows = []
    for day, name in holidays():
        if day not in seen:
            seen.add(day)
            rows.append(CalendarDay(day=day, kind="holiday", name=name))
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarDay.objects.filter(day__in=[day for day, _ in holidays()], kind="holiday").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

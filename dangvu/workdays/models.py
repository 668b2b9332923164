"""The Vietnamese public-holiday calendar, kept as data an administrator extends in the Django admin.

Saturdays and Sundays are days off; a ``CalendarDay`` row marks a weekday off (a public holiday or a
compensatory day, nghỉ bù) or a weekend day worked (làm bù, when the government swaps days).
"""

from __future__ import annotations

from django.db import models


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "Ngày nghỉ lễ, Tết"
    COMPENSATORY = "compensatory", "Ngày nghỉ bù, nghỉ hoán đổi"
    WORKING = "working", "Ngày làm việc bù (thứ Bảy, Chủ nhật đi làm)"


class CalendarDay(models.Model):
    day = models.DateField("ngày", unique=True)
    kind = models.CharField("loại ngày", max_length=20, choices=DayKind.choices, default=DayKind.HOLIDAY)
    name = models.CharField("tên ngày lễ / ghi chú", max_length=200)

    class Meta:
        verbose_name = "ngày nghỉ, ngày làm bù"
        verbose_name_plural = "lịch ngày nghỉ lễ, Tết"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.name}"

    @property
    def is_day_off(self) -> bool:
        return self.kind in (DayKind.HOLIDAY, DayKind.COMPENSATORY)

"""Report periods: the presets (half-year, year, the organisation's terms, custom) and the periods a report
is compared with (REPORTS.md "Comparisons", DOMAIN.md §6.1).

A report is compared with
- the **previous period** of the same kind: a calendar year with the previous calendar year, a half-year
  with the previous half-year, a run of whole months with the same number of months before it, a term
  with the previous term; any other period with the same number of days just before it;
- the **same period one year earlier** (cùng kỳ năm trước) when the period is shorter than a year (for a
  calendar year it is the previous year itself; a term has none), with the ratio this × 100 / earlier.
A comparison is left out where the earlier data does not exist (the organisation did not exist yet, or
nothing at all was recorded for that period).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from dangvu.common.dates import add_months
from dangvu.organisations.models import Organisation, Term

PRESETS = [
    ("year", "Cả năm"),
    ("half", "6 tháng đầu năm (đến 30/6)"),
    ("term_current", "Nhiệm kỳ hiện tại"),
    ("term_previous", "Nhiệm kỳ trước"),
    ("custom", "Tùy chọn (từ ngày … đến ngày …)"),
]


class PeriodError(ValueError):
    """A preset that cannot be resolved; ``str()`` is the Vietnamese message."""


@dataclass(frozen=True)
class Period:
    start: date
    stop: date
    label: str

    def as_list(self) -> list[str]:
        return [self.start.isoformat(), self.stop.isoformat(), self.label]

    @classmethod
    def from_list(cls, value) -> Period | None:
        if not value:
            return None
        return cls(date.fromisoformat(value[0]), date.fromisoformat(value[1]), value[2])


def terms_of(organisation: Organisation) -> list[Term]:
    """The organisation's terms, newest first."""
    return list(Term.objects.filter(organisation=organisation).order_by("-starts_on"))


def _term_end(term: Term, today: date) -> date:
    return term.ends_on or max(today, term.starts_on)


def preset_period(preset: str, *, organisation: Organisation | None, year: int | None = None,
                  today: date | None = None, terms: list[Term] | None = None) -> tuple[date, date] | None:
    """(from, to) of a preset; ``None`` for "custom". Raises ``PeriodError`` when the organisation has no
    suitable term."""
    today = today or timezone.localdate()
    year = year or today.year
    if preset == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if preset == "half":
        return date(year, 1, 1), date(year, 6, 30)
    if preset in ("term_current", "term_previous"):
        if terms is None:
            terms = terms_of(organisation) if organisation is not None else []
        started = [t for t in terms if t.starts_on <= today]
        index = 0 if preset == "term_current" else 1
        if len(started) <= index:
            raise PeriodError("Tổ chức này chưa có nhiệm kỳ phù hợp; hãy chọn kỳ khác.")
        chosen = started[index]
        return chosen.starts_on, _term_end(chosen, today)
    if preset == "custom":
        return None
    raise PeriodError(f"Không có kỳ báo cáo “{preset}”.")


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02
        return day.replace(year=day.year + years, day=28)


def describe(start: date, stop: date, terms: list[Term] | None = None) -> str:
    """A Vietnamese name for a period: "năm 2024", "6 tháng đầu năm 2025", "nhiệm kỳ 2015 – 2020", or dates."""
    if (start.month, start.day, stop.month, stop.day) == (1, 1, 12, 31) and start.year == stop.year:
        return f"năm {start.year}"
    if start.year == stop.year and (start.month, start.day, stop.month, stop.day) == (1, 1, 6, 30):
        return f"6 tháng đầu năm {start.year}"
    if start.year == stop.year and (start.month, start.day, stop.month, stop.day) == (7, 1, 12, 31):
        return f"6 tháng cuối năm {start.year}"
    for term in terms or []:
        if term.starts_on == start and (term.ends_on == stop or term.ends_on is None):
            return f"nhiệm kỳ {term.label}"
    return f"từ {start:%d/%m/%Y} đến {stop:%d/%m/%Y}"


def _matching_term(start: date, stop: date, terms: list[Term], today: date) -> int | None:
    for i, term in enumerate(terms):
        if term.starts_on == start and (term.ends_on == stop or (term.ends_on is None and stop >= today)):
            return i
    return None


def previous_period(start: date, stop: date, *, terms: list[Term] | None = None,
                    today: date | None = None) -> Period | None:
    """The previous period of the same kind (see the module docstring)."""
    terms = terms or []
    today = today or timezone.localdate()
    index = _matching_term(start, stop, terms, today)
    if index is not None:
        if index + 1 >= len(terms):
            return None
        term = terms[index + 1]
        end = term.ends_on or start - timedelta(days=1)
        return Period(term.starts_on, end, f"nhiệm kỳ {term.label}")
    if start.day == 1 and stop == _month_end(stop):
        months = (stop.year - start.year) * 12 + stop.month - start.month + 1
        earlier_start = add_months(start, -months)
        earlier_stop = start - timedelta(days=1)
        return Period(earlier_start, earlier_stop, describe(earlier_start, earlier_stop))
    length = (stop - start).days + 1
    earlier_stop = start - timedelta(days=1)
    earlier_start = earlier_stop - timedelta(days=length - 1)
    return Period(earlier_start, earlier_stop, describe(earlier_start, earlier_stop))


def year_earlier_period(start: date, stop: date, *, terms: list[Term] | None = None,
                        today: date | None = None) -> Period | None:
    """The same period one year earlier (cùng kỳ năm trước); none for a term or a period longer than a year."""
    today = today or timezone.localdate()
    if terms and _matching_term(start, stop, terms, today) is not None:
        return None
    earlier_start, earlier_stop = _shift_year(start, -1), _shift_year(stop, -1)
    if earlier_stop >= start:  # longer than a year: it would overlap the period itself
        return None
    if start.day == 1 and stop == _month_end(stop):
        earlier_stop = _month_end(earlier_stop)
    return Period(earlier_start, earlier_stop, describe(earlier_start, earlier_stop))


def ratio(now, earlier) -> float | None:
    """this × 100 / earlier, one decimal (as the official forms print it); none when earlier is 0 or absent."""
    if earlier in (None, 0) or now is None:
        return None
    return round(now * 100 / earlier, 1)


Progress = Callable[[int, int, str], None]


def comparison_periods(root: Organisation, date_from: date, date_to: date) -> tuple[Period | None, Period | None]:
    """(the previous period, the same period one year earlier); the second is the first itself for a year."""
    terms = terms_of(root)
    today = timezone.localdate()
    previous = previous_period(date_from, date_to, terms=terms, today=today)
    same = year_earlier_period(date_from, date_to, terms=terms, today=today)
    if same is not None and previous is not None and (same.start, same.stop) == (previous.start, previous.stop):
        same = previous
    return previous, same


def add_comparisons(report, *, method: str | None = None, progress: Callable[[str], None] | None = None) -> None:
    """Compute the figures of the compared periods and set them on ``report`` (``comparison``/``previous``,
    ``year_earlier``/``year_earlier_period`` and their names), leaving out those without data.
    ``progress(label)`` is called before each period is computed."""
    previous, same = comparison_periods(report.root, report.date_from, report.date_to)
    computed: dict[Period, dict | None] = {}
    for period in [p for p in dict.fromkeys([same, previous]) if p is not None]:
        if progress:
            progress(f"Đang tính số liệu {period.label} để so sánh")
        computed[period] = _earlier_figures(report.root, period, report.as_of, report.confidential, method)
    if previous is not None and computed.get(previous) is not None:
        report.comparison = computed[previous]
        report.previous = (previous.start, previous.stop)
        report.previous_label = previous.label
    if same is not None and computed.get(same) is not None:
        report.year_earlier = computed[same]
        report.year_earlier_period = (same.start, same.stop)
        report.year_earlier_label = same.label


def build_report(root: Organisation, date_from: date, date_to: date, as_of: datetime | None = None, *,
                 confidential: bool = True, progress: Progress | None = None):
    """The report with its comparisons and narrative. ``progress(step, steps, label)`` is called before
    each step (the page shows it for reports that take more than a second)."""
    from dangvu.reports.engine import compute
    from dangvu.reports.narrative import narrative

    as_of = as_of or timezone.now()
    previous, same = comparison_periods(root, date_from, date_to)
    steps = 2 + len({p for p in (previous, same) if p is not None})
    step = 1

    def tell(label: str) -> None:
        nonlocal step
        if progress:
            progress(step, steps, label)
        step += 1

    tell("Đang tính số liệu của kỳ báo cáo")
    report = compute(root, date_from, date_to, as_of, confidential=confidential, narrative=False, compare=False)
    add_comparisons(report, progress=tell)
    tell("Đang viết lời văn báo cáo")
    report.text = narrative(report)
    return report


def _earlier_figures(root: Organisation, period: Period, as_of: datetime, confidential: bool,
                     method: str | None = None) -> dict | None:
    from dangvu.reports.engine import compute

    founded = root.founded_on
    if founded is not None and founded > period.stop:
        return None
    earlier = compute(root, period.start, period.stop, as_of, confidential=confidential, narrative=False,
                      compare=False, method=method)
    if not any(value for value in earlier.figures.values()):
        return None  # nothing recorded for that period: no data to compare with
    return earlier.figures

"""The stock statement reads a member's dated values from ``Member``'s current columns when no value of theirs
is valid after the day (``stock.CURRENT_VALUE_COLUMNS``): the same counts and drill-down rows as reading
every value from the dated history, on the hand-built committee (conftest.py) with values changed over time,
voided, recorded on the same day, and flags."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from dangvu.members.models import Member, MemberValue
from dangvu.members.services import member_set_value, member_void_value
from dangvu.reports import stock
from dangvu.reports.engine import compute
from dangvu.reports.scope import LineageScope

pytestmark = pytest.mark.django_db
DAYS = [date(2016, 12, 31), date(2017, 12, 31), date(2018, 4, 30), date(2018, 12, 31), date(2019, 6, 30),
        date(2020, 1, 1), timezone.localdate()]


@pytest.fixture
def histories(committee, system_user):
    """Values changed after the first ones: later occupations, a value voided, two values on one day."""
    a2, a3, m6, r1 = (committee.members[k] for k in ("A2", "A3", "M6", "R1"))
    actor = system_user
    member_set_value(actor=actor, member=a2, attribute="occupation", value="retired", valid_from=date(2019, 3, 1))
    member_set_value(actor=actor, member=a2, attribute="is_youth_union_member", value=True,
                     valid_from=date(2016, 6, 1))
    member_set_value(actor=actor, member=a2, attribute="is_youth_union_member", value=False,
                     valid_from=date(2018, 4, 30))
    member_set_value(actor=actor, member=a3, attribute="general_education", value="upper_secondary",
                     valid_from=date(2017, 4, 1))
    member_set_value(actor=actor, member=a3, attribute="general_education", value="lower_secondary",
                     valid_from=date(2017, 4, 1))  # same day: the later one (by id) is the value
    wrong = member_set_value(actor=actor, member=m6, attribute="political_theory", value="advanced",
                             valid_from=date(2019, 1, 1))
    member_set_value(actor=actor, member=m6, attribute="political_theory", value="elementary",
                     valid_from=date(2016, 9, 1))
    member_void_value(actor=actor, item=wrong, reason="Ghi nhầm trình độ")
    member_set_value(actor=actor, member=r1, attribute="professional", value="bachelor", valid_from=date(2018, 7, 1))
    member_set_value(actor=actor, member=r1, attribute="has_foreign_spouse", value=True, valid_from=date(2019, 8, 1))
    return committee


def _counts(tally):
    return {keys: dict(counter) for keys, counter in tally.counts.items()}, {
        key: {values: tuple(entry) for values, entry in sums.items()} for key, sums in tally.sums.items()}


def test_current_columns_are_the_latest_value_of_the_history(histories):
    for member in Member.objects.all():
        for attribute in stock.CURRENT_COLUMNS:
            latest = (MemberValue.objects.filter(member=member, attribute=attribute, voided_at__isnull=True)
                      .order_by("-valid_from", "-id").values_list("value", flat=True).first())
            column = getattr(member, attribute)
            if isinstance(column, bool):
                column = "1" if column else "0"
            assert column == (latest if latest is not None else ("0" if attribute.startswith(("is_", "has_"))
                                                                  else "unknown")), (member, attribute)


def test_stock_from_current_columns_counts_as_the_dated_history(histories, monkeypatch):
    used = []
    for root in (histories.du, histories.b1, histories.b2, histories.c1):
        scope = LineageScope(root, timezone.now())
        query = stock.StockQuery(scope, timezone.now(), current=True, exclude_changed_after=False)
        for day in DAYS:
            monkeypatch.setattr(stock, "CURRENT_VALUE_COLUMNS", True)
            sql, _params = query.stock_sql(day, stock.RECORD_ATTRIBUTES["closing"])
            used.append("later AS" in sql)
            fast = _counts(query.tally("closing", day)), sorted(query.rows("closing", day))
            fast_match = sorted(query.rows("closing", day, (("occupation", "worker"),)))
            monkeypatch.setattr(stock, "CURRENT_VALUE_COLUMNS", False)
            slow = _counts(query.tally("closing", day)), sorted(query.rows("closing", day))
            slow_match = sorted(query.rows("closing", day, (("occupation", "worker"),)))
            assert fast == slow, (root.code, day)
            assert fast_match == slow_match, (root.code, day)
    assert all(used)


def test_report_from_current_columns_equals_the_report_from_the_dated_history(histories, monkeypatch):
    for root in (histories.du, histories.b1, histories.c2):
        for period in ((date(2018, 1, 1), date(2018, 12, 31)), (date(2019, 1, 1), date(2019, 12, 31)),
                       (date(2017, 1, 1), date(2017, 6, 30))):
            monkeypatch.setattr(stock, "CURRENT_VALUE_COLUMNS", True)
            fast = compute(root, *period, compare=False, narrative=False)
            fast_rows = [(r.key, r.attrs) for r in fast.populations["closing"]]
            monkeypatch.setattr(stock, "CURRENT_VALUE_COLUMNS", False)
            slow = compute(root, *period, compare=False, narrative=False)
            assert fast.figures == slow.figures, (root.code, period)
            assert fast_rows == [(r.key, r.attrs) for r in slow.populations["closing"]]
            full = compute(root, *period, compare=False, narrative=False, method="full-replay")
            assert fast.figures == full.figures, (root.code, period)

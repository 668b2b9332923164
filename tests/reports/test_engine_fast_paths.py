"""The engine's shortcuts past the per-member walk (``engine._admitted_inside``: a member admitted in the period
and inside R from then on) give exactly what the walk gives, on the hand-built committee (conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.reports import engine
from dangvu.reports.engine import compute

pytestmark = pytest.mark.django_db
PERIODS = [(date(2018, 1, 1), date(2018, 12, 31)), (date(2018, 4, 1), date(2018, 6, 30)),
           (date(2016, 1, 1), date(2017, 12, 31)), (date(2018, 5, 10), date(2018, 5, 10))]


def _rows(report, population):
    return [(r.key, r.label, r.day, r.organisation, r.description, r.attrs) for r in report.populations[population]]


def test_admitted_members_inside_from_their_admission_count_as_the_walk_counts_them(committee, monkeypatch):
    original = engine._admitted_inside
    used = []

    def spy(*args):
        found = original(*args)
        used.append(found is not None)
        return found

    for root in (committee.du, committee.b1, committee.b2, committee.c1, committee.c3):
        for period in PERIODS:
            monkeypatch.setattr(engine, "_admitted_inside", spy)
            fast = compute(root, *period, compare=False, narrative=False)
            monkeypatch.setattr(engine, "_admitted_inside", lambda *args: None)
            walked = compute(root, *period, compare=False, narrative=False)
            assert fast.figures == walked.figures, (root.code, period)
            for population in ("admissions", "flows", "recognitions", "admitting"):
                assert _rows(fast, population) == _rows(walked, population), (root.code, period, population)
            assert [c.ok for c in fast.checks] == [c.ok for c in walked.checks]
    # The shortcut was taken (A5 admitted at B2 on 10/05/2018 and still there, among others) and also refused.
    assert any(used) and not all(used)


def test_a_member_admitted_outside_r_is_not_taken_into_r(committee):
    """A5 (Đỗ Văn Tài) was admitted at B2 and stays there: B2 counts her admission, B1 does not."""
    b1 = compute(committee.b1, *PERIODS[0], compare=False, narrative=False)
    b2 = compute(committee.b2, *PERIODS[0], compare=False, narrative=False)
    assert [r.label for r in b1.populations["admissions"]] == ["Hoàng Thị Mai"]
    assert [r.label for r in b2.populations["admissions"]] == ["Đỗ Văn Tài"]

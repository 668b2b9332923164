"""``dangvu benchmark_report``: generated register and oversight history, engine and hand-written SQL timed in the
same run, and the run fails when they disagree (issue 5's performance criterion compares the two)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dangvu.oversight.models import Activity, DisciplineCase
from dangvu.reports import bench as report_bench
from dangvu.reports.figures import REGISTRY
from dangvu.reports.management.commands import benchmark_report

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the hand-written SQL is PostgreSQL's")


def test_keep_without_a_generated_register_refuses_in_vietnamese():
    with pytest.raises(CommandError, match="Chưa có dữ liệu thử tải"):
        call_command("benchmark_report", "--keep", "--runs", "0", stdout=StringIO())


@postgres_only
def test_engine_and_hand_written_sql_agree_on_a_generated_register():
    out = StringIO()
    call_command("benchmark_report", "--members", "600", "--orgs", "60", "--runs", "1", stdout=out)
    text = out.getvalue()
    assert Activity.objects.filter(topic__contains=report_bench.MARK).exists()
    assert DisciplineCase.objects.exists()
    lines = [line for line in text.splitlines() if "hand-written SQL" in line]
    assert len(lines) == 2 and all(" 0 differ" in line for line in lines), text
    for line in lines:
        # Every figure of the engine is computed by the hand-written SQL and compared one by one …
        compared = int(re.search(r"(\d+) figures compared", line).group(1))
        assert compared == len(REGISTRY) and " 0 of the engine's not compared" in line, line
        # … and a good share of them are not zero, so that the comparison does not pass on empty families.
        nonzero = int(re.search(r"\((\d+) non-zero\)", line).group(1))
        assert nonzero >= 75, line
    # Reused, not generated again, with --keep.
    again = StringIO()
    call_command("benchmark_report", "--keep", "--runs", "0", stdout=again)
    assert "Sinh" not in again.getvalue()


@postgres_only
def test_a_disagreement_between_engine_and_sql_fails_the_run(monkeypatch):
    call_command("benchmark_report", "--members", "300", "--orgs", "30", "--runs", "0", stdout=StringIO())
    wrong = dict(benchmark_report.SQL)
    wrong["admissions"] = wrong["admissions"].replace("count(*)", "count(*) + 1", 1)
    monkeypatch.setattr(benchmark_report, "SQL", wrong)
    with pytest.raises(CommandError, match="admissions.total"):
        call_command("benchmark_report", "--keep", "--runs", "1", stdout=StringIO())

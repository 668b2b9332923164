"""One issued report in the demo: the committee's summary report for the previous year, numbered and
frozen through ``dangvu.reports.services.report_issue`` (with the oversight figures, as the Standing
Committee issues it)."""

from __future__ import annotations

from datetime import date

from dangvu.demo import data

PLACE = "TP. Hồ Chí Minh"


def load_report(loader):
    from dangvu.reports.engine import compute
    from dangvu.reports.services import report_issue

    root = loader.orgs[data.ROOT_CODE]
    root.refresh_from_db()
    year = loader.horizon.year - 1
    report = compute(root, date(year, 1, 1), date(year, 12, 31), confidential=True)
    return report_issue(actor=loader.actor, report=report, place=PLACE)

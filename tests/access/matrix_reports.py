"""Report pages (``dangvu.reports.urls``): everyone with a grant may report on organisations in their
scope (404 outside it); oversight and discipline figures and their drill-downs only for inspection
staff, leaders and administrators (404 for the others, as on the oversight pages); issuing needs a
member-writing role (403 for read-only roles)."""

from __future__ import annotations

from tests.access.spec import Case, everyone, roles


def _issued(world, org):
    cached = getattr(world, "_issued_reports", None)
    if cached is None:
        from datetime import date

        from dangvu.reports.engine import compute
        from dangvu.reports.services import report_issue

        cached = {name: report_issue(actor=world.cast.admin, report=compute(
            getattr(world.tree, name), date(2018, 1, 1), date(2018, 12, 31))).pk for name in ("b1", "du")}
        world._issued_reports = cached
    return cached[org]


Q_B1 = "?to_chuc=B1&ky=custom&tu=01/01/2018&den=31/12/2018"
Q_DU = "?to_chuc=DU&ky=custom&tu=01/01/2018&den=31/12/2018"
IN_B1 = roles(200, outsider=404)
IN_DU = roles(200, base_clerk=404, outsider=404)
SECRET_B1 = roles(404, admin=200, inspection_staff=200, leader=200)
ISSUE_B1 = roles(302, inspection_staff=403, leader=403, outsider=404)
ISSUE_DU = roles(302, inspection_staff=403, leader=403, base_clerk=404, outsider=404)


def _issue_data(org):
    return lambda world: {"to_chuc": org.upper(), "ky": "custom", "tu": "01/01/2018",
                          "den": "31/12/2018", "dia_danh": "TP. Hồ Chí Minh"}


CASES = [
    Case("reports:index", everyone(200), label="form"),
    Case("reports:index", IN_B1, query=Q_B1, label="B1"),
    Case("reports:index", IN_DU, query=Q_DU, label="DU"),
    Case("reports:figure", IN_B1, kwargs=lambda w: {"figure_id": "admissions.total"}, query=Q_B1,
         label="B1 admissions.total"),
    Case("reports:figure", IN_DU, kwargs=lambda w: {"figure_id": "members.closing"}, query=Q_DU,
         label="DU members.closing"),
    Case("reports:figure", SECRET_B1, kwargs=lambda w: {"figure_id": "discipline.members.total"},
         query=Q_B1, label="B1 discipline (confidential)"),
    Case("reports:export", IN_B1, kwargs=lambda w: {"fmt": "docx"}, query=Q_B1, label="B1 docx"),
    Case("reports:export", IN_DU, kwargs=lambda w: {"fmt": "xlsx"}, query=Q_DU, label="DU xlsx"),
    Case("reports:issue", ISSUE_B1, method="post", data=_issue_data("b1"), label="B1"),
    Case("reports:issue", ISSUE_DU, method="post", data=_issue_data("du"), label="DU"),
    # A background report's progress belongs to the user who started it (tests/reports/test_progress.py);
    # an unknown one is not found for anyone.
    Case("reports:progress", everyone(404), kwargs=lambda w: {"pk": 999999999}, label="unknown job"),
    Case("reports:issued_list", everyone(200)),
    Case("reports:issued_detail", IN_B1, kwargs=lambda w: {"pk": _issued(w, "b1")}, label="B1"),
    Case("reports:issued_detail", IN_DU, kwargs=lambda w: {"pk": _issued(w, "du")}, label="DU"),
    Case("reports:issued_export", IN_B1, kwargs=lambda w: {"pk": _issued(w, "b1"), "fmt": "docx"}, label="B1"),
    Case("reports:issued_export", IN_DU, kwargs=lambda w: {"pk": _issued(w, "du"), "fmt": "xlsx"}, label="DU"),
]

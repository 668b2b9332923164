"""Period presets and the comparisons of REPORTS.md: the previous period of the same kind, the same period one
year earlier (cùng kỳ) with the ratio this × 100 / earlier, omitted where the earlier data does not exist."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dangvu.organisations.models import Term
from dangvu.reports import documents as exports
from dangvu.reports.periods import build_report, previous_period, ratio, year_earlier_period

Y2018 = (date(2018, 1, 1), date(2018, 12, 31))
H1_2018 = (date(2018, 1, 1), date(2018, 6, 30))


def _terms(organisation=None):
    return [Term(organisation=organisation, label="2020 – 2025", starts_on=date(2020, 10, 1), ends_on=None),
            Term(organisation=organisation, label="2015 – 2020", starts_on=date(2015, 6, 1), ends_on=date(2020, 9, 30))]


def test_a_calendar_year_is_compared_with_the_previous_calendar_year():
    previous = previous_period(date(2025, 1, 1), date(2025, 12, 31), today=date(2025, 11, 27))
    assert (previous.start, previous.stop, previous.label) == (date(2024, 1, 1), date(2024, 12, 31), "năm 2024")
    same = year_earlier_period(date(2025, 1, 1), date(2025, 12, 31), today=date(2025, 11, 27))
    assert (same.start, same.stop) == (date(2024, 1, 1), date(2024, 12, 31))


def test_half_years_previous_half_and_same_half_a_year_earlier():
    previous = previous_period(date(2025, 1, 1), date(2025, 6, 30))
    same = year_earlier_period(date(2025, 1, 1), date(2025, 6, 30))
    assert (previous.start, previous.stop, previous.label) == (date(2024, 7, 1), date(2024, 12, 31),
                                                               "6 tháng cuối năm 2024")
    assert (same.start, same.stop, same.label) == (date(2024, 1, 1), date(2024, 6, 30), "6 tháng đầu năm 2024")
    second = previous_period(date(2025, 7, 1), date(2025, 12, 31))
    assert (second.start, second.stop, second.label) == (date(2025, 1, 1), date(2025, 6, 30), "6 tháng đầu năm 2025")


def test_months_quarters_and_other_periods():
    quarter = previous_period(date(2025, 4, 1), date(2025, 6, 30))
    assert (quarter.start, quarter.stop) == (date(2025, 1, 1), date(2025, 3, 31))
    february = year_earlier_period(date(2024, 2, 1), date(2024, 2, 29))
    assert (february.start, february.stop) == (date(2023, 2, 1), date(2023, 2, 28))
    days = previous_period(date(2025, 3, 10), date(2025, 3, 19))
    assert (days.start, days.stop) == (date(2025, 2, 28), date(2025, 3, 9))
    # Longer than a year: no "same period a year earlier" (it would overlap the period itself).
    assert year_earlier_period(date(2015, 7, 1), date(2019, 6, 30)) is None


def test_a_term_is_compared_with_the_previous_term_only():
    terms = _terms()
    previous = previous_period(date(2020, 10, 1), date(2025, 11, 27), terms=terms, today=date(2025, 11, 27))
    assert (previous.start, previous.stop, previous.label) == (date(2015, 6, 1), date(2020, 9, 30),
                                                               "nhiệm kỳ 2015 – 2020")
    assert year_earlier_period(date(2020, 10, 1), date(2025, 11, 27), terms=terms, today=date(2025, 11, 27)) is None
    assert previous_period(date(2015, 6, 1), date(2020, 9, 30), terms=terms) is None  # the first term


def test_ratio_is_this_times_100_over_earlier():
    assert ratio(3, 2) == 150.0 and ratio(1, 3) == 33.3 and ratio(5, 0) is None and ratio(5, None) is None


@pytest.mark.django_db
def test_year_report_narrative_compares_with_the_previous_calendar_year(committee):
    report = build_report(committee.du, *Y2018)
    assert report.previous == (date(2017, 1, 1), date(2017, 12, 31))
    assert report.year_earlier_period == report.previous
    # 2017: A3 admitted; closing 4 (A1 A2 A3 M6). 2018: 2 admitted, closing 6.
    assert "phát triển được 2 đảng viên mới (so với năm 2017: 1, tăng 1, bằng 200%)" in report.text
    assert "cuối kỳ có 6 đảng viên (so với năm 2017: 4, tăng 2, bằng 150%)" in report.text
    assert "02/01/2017" not in report.text
    assert "khiển trách 1 (so với năm 2017: 0, tăng 1)" in report.text


@pytest.mark.django_db
def test_half_year_report_compares_with_the_same_half_a_year_earlier_and_the_previous_half(committee):
    report = build_report(committee.du, *H1_2018)
    # H1 2018: A4 and A5 admitted; H1 2017: A3; H2 2017: none.
    assert ("phát triển được 2 đảng viên mới (so với 6 tháng đầu năm 2017: 1, tăng 1, bằng 200%; "
            "so với 6 tháng cuối năm 2017: 0, tăng 2)") in report.text
    assert report.year_earlier["admissions.total"] == 1 and report.comparison["admissions.total"] == 0


@pytest.mark.django_db
def test_term_report_compares_with_the_previous_term(committee, system_user):
    from dangvu.organisations.services import term_create

    term_create(actor=system_user, organisation=committee.du, label="2015 – 2020", starts_on=date(2015, 6, 1),
                ends_on=date(2020, 9, 30))
    term_create(actor=system_user, organisation=committee.du, label="2020 – 2025", starts_on=date(2020, 10, 1),
                ends_on=date(2025, 9, 30))
    report = build_report(committee.du, date(2020, 10, 1), date(2025, 9, 30))
    assert report.previous_label == "nhiệm kỳ 2015 – 2020" and report.year_earlier is None
    assert "cuối kỳ có 6 đảng viên (so với nhiệm kỳ 2015 – 2020: 6, bằng 100%)" in report.text
    earlier = build_report(committee.du, date(2015, 6, 1), date(2020, 9, 30))
    assert earlier.comparison is None and "cuối kỳ có 6 đảng viên. " in earlier.text  # the first term


@pytest.mark.django_db
def test_comparison_left_out_where_the_earlier_data_does_not_exist(committee):
    report = build_report(committee.du, date(2015, 1, 1), date(2015, 12, 31))  # DU founded 01/01/2015
    assert report.comparison is None and report.year_earlier is None and "năm 2014" not in report.text
    report = build_report(committee.du, date(2016, 1, 1), date(2016, 12, 31))
    # 2015 existed but nothing was recorded except the organisations: compared all the same.
    assert report.year_earlier is not None
    assert "phát triển được 3 đảng viên mới (so với năm 2015: 0, tăng 3)" in report.text


@pytest.mark.django_db
def test_page_word_and_excel_show_the_comparison_columns_with_ratios(client, committee, cast):
    from docx import Document
    from openpyxl import load_workbook

    client.force_login(cast.committee_staff)
    page = client.get(reverse("reports:index") + "?to_chuc=DU&ky=half&nam=2018").content.decode()
    assert "6 tháng đầu năm 2017</th>" in page and "6 tháng cuối năm 2017</th>" in page
    assert "Tỷ lệ (%)" in page and "<td class=\"num\">200</td>" in page
    report = build_report(committee.du, *H1_2018, confidential=False)
    cells = [[c.text for c in row.cells] for t in Document(io.BytesIO(exports.to_docx(report))).tables
             for row in t.rows]
    assert ["Kết nạp đảng viên mới", "2", "1", "200%", "0", ""] in cells
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(report)))["Phát triển đảng viên"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["Mã chỉ số"][3:] == ("6 tháng đầu năm 2017", "Tỷ lệ (%)", "6 tháng cuối năm 2017", "Tỷ lệ (%)")
    assert rows["admissions.total"][2:] == (2, 1, 200.0, 0, None)


# Presets: form and command line -----------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), [
    ("ky=year&nam=2018", "từ ngày 01/01/2018 đến ngày 31/12/2018"),
    ("ky=half&nam=2018", "từ ngày 01/01/2018 đến ngày 30/06/2018"),
    ("ky=term_current", "từ ngày 01/10/2020 đến ngày 30/09/2025"),
    ("ky=term_previous", "từ ngày 01/06/2015 đến ngày 30/09/2020"),
    ("ky=custom&tu=15/03/2018&den=20/04/2018", "từ ngày 15/03/2018 đến ngày 20/04/2018"),
])
def test_every_preset_in_the_form(client, committee, cast, system_user, query, expected):
    from dangvu.organisations.services import term_create

    term_create(actor=system_user, organisation=committee.du, label="2015 – 2020", starts_on=date(2015, 6, 1),
                ends_on=date(2020, 9, 30))
    term_create(actor=system_user, organisation=committee.du, label="2020 – 2025", starts_on=date(2020, 10, 1),
                ends_on=date(2025, 9, 30))
    client.force_login(cast.committee_staff)
    page = client.get(reverse("reports:index") + "?to_chuc=DU&" + query).content.decode()
    assert expected in page


@pytest.mark.django_db
def test_presets_refused_in_vietnamese(client, committee, cast):
    client.force_login(cast.committee_staff)
    page = client.get(reverse("reports:index") + "?to_chuc=DU&ky=term_previous").content.decode()
    assert "Tổ chức này chưa có nhiệm kỳ phù hợp" in page
    page = client.get(reverse("reports:index") + "?to_chuc=DU&ky=custom&tu=01/01/2018").content.decode()
    assert "Hãy nhập cả từ ngày và đến ngày" in page


@pytest.mark.django_db
def test_preset_of_an_organisation_outside_the_scope_is_not_found(client, committee, cast):
    client.force_login(cast.outsider)  # a clerk of B2 only
    assert client.get(reverse("reports:index") + "?to_chuc=DU&ky=year&nam=2018").status_code == 404


def _cli(*args) -> dict:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_every_preset_in_the_command_line(committee, system_user):
    from dangvu.organisations.services import term_create

    assert _cli("--org", "DU", "--period", "year", "--year", "2018")["period"] == {"from": "2018-01-01",
                                                                                 "to": "2018-12-31"}
    data = _cli("--org", "DU", "--period", "half", "--year", "2018")
    assert data["period"] == {"from": "2018-01-01", "to": "2018-06-30"}
    assert "so với 6 tháng đầu năm 2017: 1, tăng 1, bằng 200%" in data["text"]
    with pytest.raises(CommandError, match="chưa có nhiệm kỳ phù hợp"):
        _cli("--org", "DU", "--period", "term_current")
    term_create(actor=system_user, organisation=committee.du, label="2015 – 2020", starts_on=date(2015, 6, 1),
                ends_on=date(2020, 9, 30))
    term_create(actor=system_user, organisation=committee.du, label="2020 – 2025", starts_on=date(2020, 10, 1),
                ends_on=date(2025, 9, 30))
    assert _cli("--org", "DU", "--period", "term_current")["period"] == {"from": "2020-10-01", "to": "2025-09-30"}
    data = _cli("--org", "DU", "--period", "term_previous")
    assert data["period"] == {"from": "2015-06-01", "to": "2020-09-30"}
    with pytest.raises(CommandError, match="không dùng cả hai"):
        _cli("--org", "DU", "--period", "year", "--from", "2018-01-01", "--to", "2018-12-31")
    with pytest.raises(CommandError, match="Hãy cho kỳ báo cáo"):
        _cli("--org", "DU", "--from", "2018-01-01")


@pytest.mark.django_db
def test_engine_compare_uses_the_same_rule(committee):
    """compute(compare=True), used by the demo loader and the access tests, compares a calendar year with the
    previous calendar year (not 365 days back) and the first half with both halves of the year before."""
    from dangvu.reports.engine import compute

    report = compute(committee.du, date(2018, 1, 1), date(2018, 12, 31))
    assert report.previous == (date(2017, 1, 1), date(2017, 12, 31)) and report.previous_label == "năm 2017"
    assert "phát triển được 2 đảng viên mới (so với năm 2017: 1, tăng 1, bằng 200%)" in report.text
    report = compute(committee.du, *H1_2018)
    assert report.previous == (date(2017, 7, 1), date(2017, 12, 31))
    assert report.year_earlier_period == (date(2017, 1, 1), date(2017, 6, 30))


def test_report_form_shows_this_year_until_the_clerk_changes_it():
    """An unbound form shows the current year (Hồ Chí Minh City's date) in the year field."""
    import time_machine

    from dangvu.organisations.models import Organisation
    from dangvu.reports.forms import ReportForm

    # 16:30 UTC on 31/12/2026 is 23:30 that day in Hồ Chí Minh City; 17:30 UTC is already 00:30 on 01/01/2027.
    with time_machine.travel(datetime(2026, 12, 31, 16, 30, tzinfo=UTC), tick=False):
        assert ReportForm(organisations=Organisation.objects.none()).fields["nam"].initial == 2026
    with time_machine.travel(datetime(2026, 12, 31, 17, 30, tzinfo=UTC), tick=False):
        assert ReportForm(organisations=Organisation.objects.none()).fields["nam"].initial == 2027

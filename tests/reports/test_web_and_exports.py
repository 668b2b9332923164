"""The report page, drill-downs, exports read back, and issued reports."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import UTC, date

import pytest
from django.urls import reverse

from dangvu.audit.models import AuditEntry
from dangvu.members.models import EventKind
from dangvu.members.services import member_record_event
from dangvu.organisations.services import Decision
from dangvu.reports import documents as exports
from dangvu.reports.engine import compute
from dangvu.reports.models import IssuedReport
from dangvu.reports.services import report_issue

pytestmark = pytest.mark.django_db
QUERY = "?to_chuc=DU&ky=custom&tu=01/01/2018&den=31/12/2018"
Y2018 = (date(2018, 1, 1), date(2018, 12, 31))


def test_report_page_shows_figures_narrative_checks_and_drill_links(client, committee, cast):
    client.force_login(cast.leader)
    before = AuditEntry.objects.count()
    page = client.get(reverse("reports:index") + QUERY).content.decode()
    assert "Toàn Đảng bộ phát triển được 2 đảng viên mới" in page
    assert "Cân đối số đảng viên" in page and "Đạt" in page
    assert reverse("reports:figure", args=["admissions.total"]) in page
    assert "<svg" in page  # charts
    assert "01/01/2018" in page
    assert AuditEntry.objects.count() == before + 1  # reading a report writes an audit row


def test_year_preset_and_bad_period_messages(client, committee, cast):
    client.force_login(cast.committee_staff)
    page = client.get(reverse("reports:index") + "?to_chuc=DU&ky=year&nam=2018").content.decode()
    assert "từ ngày 01/01/2018 đến ngày 31/12/2018" in page
    page = client.get(reverse("reports:index") + "?to_chuc=DU&ky=half&nam=2018").content.decode()
    assert "đến ngày 30/06/2018" in page
    page = client.get(reverse("reports:index") + "?to_chuc=DU&ky=custom&tu=31/12/2018&den=01/01/2018").content.decode()
    assert "Từ ngày 31/12/2018 sau đến ngày 01/01/2018" in page
    page = client.get(reverse("reports:index") + "?to_chuc=DU&ky=term_current").content.decode()
    assert "chưa có nhiệm kỳ" in page


def test_term_presets(client, committee, cast, system_user):
    from dangvu.organisations.services import term_create

    term_create(actor=system_user, organisation=committee.du, label="2015 – 2020", starts_on=date(2015, 6, 1),
                ends_on=date(2020, 9, 30))
    term_create(actor=system_user, organisation=committee.du, label="2020 – 2025", starts_on=date(2020, 10, 1),
                ends_on=None)
    client.force_login(cast.admin)
    page = client.get(reverse("reports:index") + "?to_chuc=DU&ky=term_previous").content.decode()
    assert "từ ngày 01/06/2015 đến ngày 30/09/2020" in page


def test_drill_down_lists_the_counted_records_and_exports_them(client, committee, cast):
    client.force_login(cast.committee_staff)
    page = client.get(reverse("reports:figure", args=["members.transferred_in"]) + QUERY.replace("DU", "B1"))
    text = page.content.decode()
    assert "Lê Văn Sơn" in text and "Vũ Văn Nam" in text and "Phạm Văn Đức" not in text
    response = client.get(reverse("reports:figure", args=["members.closing"]) + QUERY + "&xuat=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row - 1 == 6
    assert AuditEntry.objects.filter(action="export").exists()


def test_drill_down_hides_names_outside_the_viewers_scope(client, committee, cast):
    # A3 left B2 for C2 (in B1): B2's clerk sees the row of the transfer, without the name.
    client.force_login(cast.outsider)
    text = client.get(reverse("reports:figure", args=["members.transferred_out"]) + QUERY.replace("DU", "B2")
                      ).content.decode()
    assert "Lê Văn Sơn" not in text and "ngoài phạm vi được xem" in text


def test_confidential_figures_only_for_oversight_readers(client, committee, cast):
    client.force_login(cast.committee_staff)
    page = client.get(reverse("reports:index") + QUERY).content.decode()
    assert "discipline.members.total" not in page and "khiển trách" not in page
    client.force_login(cast.inspection_staff)
    page = client.get(reverse("reports:index") + QUERY).content.decode()
    assert "discipline.members.total" in page


def test_word_file_party_format_and_figures(committee):
    from docx import Document

    report = compute(committee.du, *Y2018)
    document = Document(io.BytesIO(exports.to_docx(report, number_text="Số 12-BC/ĐU")))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in cells and "Số 12-BC/ĐU" in cells and "ĐẢNG BỘ KHU CÔNG NGHIỆP DEMO" in cells
    assert "BÁO CÁO" in text and "Toàn Đảng bộ phát triển được 2 đảng viên mới" in text
    assert "T/M BAN THƯỜNG VỤ" in cells and "Nơi nhận:" in cells
    assert "Kết nạp đảng viên mới\n2" in cells
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 14


def test_excel_file_sheets_and_typed_cells(committee):
    from openpyxl import load_workbook

    report = compute(committee.b1, *Y2018)
    book = load_workbook(io.BytesIO(exports.to_xlsx(report)))
    assert {"Tổng hợp", "Đảng viên", "Phát triển đảng viên", "DS cuối kỳ", "DS tăng giảm"} <= set(book.sheetnames)
    rows = {row[0]: row[2] for row in book["Phát triển đảng viên"].iter_rows(min_row=2, values_only=True)}
    assert rows["admissions.total"] == 1 and isinstance(rows["admissions.total"], int)
    assert book["Tổng hợp"].cell(row=3, column=2).value.date() == date(2018, 1, 1)
    closing = list(book["DS cuối kỳ"].iter_rows(min_row=2, values_only=True))
    assert len(closing) == 5 and closing[0][2].year == 2018


needs_pdf = pytest.mark.skipif(
    not (exports.libreoffice() and shutil.which("pdftotext")) and os.environ.get("CI") != "true",
    reason="LibreOffice or pdftotext (poppler-utils) missing")


@needs_pdf
def test_pdf_from_libreoffice_keeps_vietnamese_diacritics(committee):
    pdf = exports.docx_to_pdf(exports.to_docx(compute(committee.du, *Y2018)))
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Toàn Đảng bộ phát triển được 2 đảng viên mới" in " ".join(text.split())
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text


def test_issued_report_is_numbered_frozen_and_reopens_identical(client, committee, cast, system_user):
    report = compute(committee.du, *Y2018)
    first = report_issue(actor=system_user, report=report)
    second = report_issue(actor=system_user, report=report)
    assert (first.number, second.number) == ("Số 01-BC/ĐU", "Số 02-BC/ĐU")
    with pytest.raises(ValueError):
        first.save()
    # A later correction: A5 died on 01/12/2018, recorded after issuing.
    member_record_event(actor=system_user, member=committee.members["A5"], kind=EventKind.DEATH,
                        effective_date=date(2018, 12, 1), decision=Decision("x", date(2018, 12, 1), "BTV"))
    frozen = IssuedReport.objects.get(pk=first.pk)
    assert frozen.figures == report.figures and frozen.text == report.text
    again = compute(committee.du, *Y2018, as_of=frozen.as_of)
    assert again.figures == frozen.figures  # regenerated identically as of the issued instant
    client.force_login(cast.admin)
    page = client.get(reverse("reports:issued_detail", args=[first.pk]) + "?so_sanh=1").content.decode()
    assert "Số 01-BC/ĐU" in page and "members.died" in page and "Thêm: Đỗ Văn Tài" in page
    assert "Toàn Đảng bộ phát triển được 2 đảng viên mới" in page
    response = client.get(reverse("reports:issued_export", args=[first.pk, "docx"]))
    from docx import Document

    cells = "\n".join(c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells)
    assert "Số 01-BC/ĐU" in cells


def test_issue_through_the_page(client, committee, cast):
    client.force_login(cast.committee_staff)
    response = client.post(reverse("reports:issue"), {"to_chuc": "B1", "ky": "custom", "tu": "01/01/2018",
                                                      "den": "31/12/2018", "dia_danh": "TP. Hồ Chí Minh"})
    issued = IssuedReport.objects.get()
    assert response.status_code == 302 and issued.organisation == committee.b1 and not issued.confidential
    assert issued.figures["members.closing"] == 5


def test_drill_down_links_carry_the_exact_as_of_instant(tree):
    """A figure and its drill-down must count the same records: the link keeps the as-of instant to the
    microsecond, so records entered earlier in the same second are not lost."""
    from datetime import datetime

    from dangvu.organisations.models import Organisation
    from dangvu.reports.forms import ReportForm

    instant = datetime(2026, 3, 2, 8, 15, 30, 654321, tzinfo=UTC)
    organisations = Organisation.objects.all()
    form = ReportForm({"to_chuc": "DU", "ky": "custom", "tu": "01/01/2025", "den": "31/12/2025",
                       "thoi_diem": "02/03/2026 15:15:30.654321"}, organisations=organisations)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["thoi_diem"] == instant
    again = ReportForm(dict(__import__("urllib.parse").parse.parse_qsl(form.query())), organisations=organisations)
    assert again.is_valid() and again.cleaned_data["thoi_diem"] == instant

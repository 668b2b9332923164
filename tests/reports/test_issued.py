"""Issued reports reopen exactly as issued (figures, comparisons, text) after later corrections, and list the
figures that differ when recomputed today with the records that changed (issue 5, DOMAIN.md §6.3)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from dangvu.members.models import EventKind
from dangvu.members.services import member_record_event
from dangvu.organisations.services import Decision
from dangvu.reports.models import IssuedReport
from dangvu.reports.narrative import OVERSIGHT_HEADING
from dangvu.reports.periods import build_report
from dangvu.reports.services import report_issue

pytestmark = pytest.mark.django_db
H1_2018 = (date(2018, 1, 1), date(2018, 6, 30))


def _docx_text(content: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_issued_report_keeps_its_comparisons_and_text_after_a_correction(client, committee, cast, system_user):
    report = build_report(committee.du, *H1_2018)
    issued = report_issue(actor=system_user, report=report)
    assert issued.comparison_periods == {"previous": ["2017-07-01", "2017-12-31", "6 tháng cuối năm 2017"],
                                         "year_earlier": ["2017-01-01", "2017-06-30", "6 tháng đầu năm 2017"]}
    # A later correction: A5 (admitted 10/05/2018) died 01/06/2018, recorded after issuing.
    member_record_event(actor=system_user, member=committee.members["A5"], kind=EventKind.DEATH,
                        effective_date=date(2018, 6, 1), decision=Decision("x", date(2018, 6, 1), "BTV"))
    client.force_login(cast.inspection_staff)
    page = client.get(reverse("reports:issued_detail", args=[issued.pk]) + "?so_sanh=1").content.decode()
    frozen = IssuedReport.objects.get(pk=issued.pk)
    assert frozen.figures == report.figures and frozen.year_earlier == report.year_earlier
    for block in frozen.text.split("\n\n"):
        heading, _, body = block.partition("\n")
        assert f"<h3>{heading}</h3><p>{body}</p>" in page  # the text exactly as issued
    assert "so với 6 tháng đầu năm 2017: 1, tăng 1, bằng 200%" in page
    assert "6 tháng đầu năm 2017</th>" in page and "6 tháng cuối năm 2017</th>" in page
    # The recomputation lists the changed figure with the record that changed.
    assert "members.died" in page and "Thêm: Đỗ Văn Tài" in page
    assert "Mọi số liệu tính lại hôm nay đều trùng" not in page
    word = _docx_text(client.get(reverse("reports:issued_export", args=[issued.pk, "docx"])).content)
    for block in frozen.text.split("\n\n"):
        assert block.partition("\n")[2] in word
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(reverse("reports:issued_export", args=[issued.pk, "xlsx"])).content))
    form = {row[0]: row for row in book["Biểu 2 - ĐV mới kết nạp"].iter_rows(min_row=5, values_only=True) if row[0]}
    assert form["1"][2:5] == (2, 1, 200.0)  # as issued (A5's death recorded later changes nothing here)


def test_issued_report_without_oversight_for_readers_who_may_not_see_it(client, committee, cast, system_user):
    report = build_report(committee.du, *H1_2018)
    assert OVERSIGHT_HEADING in report.text
    issued = report_issue(actor=system_user, report=report)
    client.force_login(cast.committee_staff)  # not an oversight reader
    page = client.get(reverse("reports:issued_detail", args=[issued.pk])).content.decode()
    assert OVERSIGHT_HEADING not in page and "khiển trách" not in page
    assert "Toàn Đảng bộ phát triển được 2 đảng viên mới (so với 6 tháng đầu năm 2017: 1" in page
    client.force_login(cast.outsider)  # a clerk of B2: DU's report is not found
    assert client.get(reverse("reports:issued_detail", args=[issued.pk])).status_code == 404


def test_unchanged_issued_report_says_so(client, committee, cast, system_user):
    issued = report_issue(actor=system_user, report=build_report(committee.b1, *H1_2018))
    client.force_login(cast.committee_staff)
    page = client.get(reverse("reports:issued_detail", args=[issued.pk]) + "?so_sanh=1").content.decode()
    assert "Mọi số liệu tính lại hôm nay đều trùng với báo cáo đã ban hành." in page

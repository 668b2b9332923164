"""Import of discipline decisions (kind ``decisions``): natural key decision number + date; each row through
``case_open`` + ``case_decide`` so the vote (DIS-04), authority (AUTH-01) and limitation rules apply; an
expulsion lands in the member's ledger; export round trip; only oversight writers."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangvu.imports import services
from dangvu.imports.engine import issue_text
from dangvu.members.models import LedgerEvent, MemberStatus
from dangvu.oversight.models import DisciplineCase
from tests.imports.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["STT", "Số quyết định", "Ngày quyết định", "Số CCCD", "Họ và tên", "Hình thức kỷ luật", "Nội dung vi phạm",
           "Ngày vi phạm", "Mã tổ chức quyết định", "Cơ quan quyết định", "Số phiếu tán thành", "Tổng số thành viên"]


@pytest.fixture
def offenders(tree, admit, system_user):
    """Two members of C1 admitted on 01/03/2016; Bình recognised as official on 01/03/2017."""
    from dangvu.members.services import member_record_event
    from dangvu.organisations.services import Decision

    an = admit(tree.c1, name="Nguyễn Văn An", citizen_id="079090000001")
    binh = admit(tree.c1, name="Trần Văn Bình", citizen_id="079090000002")
    member_record_event(actor=system_user, member=binh, kind="recognition", effective_date=date(2017, 3, 1),
                        decision=Decision("3-QĐ/ĐU", date(2017, 3, 1), "BTV"))
    binh.refresh_from_db()
    return an, binh


def _rows():
    return [
        [1, "05-QĐ/ĐU", "10/03/2024", "079090000001", "Nguyễn Văn An", "Khiển trách", "Đạo đức, lối sống",
         "01/12/2023", "B1", "Ban Chấp hành (cấp ủy)", 6, 7],
    ]


def test_decisions_commit_reimport_round_trip(client, tree, cast, offenders, run_import):
    batch, report = run_import(xlsx_bytes(_rows(), HEADERS), kind="decisions", user=cast.inspection_staff, commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    case = DisciplineCase.objects.get()
    assert (case.member, case.decided_form, case.decision_number, case.decision_date, case.status) == (
        offenders[0], "reprimand", "05-QĐ/ĐU", date(2024, 3, 10), "decided")
    assert case.deciding_organisation == tree.b1 and case.votes == {"reprimand": 6}
    assert batch.rows.filter(content_type__model="disciplinecase").count() == 1
    again = run_import(xlsx_bytes(_rows(), HEADERS), kind="decisions", user=cast.inspection_staff)[1]
    assert again.counts()["unchanged"] == 1
    client.force_login(cast.admin)
    for fmt in ("xlsx", "csv"):
        content = client.get(reverse("imports:export", args=["quyet-dinh-ky-luat"]), {"format": fmt}).content
        batch2, report2 = run_import(content, kind="decisions", user=cast.admin, commit=True, name=f"qd.{fmt}")
        assert report2.ok, [issue_text(i) for i in report2.issues]
        assert report2.counts() | {} == {**report2.counts(), "unchanged": 1, "new": 0}
    assert DisciplineCase.objects.count() == 1
    # A decision cannot be undone by rolling back its batch: the blocker says where it is annulled.
    blockers = services.rollback_blockers(batch)
    assert blockers and "khiếu nại" in blockers[0]


def test_expulsion_goes_into_the_ledger(tree, cast, offenders, run_import):
    """DIS-05: an expulsion decided by the base committee needs the cell's 2/3 proposal; with it the member's
    ledger gets the expulsion event."""
    rows = [[1, "07-QĐ/ĐU", "15/03/2024", "079090000002", "Trần Văn Bình", "Khai trừ", "Đạo đức, lối sống",
             "01/12/2023", "DU", "Ban Thường vụ", 6, 7]]
    headers = [*HEADERS, "Số phiếu chi bộ đề nghị khai trừ", "Số đảng viên chính thức của chi bộ"]
    refused = run_import(xlsx_bytes([[*rows[0], 1, 9]], headers), kind="decisions", user=cast.inspection_staff,
                         commit=True)[1]
    assert [i.rule_id for i in refused.issues] == ["DIS-05"], [issue_text(i) for i in refused.issues]
    assert refused.issues[0].column == "Số phiếu chi bộ đề nghị khai trừ"
    assert refused.issues[0].value == "1"
    batch, report = run_import(xlsx_bytes([[*rows[0], 7, 9]], headers), kind="decisions",
                               user=cast.inspection_staff, commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    offenders[1].refresh_from_db()
    assert offenders[1].status == MemberStatus.EXPELLED
    assert LedgerEvent.objects.get(member=offenders[1], kind="expulsion").decision_number == "07-QĐ/ĐU"


def test_decisions_preview_errors_and_rule_refusals(tree, cast, offenders, run_import):
    rows = [
        [1, "08-QĐ", "10/03/2024", "079090000001", "Nguyễn Văn An", "Khiển trách", "Đạo đức, lối sống",
         "01/12/2023", "B1", "Ban Chấp hành (cấp ủy)", 2, 7],  # DIS-04: no majority
        [2, "09-QĐ", "10/03/2024", "079090000002", "Trần Văn Bình", "Cảnh cáo", "Đạo đức, lối sống",
         "01/12/2023", "C1", "Chi bộ (tập thể chi bộ)", 5, 5],
        [3, "09-QĐ", "10/03/2024", "079090000002", "Trần Văn Bình", "Cảnh cáo", "Đạo đức, lối sống",
         "01/12/2023", "C1", "Chi bộ (tập thể chi bộ)", 5, 5],  # duplicate key
        [4, "10-QĐ", "10/03/2024", "079099999999", "Không Có", "Cảnh cáo", "Khác lạ", "01/12/2023", "C1",
         "Chi bộ (tập thể chi bộ)", 5, 5],  # unknown member, content outside its list
        [5, "11-QĐ", "10/03/2024", "079090000001", "Nguyễn Văn An", "Cảnh cáo", "Đạo đức, lối sống",
         "01/05/2024", "C1", "Chi bộ (tập thể chi bộ)", 5, 5],  # violation after the decision
    ]
    report = run_import(xlsx_bytes(rows, HEADERS), kind="decisions", user=cast.inspection_staff, commit=True)[1]
    texts = [issue_text(i) for i in report.issues]
    assert any(t.startswith("Dòng 4,") and "Trùng với dòng 3" in t for t in texts), texts
    assert any(t.startswith("Dòng 5,") and "danh mục" in t for t in texts), texts
    assert any(t.startswith("Dòng 6,") and "[KTGS-06]" in t for t in texts), texts
    assert not DisciplineCase.objects.exists()
    # Phase 2 refusals (the first file had preview errors, so only the rule check is left here).
    report = run_import(xlsx_bytes(rows[:2], HEADERS), kind="decisions", user=cast.inspection_staff, commit=True)[1]
    assert [(i.row, i.rule_id) for i in report.issues] == [(2, "DIS-04")], [issue_text(i) for i in report.issues]
    assert not DisciplineCase.objects.exists()


def test_only_oversight_writers_import_decisions(client, tree, cast, offenders, run_import):
    assert services.may_import(cast.inspection_staff, "decisions") and services.may_import(cast.admin, "decisions")
    assert not services.may_import(cast.committee_staff, "decisions")
    assert not services.may_import(cast.leader, "decisions") and not services.may_import(cast.inspection_staff,
                                                                                           "members")
    client.force_login(cast.committee_staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("imports:upload"), {
        "kind": "decisions", "file": SimpleUploadedFile("qd.xlsx", xlsx_bytes(_rows(), HEADERS))})
    assert response.status_code == 200 and "không có quyền" in response.content.decode()
    client.force_login(cast.inspection_staff)
    assert client.get(reverse("imports:template", args=["quyet-dinh-ky-luat"])).status_code == 200


def test_form_02_refusal_shows_the_form_as_written(tree, cast, offenders, run_import):
    """FORM-02: a probationary member cannot be expelled; the issue names the column and the form as the file
    has it (“Khai trừ”), not the internal code."""
    headers = [*HEADERS, "Số phiếu chi bộ đề nghị khai trừ", "Số đảng viên chính thức của chi bộ"]
    rows = [[1, "08-QĐ/ĐU", "15/03/2024", "079090000001", "Nguyễn Văn An", "Khai trừ", "Đạo đức, lối sống",
             "01/12/2023", "DU", "Ban Thường vụ", 6, 7, 7, 9]]
    report = run_import(xlsx_bytes(rows, headers), kind="decisions", user=cast.inspection_staff, commit=True)[1]
    assert [(i.rule_id, i.column, i.value) for i in report.issues] == [("FORM-02", "Hình thức kỷ luật", "Khai trừ")]
    assert not DisciplineCase.objects.exists()

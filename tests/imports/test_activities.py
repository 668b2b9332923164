"""Import of inspections and supervisions with their subjects (kind ``activities``): one row per subject, the
rows of one activity share its decision number + date (natural key); KTGS rules through ``activity_create``;
conclusions through ``subject_conclude``; re-import and export round trip change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangvu.imports import services
from dangvu.imports.engine import issue_text
from dangvu.oversight.models import Activity, ActivitySubject
from tests.imports.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["STT", "Số quyết định", "Ngày quyết định", "Mã tổ chức thực hiện", "Cơ quan thực hiện", "Loại",
           "Nội dung, chủ đề", "Mã tổ chức là đối tượng", "Số CCCD", "Kết luận", "Ngày kết luận"]
TOPIC = "Giám sát việc thực hiện Nghị quyết đại hội"


@pytest.fixture
def subject_member(tree, admit):
    return admit(tree.c1, name="Nguyễn Văn An", citizen_id="079090000001")


def _rows():
    return [
        [1, "12-QĐ/UBKT", "10/03/2024", "DU", "Ủy ban Kiểm tra", "Giám sát chuyên đề", TOPIC, "B1", "", "", ""],
        [2, "12-QĐ/UBKT", "10/03/2024", "DU", "inspection_committee", "supervision_thematic", TOPIC, "", "079090000001",
         "Không vi phạm", "20/04/2024"],
        [3, "13-QĐ/UBKT", "12/03/2024", "DU", "Ủy ban Kiểm tra", "Kiểm tra tài chính đảng", "Tài chính 2023", "B2", "",
         "", ""],
    ]


def test_activities_commit_reimport_conclude_and_round_trip(client, tree, cast, subject_member, run_import):
    batch, report = run_import(xlsx_bytes(_rows(), HEADERS), kind="activities", user=cast.inspection_staff,
                               commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    assert Activity.objects.count() == 2
    supervision = Activity.objects.get(decision_number="12-QĐ/UBKT")
    subjects = {(s.organisation_id, s.member_id): s for s in supervision.subjects.all()}
    assert set(subjects) == {(tree.b1.pk, None), (None, subject_member.pk)}
    assert subjects[(None, subject_member.pk)].conclusion == "no_violation"
    assert subjects[(tree.b1.pk, None)].conclusion == ""
    assert batch.rows.filter(content_type__model="activitysubject").count() == 3
    # Re-import: unchanged; a conclusion added to a pending subject is an update.
    assert run_import(xlsx_bytes(_rows(), HEADERS), kind="activities",
                      user=cast.inspection_staff)[1].counts()["unchanged"] == 3
    rows = _rows()
    rows[0][9:11] = ["Có khuyết điểm", "25/04/2024"]
    report = run_import(xlsx_bytes(rows, HEADERS), kind="activities", user=cast.inspection_staff, commit=True)[1]
    assert report.counts()["update"] == 1 and report.ok
    assert ActivitySubject.objects.get(organisation=tree.b1).conclusion == "shortcomings"
    client.force_login(cast.admin)
    for fmt in ("xlsx", "csv"):
        content = client.get(reverse("imports:export", args=["kiem-tra-giam-sat"]), {"format": fmt}).content
        again = run_import(content, kind="activities", user=cast.admin, commit=True, name=f"ktgs.{fmt}")[1]
        assert again.ok, [issue_text(i) for i in again.issues]
        assert again.counts()["unchanged"] == 3 and again.counts()["new"] == 0
    assert Activity.objects.count() == 2 and ActivitySubject.objects.count() == 3
    assert "không hủy được" in services.rollback_blockers(batch)[0]


def test_activities_rule_refusals_and_preview_errors(tree, cast, subject_member, run_import):
    """KTGS-01: a cell cannot do a finance inspection; KTGS-03: the inspection committee does not inspect the
    finances of its own organisation; row errors name row, column and value."""
    rows = [
        [1, "20-QĐ", "10/03/2024", "C1", "Chi bộ (tập thể chi bộ)", "Kiểm tra tài chính đảng", "Tài chính", "", "079090000001", "", ""],
        [2, "21-QĐ", "10/03/2024", "DU", "Ủy ban Kiểm tra", "Kiểm tra tài chính đảng", "Tài chính", "DU", "", "", ""],
    ]
    report = run_import(xlsx_bytes(rows, HEADERS), kind="activities", user=cast.inspection_staff, commit=True)[1]
    assert sorted((i.row, i.rule_id) for i in report.issues) == [(2, "KTGS-01"), (3, "KTGS-03")], [
        issue_text(i) for i in report.issues]
    assert report.issues[0].column in ("Cơ quan thực hiện", "Mã tổ chức là đối tượng")
    rows = [
        [1, "22-QĐ", "10/03/2024", "DU", "Ủy ban Kiểm tra", "Giám sát chuyên đề", TOPIC, "B1", "079090000001", "", ""],
        [2, "23-QĐ", "10/03/2024", "DU", "Ủy ban Kiểm tra", "Giám sát chuyên đề", TOPIC, "ZZ", "", "", ""],
        [3, "24-QĐ", "10/03/2024", "DU", "Ủy ban Kiểm tra", "Giám sát chuyên đề", TOPIC, "B1", "", "Lạ", "01/04/2024"],
        [4, "25-QĐ", "10/03/2024", "DU", "Ủy ban Kiểm tra", "Giám sát chuyên đề", TOPIC, "B1", "", "", ""],
        [5, "25-QĐ", "10/03/2024", "DU", "Ủy ban Kiểm tra", "Giám sát thường xuyên", TOPIC, "B2", "", "", ""],
        [6, "26-QĐ", "10/03/2024", "DU", "Ủy ban Kiểm tra", "Giám sát chuyên đề", TOPIC, "B1", "", "Không vi phạm",
         "01/01/2024"],
    ]
    texts = [issue_text(i) for i in run_import(xlsx_bytes(rows, HEADERS), kind="activities",
                                               user=cast.inspection_staff)[1].issues]
    assert any(t.startswith("Dòng 2,") and "Mỗi dòng một đối tượng" in t for t in texts), texts
    assert any(t.startswith("Dòng 3,") and "ZZ" in t for t in texts), texts
    assert any(t.startswith("Dòng 4,") and "danh mục" in t for t in texts), texts
    assert any(t.startswith("Dòng 6,") and "Khác dòng 5" in t for t in texts), texts
    assert any(t.startswith("Dòng 7,") and "[KTGS-06]" in t for t in texts), texts
    assert not Activity.objects.exists()


def test_activities_need_an_oversight_writer(tree, cast):
    assert services.may_import(cast.inspection_staff, "activities")
    assert not services.may_import(cast.committee_staff, "activities")
    assert not services.may_import(cast.leader, "activities")

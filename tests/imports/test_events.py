"""Import of ledger events (kind ``events``): natural key member + kind + effective date, preview errors with
rule IDs, commit through ``member_record_event``, provenance, rollback by voiding, CLI, export round trip."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dangvu.imports import services
from dangvu.imports.engine import issue_text
from dangvu.imports.models import BatchStatus, ImportBatch
from dangvu.members.models import LedgerEvent, MemberStatus
from tests.imports.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["STT", "Số CCCD", "Họ và tên", "Loại sự kiện", "Ngày hiệu lực", "Số quyết định", "Tổ chức đảng nơi đến"]


@pytest.fixture
def two_members(tree, admit):
    """Two probationary members of C1 admitted on 01/03/2016 (ceremony the same day)."""
    return (admit(tree.c1, name="Nguyễn Văn An", citizen_id="079090000001"),
            admit(tree.c1, name="Trần Thị Bình", citizen_id="079090000002"))


def _rows():
    return [
        [1, "079090000001", "Nguyễn Văn An", "Công nhận đảng viên chính thức", "01/03/2017", "12-QĐ/ĐU", ""],
        [2, "079090000002", "TRAN THI BINH", "recognition", "01/03/2017", "13-QĐ/ĐU", ""],
        [3, "079090000002", "Trần Thị Bình", "Chuyển sinh hoạt đảng chính thức (trong Đảng bộ)", "05/06/2018",
         "40-QĐ/ĐU", "C2"],
    ]


def test_events_preview_commit_provenance_and_reimport(tree, two_members, run_import):
    an, binh = two_members
    batch, report = run_import(xlsx_bytes(_rows(), HEADERS), kind="events", commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    assert report.counts()["new"] == 3 and batch.status == BatchStatus.COMMITTED
    an.refresh_from_db()
    binh.refresh_from_db()
    assert an.status == MemberStatus.OFFICIAL and an.official_on == date(2017, 3, 1)
    assert binh.organisation == tree.c2
    transfer = LedgerEvent.objects.get(member=binh, kind="transfer")
    assert transfer.decision_number == "40-QĐ/ĐU" and transfer.from_organisation == tree.c1
    assert batch.rows.filter(content_type__model="ledgerevent").count() == 3
    # Re-import of the same file: every row "unchanged", nothing written.
    before = LedgerEvent.objects.count()
    batch2, report2 = run_import(xlsx_bytes(_rows(), HEADERS), kind="events", commit=True)
    assert report2.counts()["unchanged"] == 3 and LedgerEvent.objects.count() == before


def test_events_rule_refusal_names_prob_04_and_writes_nothing(tree, two_members, run_import):
    """PROB-04: recognition must fall on the 12-month day; the refused row is named with the rule ID and the
    other (valid) row of the file is not written either."""
    rows = [[1, "079090000001", "Nguyễn Văn An", "Công nhận đảng viên chính thức", "01/03/2017", "", ""],
            [2, "079090000002", "Trần Thị Bình", "Công nhận đảng viên chính thức", "15/01/2017", "", ""]]
    batch, report = run_import(xlsx_bytes(rows, HEADERS), kind="events", commit=True)
    assert not report.ok and batch.status == BatchStatus.INVALID
    refused = [i for i in report.issues if i.row == 3]
    assert refused and refused[0].rule_id.startswith("PROB"), [issue_text(i) for i in report.issues]
    assert refused[0].column == "Ngày hiệu lực" and refused[0].value == "15/01/2017"
    assert not LedgerEvent.objects.filter(kind="recognition").exists()


def test_events_preview_errors(tree, two_members, run_import, cast):
    rows = [
        [1, "079099999999", "Không Có", "Từ trần", "01/01/2020", "", ""],  # unknown member
        [2, "079090000001", "Nguyễn Văn An", "Loại lạ", "01/01/2020", "", ""],  # outside the code list
        [3, "079090000001", "Nguyễn Văn An", "Từ trần", "01/01/2099", "", ""],  # future date
        [4, "079090000002", "Trần Thị Bình", "Kết nạp", "01/03/2016", "1-QĐ/ĐU", ""],  # admission: same key,
        [5, "079090000002", "Người Khác", "Từ trần", "01/01/2020", "", ""],  # name differs from the record
        [6, "079090000001", "Nguyễn Văn An", "Xóa tên", "01/01/2021", "", ""],
        [7, "079090000001", "Nguyễn Văn An", "Xóa tên", "01/01/2021", "", ""],  # duplicate within the file
        [8, "079090000001", "Nguyễn Văn An", "Chuyển sinh hoạt đảng chính thức (trong Đảng bộ)", "01/01/2021",
         "", "ZZ"],  # unknown destination
    ]
    texts = [issue_text(i) for i in run_import(xlsx_bytes(rows, HEADERS), kind="events")[1].issues]
    assert any(t.startswith("Dòng 2,") and "Không có hồ sơ đảng viên" in t for t in texts), texts
    assert any(t.startswith("Dòng 3,") and "danh mục" in t for t in texts), texts
    assert any(t.startswith("Dòng 4,") and "[LIFE-06]" in t for t in texts), texts
    assert any(t.startswith("Dòng 5,") and "số quyết định" in t and "[LIFE-05]" in t for t in texts), texts
    assert any(t.startswith("Dòng 6,") and "Khác họ tên" in t for t in texts), texts
    assert any(t.startswith("Dòng 8,") and "Trùng với dòng 7" in t for t in texts), texts
    assert any(t.startswith("Dòng 9,") and "ZZ" in t for t in texts), texts
    assert not any(t.startswith("Dòng 7,") for t in texts), texts


def test_events_outside_write_scope(tree, cast, admit, run_import):
    outsider_member = admit(tree.b2, name="Lê Văn Cường", citizen_id="079090000009")
    rows = [[1, outsider_member.citizen_id, "Lê Văn Cường", "Công nhận đảng viên chính thức", "01/03/2017", "", ""]]
    report = run_import(xlsx_bytes(rows, HEADERS), kind="events", user=cast.base_clerk)[1]
    assert any("ngoài phạm vi" in issue_text(i) for i in report.issues)


def test_events_rollback_voids_and_is_blocked_by_later_events(tree, two_members, run_import, system_user):
    from dangvu.members.services import member_record_event
    from dangvu.organisations.services import Decision

    an, binh = two_members
    batch, report = run_import(xlsx_bytes(_rows()[:1], HEADERS), kind="events", commit=True)
    assert services.rollback_blockers(batch) == []
    services.batch_rollback(batch, user=system_user, reason="Nhập nhầm tệp")
    an.refresh_from_db()
    assert an.status == MemberStatus.PROBATIONARY
    assert LedgerEvent.objects.get(member=an, kind="recognition").voided_at is not None
    batch, report = run_import(xlsx_bytes(_rows()[1:2], HEADERS), kind="events", commit=True)
    member_record_event(actor=system_user, member=binh, kind="death", effective_date=date(2020, 5, 1),
                        decision=Decision("", date(2020, 5, 1), ""))
    blockers = services.rollback_blockers(batch)
    assert blockers and "Trần Thị Bình" in blockers[0] and "Từ trần" in blockers[0]
    with pytest.raises(services.ImportRefused):
        services.batch_rollback(batch, user=system_user, reason="Nhập nhầm tệp")


def test_events_command_line(tree, two_members, system_user, tmp_path):
    good = tmp_path / "su-kien.xlsx"
    good.write_bytes(xlsx_bytes(_rows(), HEADERS))
    out = io.StringIO()
    call_command("import", "events", str(good), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "thêm mới 3" in out.getvalue() and not LedgerEvent.objects.filter(kind="recognition").exists()
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(xlsx_bytes([[1, "079090000001", "", "Từ trần", "01/01/2099", "", ""]], HEADERS))
    with pytest.raises(CommandError) as caught:
        call_command("import", "events", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    assert caught.value.returncode == 2
    call_command("import", "events", str(good), stdout=io.StringIO(), stderr=io.StringIO())
    assert LedgerEvent.objects.filter(kind="recognition").count() == 2


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_events_export_round_trip_changes_nothing(client, tree, cast, two_members, run_import, fmt):
    batch, report = run_import(xlsx_bytes(_rows(), HEADERS), kind="events", commit=True)
    client.force_login(cast.admin)
    response = client.get(reverse("imports:export", args=["su-kien-dang-vien"]), {"format": fmt})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    before = LedgerEvent.objects.count()
    batch, report = run_import(content, kind="events", user=cast.admin, commit=True,
                               name=f"su-kien.{fmt}")
    assert report.ok, [issue_text(i) for i in report.issues]
    assert report.counts()["unchanged"] == before == 5 and report.counts()["new"] == 0
    assert LedgerEvent.objects.count() == before


def test_events_template_and_export_denied_to_outsiders(client, tree, cast):
    client.force_login(cast.committee_staff)
    response = client.get(reverse("imports:template", args=["su-kien-dang-vien"]))
    assert response.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Hướng dẫn" and "Loại sự kiện" in [c.value for c in book["Dữ liệu"][1]]
    assert book["Dữ liệu"].data_validations.dataValidation
    client.force_login(cast.inspection_staff)  # no member-writing role: may not import events
    assert client.get(reverse("imports:template", args=["su-kien-dang-vien"])).status_code == 403
    response = client.post(reverse("imports:upload"), {"kind": "events", "file": SimpleUploadedFile("a.xlsx", b"x")})
    assert response.status_code == 200 and "không có quyền nhập loại dữ liệu này" in response.content.decode()
    assert not ImportBatch.objects.exists()
    client.force_login(cast.leader)
    assert client.get(reverse("imports:template", args=["su-kien-dang-vien"])).status_code == 403

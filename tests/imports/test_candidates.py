"""Import of the source list of member development (kind ``candidates``): natural key CCCD, else name + date of
birth + organisation; preview errors with rule IDs; commit through ``candidate_create`` / ``candidate_update``;
rollback of corrections; export round trip."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from dangvu.development.models import Candidate
from dangvu.imports import services
from dangvu.imports.engine import issue_text
from tests.imports.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Chi bộ / Mã tổ chức",
           "Ngày đưa vào danh sách nguồn", "Nghề nghiệp", "Đoàn viên"]


def _rows():
    return [
        [1, "Phạm Thị Hoa", "12/05/2000", "Nữ", "079200000001", "C1", "01/02/2024", "Công nhân, lao động trực tiếp sản xuất", "Có"],
        [2, "Đỗ Văn Nam", "03/09/1999", "Nam", "", "Chi bộ Phân xưởng 2", "01/03/2024", "", "Không"],
    ]


def test_candidates_commit_reimport_and_export_round_trip(client, tree, cast, run_import):
    batch, report = run_import(xlsx_bytes(_rows(), HEADERS), kind="candidates", user=cast.admin, commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    hoa = Candidate.objects.get(citizen_id="079200000001")
    assert hoa.organisation == tree.c1 and hoa.gender == "female" and hoa.is_youth_union_member
    assert hoa.occupation == "worker" and hoa.stage == "source"
    assert Candidate.objects.get(full_name="Đỗ Văn Nam").organisation == tree.c2
    assert batch.rows.filter(content_type__model="candidate").count() == 2
    assert run_import(xlsx_bytes(_rows(), HEADERS), kind="candidates", user=cast.admin)[1].counts()["unchanged"] == 2
    client.force_login(cast.admin)
    for fmt in ("xlsx", "csv"):
        content = client.get(reverse("imports:export", args=["nguon-phat-trien-dang"]), {"format": fmt}).content
        batch, report = run_import(content, kind="candidates", user=cast.admin, commit=True, name=f"nguon.{fmt}")
        assert report.ok, [issue_text(i) for i in report.issues]
        assert report.counts()["unchanged"] == 2 and report.counts()["new"] == 0
    assert Candidate.objects.count() == 2


def test_candidates_preview_errors_with_rule_ids(tree, cast, run_import):
    rows = [
        [1, "Phạm Thị Hoa", "", "Nữ", "", "C1", "01/02/2024", "", ""],  # DEV-04: no date of birth
        [2, "Lê Văn Tư", "01/01/2001", "Nam", "12345", "C1", "01/02/2024", "", ""],  # ID-01
        [3, "Lê Văn Năm", "01/01/2001", "Nam", "", "ZZ", "01/02/2024", "", ""],  # unknown organisation
        [4, "Lê Văn Sáu", "01/01/2001", "Nam", "", "C1", "01/02/2099", "", ""],  # DEV-02: future date
        [5, "Lê Văn Bảy", "01/01/2001", "Nam", "079200000007", "C1", "01/02/2024", "Nghề lạ", ""],  # code list
        [6, "Lê Văn Tám", "01/01/2001", "Nam", "079200000008", "C1", "01/02/2024", "", ""],
        [7, "Lê Văn Tám", "01/01/2001", "Nam", "079200000008", "C1", "01/02/2024", "", ""],  # duplicate
    ]
    texts = [issue_text(i) for i in run_import(xlsx_bytes(rows, HEADERS), kind="candidates", user=cast.admin)[1].issues]
    assert any(t.startswith("Dòng 2,") and "[DEV-04]" in t for t in texts), texts
    assert any(t.startswith("Dòng 3,") and "[ID-01]" in t for t in texts), texts
    assert any(t.startswith("Dòng 4,") and "ZZ" in t for t in texts), texts
    assert any(t.startswith("Dòng 5,") and "[DEV-02]" in t for t in texts), texts
    assert any(t.startswith("Dòng 6,") and "danh mục" in t for t in texts), texts
    assert any(t.startswith("Dòng 8,") and "Trùng với dòng 7" in t for t in texts), texts
    assert not Candidate.objects.exists()


def test_candidates_outside_write_scope_and_denied_kind(tree, cast, run_import):
    rows = [[1, "Phạm Thị Hoa", "12/05/2000", "Nữ", "", "B2", "01/02/2024", "", ""]]
    report = run_import(xlsx_bytes(rows, HEADERS), kind="candidates", user=cast.base_clerk)[1]
    assert any("phạm vi" in issue_text(i) for i in report.issues)
    assert not services.may_import(cast.leader, "candidates")


def test_candidates_correction_rolls_back_but_a_new_listing_blocks(tree, cast, run_import, tmp_path):
    run_import(xlsx_bytes(_rows(), HEADERS), kind="candidates", user=cast.admin, commit=True)
    first = services.batches_for(cast.admin).get()
    assert any("danh sách nguồn" in b for b in services.rollback_blockers(first))
    corrected = _rows()
    corrected[0][1] = "Phạm Thị Hoa Mai"
    batch, report = run_import(xlsx_bytes(corrected, HEADERS), kind="candidates", user=cast.admin, commit=True)
    assert report.counts()["update"] == 1
    assert Candidate.objects.get(citizen_id="079200000001").full_name == "Phạm Thị Hoa Mai"
    assert services.rollback_blockers(batch) == []
    services.batch_rollback(batch, user=cast.admin, reason="Sửa nhầm họ tên")
    assert Candidate.objects.get(citizen_id="079200000001").full_name == "Phạm Thị Hoa"
    path = tmp_path / "nguon.xlsx"
    path.write_bytes(xlsx_bytes(_rows(), HEADERS))
    out = io.StringIO()
    call_command("import", "candidates", str(path), "--dry-run", "--user", "admin", stdout=out, stderr=io.StringIO())
    assert "không đổi 2" in out.getvalue()

"""Member import: the corpus of messy files, every error kind, all-or-nothing commit, re-import,
provenance and rollback."""

from __future__ import annotations

import io
import time
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvu.imports import legacy, services
from dangvu.imports.engine import issue_text
from dangvu.imports.models import BatchStatus, ImportRow
from dangvu.members.models import LedgerEvent, Member, MemberStatus, MemberValue
from tests.imports.conftest import HEADERS, csv_bytes, member_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def _state():
    return (Member.objects.count(), LedgerEvent.objects.count(), MemberValue.objects.count(),
            LedgerEvent.objects.filter(voided_at__isnull=False).count())


def _one(report):
    assert len(report.issues) == 1, [issue_text(i) for i in report.issues]
    return report.issues[0]


# Corpus ------------------------------------------------------------------------------------------

def test_clean_file_previews_then_commits_through_services(tree, run_import):
    content = xlsx_bytes([member_row(1), member_row(2, org="Chi bộ Phân xưởng 2", official="")], HEADERS)
    before = _state()
    batch, report = run_import(content)
    assert report.ok and report.counts()["new"] == 2
    assert _state() == before, "a dry run writes nothing"
    assert batch.status == BatchStatus.PREVIEWED
    batch, report = run_import(content, commit=True)
    assert batch.status == BatchStatus.COMMITTED
    first = Member.objects.get(citizen_id="079000000001")
    assert first.status == MemberStatus.OFFICIAL and first.organisation == tree.c1
    assert first.occupation == "worker" and first.general_education == "upper_secondary"
    second = Member.objects.get(citizen_id="079000000002")
    assert second.status == MemberStatus.PROBATIONARY and second.organisation == tree.c2
    # Provenance: member, admission, recognition and dated values, each with its row.
    rows = ImportRow.objects.filter(batch=batch)
    assert {r.row_number for r in rows} == {2, 3}
    assert rows.filter(object_id=first.pk, content_type__model="member").exists()
    # (the bulk path: one row per new member; its events and values are listed on it)
    assert rows.count() == 2 and {r.content_type.model for r in rows} == {"member"}
    assert sum(len(r.before["records"]["ledgerevent"]) for r in rows) == 3
    assert set(services.written_ids(batch, LedgerEvent)) == set(
        LedgerEvent.objects.filter(member__in=[first, second]).values_list("id", flat=True))
    assert set(services.written_ids(batch, MemberValue)) == set(
        MemberValue.objects.filter(member__in=[first, second]).values_list("id", flat=True))
    # The audit trail has one row per new member (profile, events, values: the bulk path) plus the batch's own.
    from dangvu.audit.models import AuditEntry
    from dangvu.audit.services import audit_verify_chain
    assert AuditEntry.objects.filter(event_type="import:members").count() == 1
    created = AuditEntry.objects.filter(action="create", event_type="bulk_admission")
    assert created.count() == 2
    audited = created.get(target_id=str(first.pk)).changes["new"]
    assert audited["citizen_id"] == "********0001"
    assert [e["kind"] for e in audited["events"]] == ["admission", "recognition"]
    assert len(audited["values"]) == 3
    assert audit_verify_chain() == []


def test_reimport_of_the_same_file_changes_nothing(tree, run_import):
    content = xlsx_bytes([member_row(n) for n in range(1, 6)], HEADERS)
    run_import(content, commit=True)
    before = _state()
    batch, report = run_import(content, commit=True)
    assert report.counts()["unchanged"] == 5 and report.counts()["new"] == 0
    assert _state() == before
    assert not batch.rows.exists()


def test_tcvn3_file_is_converted(tree, run_import):
    headers = [legacy.encode_tcvn3(h) for h in HEADERS]
    row = member_row(1, **{"Họ và tên": "Trần Thị Bích Ngọc", "Dân tộc": "Tày",
                           "Chi bộ / Mã tổ chức": "Chi bộ Phân xưởng 1"})
    values = [legacy.encode_tcvn3(str(row[h])) if isinstance(row[h], str) else row[h] for h in HEADERS]
    batch, report = run_import(xlsx_bytes([values], headers), commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    assert any("TCVN3" in note for note in report.notes)
    member = Member.objects.get(citizen_id="079000000001")
    assert member.full_name == "Trần Thị Bích Ngọc" and member.ethnicity == "tay"


def test_vni_csv_in_windows_code_page_with_semicolons(tree, run_import):
    row = member_row(1, **{"Họ và tên": "Lê Hữu Phước", "Dân tộc": "Kinh"})
    headers = [legacy.encode_vni(h) for h in HEADERS]
    text_rows = [{legacy.encode_vni(h): legacy.encode_vni(str(row[h])) for h in HEADERS}]
    content = csv_bytes(text_rows, headers, delimiter=";", bom=False, encoding="cp1252")
    batch, report = run_import(content, name="vni.csv", commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    assert Member.objects.get(citizen_id="079000000001").full_name == "Lê Hữu Phước"


def test_header_variants_order_case_and_diacritics(tree, run_import):
    headers = ["ho ten", "SO CMND/CCCD", "ngay sinh", "GIOI TINH", "Ngày kết nạp", "chi bo", "Ghi chú thêm"]
    rows = [["Phạm  Văn   Bình", "079000000009", "01/02/1991", "nam", "5/6/18", "c1", "cột lạ"]]
    batch, report = run_import(xlsx_bytes(rows, headers), commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    assert any("Ghi chú thêm" in n for n in report.notes), "extra columns are named and ignored"
    member = Member.objects.get(citizen_id="079000000009")
    assert member.full_name == "Phạm Văn Bình" and member.admitted_on == date(2018, 6, 5)


def test_mixed_date_formats_and_excel_serials(tree, run_import):
    rows = [
        member_row(1, **{"Ngày sinh": "15/03/1990", "Ngày vào Đảng": "2/4/18", "Ngày chính thức": ""}),
        member_row(2, **{"Ngày sinh": datetime(1990, 3, 15), "Ngày vào Đảng": 43192, "Ngày chính thức": ""}),
        member_row(3, **{"Ngày sinh": "1990-03-15", "Ngày vào Đảng": "02.04.2018", "Ngày chính thức": ""}),
    ]
    batch, report = run_import(xlsx_bytes(rows, HEADERS), commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    assert set(Member.objects.values_list("admitted_on", flat=True)) == {date(2018, 4, 2)}


def test_merged_title_and_two_row_header(tree, run_import):
    def setup(sheet):
        sheet.merge_cells("A1:F1")
        sheet.merge_cells("E2:F2")

    rows = [["DANH SÁCH ĐẢNG VIÊN CHI BỘ PHÂN XƯỞNG 1", None, None, None, None, None],
            ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày", None],
            [None, None, None, None, "Vào Đảng", "Chính thức"],
            ["Đỗ Thị Hoa", "01/01/1992", "Nữ", "079000000011", "02/04/2018", "02/04/2019"]]
    content = xlsx_bytes(rows, None, setup=setup)
    batch, report = run_import(content)
    # The organisation column is required: the merged header was read, the missing column named.
    assert [i.column for i in report.file_issues] == ["Chi bộ / Mã tổ chức"]


def test_merged_header_cells_are_understood(tree, run_import):
    def setup(sheet):
        sheet.merge_cells("A1:G1")
        sheet.merge_cells("F2:G2")

    rows = [["DANH SÁCH ĐẢNG VIÊN"] + [None] * 6,
            ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Chi bộ", "Ngày", None],
            [None, None, None, None, None, "Vào Đảng", "Chính thức"],
            ["Đỗ Thị Hoa", "01/01/1992", "Nữ", "079000000011", "C1", "02/04/2018", "02/04/2019"]]
    batch, report = run_import(xlsx_bytes(rows, None, setup=setup), commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    assert Member.objects.get(citizen_id="079000000011").official_on == date(2019, 4, 2)


# Error kinds -------------------------------------------------------------------------------------

def test_missing_required_column(tree, run_import):
    headers = [h for h in HEADERS if h != "Ngày sinh"]
    batch, report = run_import(xlsx_bytes([member_row(1)], headers))
    issue = _one(report)
    assert issue.column == "Ngày sinh" and "Thiếu cột bắt buộc" in issue.reason
    assert batch.status == BatchStatus.INVALID


def test_unknown_organisation_code(tree, run_import):
    batch, report = run_import(xlsx_bytes([member_row(1), member_row(2, org="XYZ")], HEADERS))
    issue = _one(report)
    assert (issue.row, issue.column, issue.value) == (3, "Chi bộ / Mã tổ chức", "XYZ")
    assert "Không có tổ chức đảng" in issue.reason


def test_organisation_outside_the_users_write_scope(tree, cast, run_import):
    batch, report = run_import(xlsx_bytes([member_row(1, org="B2")], HEADERS), user=cast.base_clerk)
    assert "phạm vi bạn được ghi" in _one(report).reason


def test_duplicate_key_within_the_file(tree, run_import):
    rows = [member_row(1), member_row(2, **{"Số CCCD": "079000000001"})]
    issue = _one(run_import(xlsx_bytes(rows, HEADERS))[1])
    assert issue.row == 3 and "Trùng với dòng 2" in issue.reason


def test_duplicate_key_against_the_database(tree, admit, run_import):
    admit(tree.c2, name="Người Đã Có", citizen_id="079000000001")
    report = run_import(xlsx_bytes([member_row(1)], HEADERS))[1]
    assert not report.ok
    assert any(i.rule_id == "LIFE-05" and "Chi bộ Phân xưởng 2" in i.reason for i in report.issues)


def test_impossible_date(tree, run_import):
    issue = _one(run_import(xlsx_bytes([member_row(1, **{"Ngày sinh": "31/02/1990"})], HEADERS))[1])
    assert issue.column == "Ngày sinh" and "không có thật" in issue.reason


def test_out_of_order_dates(tree, run_import):
    row = member_row(1, admitted="02/04/2019", official="02/04/2018")
    issue = _one(run_import(xlsx_bytes([row], HEADERS))[1])
    assert issue.column == "Ngày chính thức" and "trước ngày vào Đảng" in issue.reason


def test_value_outside_its_code_list(tree, run_import):
    issue = _one(run_import(xlsx_bytes([member_row(1, **{"Dân tộc": "Sao Hỏa"})], HEADERS))[1])
    assert (issue.column, issue.value) == ("Dân tộc", "Sao Hỏa") and "danh mục" in issue.reason


def test_codes_by_label_or_code(tree, run_import):
    rows = [member_row(1, **{"Giới tính": "female", "Dân tộc": "tay"}), member_row(2, **{"Giới tính": "NỮ"})]
    run_import(xlsx_bytes(rows, HEADERS), commit=True)
    assert set(Member.objects.values_list("gender", flat=True)) == {"female"}


def test_formula_cell_where_a_value_is_needed(tree, run_import):
    def setup(sheet):
        sheet["C2"] = "=DATE(1990,3,15)"

    issue = _one(run_import(xlsx_bytes([member_row(1)], HEADERS, setup=setup))[1])
    assert issue.column == "Ngày sinh" and "công thức" in issue.reason


def test_merged_cells_where_a_value_is_needed(tree, run_import):
    def setup(sheet):
        sheet.merge_cells("J2:J3")  # one organisation cell for two rows

    issue = _one(run_import(xlsx_bytes([member_row(1), member_row(2)], HEADERS, setup=setup))[1])
    assert (issue.row, issue.column) == (3, "Chi bộ / Mã tổ chức") and "gộp ô" in issue.reason


def test_corrupt_file(tree, run_import):
    content = xlsx_bytes([member_row(1)], HEADERS)[:700]
    batch, report = run_import(content, name="hong.xlsx")
    assert "bị hỏng" in _one(report).reason and batch.status == BatchStatus.INVALID


def test_password_protected_file(tree, run_import):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000
    issue = _one(run_import(content, name="mat-khau.xlsx")[1])
    assert "mật khẩu" in issue.reason


def test_domain_rule_refusal_carries_its_rule_id(tree, run_import):
    # Recognition must fall exactly 12 months after the ceremony (PROB-04).
    row = member_row(1, admitted="02/04/2018", official="20/05/2019")
    before = _state()
    batch, report = run_import(xlsx_bytes([member_row(2), row], HEADERS), commit=True)
    issue = _one(report)
    assert issue.rule_id == "PROB-04" and issue.row == 3 and issue.column == "Ngày chính thức"
    assert "[PROB-04]" in issue_text(issue)
    assert _state() == before, "nothing written: the good row is rolled back with the bad one"


def test_citizen_id_rule(tree, run_import):
    issue = _one(run_import(xlsx_bytes([member_row(1, **{"Số CCCD": "12345"})], HEADERS))[1])
    assert issue.rule_id == "ID-01" and issue.value == "12345"


def test_one_bad_row_among_10000_writes_nothing_and_names_it(tree, run_import):
    rows = [[n, f"Nguyễn Văn {n}", "15/03/1990", "Nam", "Kinh", f"0790{n:08d}", "", "02/04/2018", "", "C1", "", "", ""]
            for n in range(1, 10_001)]
    rows[7_344][2] = "30/02/1990"
    before = _state()
    started = time.monotonic()
    batch, report = run_import(xlsx_bytes(rows, HEADERS), commit=True)
    elapsed = time.monotonic() - started
    issue = _one(report)
    assert (issue.row, issue.column, issue.value) == (7_346, "Ngày sinh", "30/02/1990")
    assert report.counts()["total"] == 10_000
    assert _state() == before and batch.status == BatchStatus.INVALID
    assert elapsed < 60, elapsed


# Updates and rollback --------------------------------------------------------------------------------

def test_update_then_rollback_restores_and_voids(tree, admit, run_import, system_user):
    existing = admit(tree.c1, name="Vũ Văn Cũ", on=date(2018, 4, 2), citizen_id="079000000001")
    content = xlsx_bytes([member_row(1, **{"Họ và tên": "Vũ Văn Mới"}), member_row(2, official="")], HEADERS)
    batch, report = run_import(content, commit=True)
    assert report.counts()["update"] == 1 and report.counts()["new"] == 1
    existing.refresh_from_db()
    assert existing.full_name == "Vũ Văn Mới" and existing.status == MemberStatus.OFFICIAL
    assert services.rollback_blockers(batch) == []
    services.batch_rollback(batch, user=system_user, reason="Nhập nhầm tệp")
    existing.refresh_from_db()
    assert existing.full_name == "Vũ Văn Cũ" and existing.status == MemberStatus.PROBATIONARY
    assert existing.occupation == "unknown"
    created = Member.objects.get(citizen_id="079000000002")
    assert created.status == MemberStatus.NOT_MEMBER, "the dossier stays; its events are void"
    assert created.events.filter(voided_at__isnull=True).count() == 0
    assert "Hoàn tác lô" in created.events.get().void_reason
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK


def test_rollback_names_what_blocks_it(tree, run_import, system_user):
    from dangvu.members.services import member_record_event
    from dangvu.organisations.services import Decision

    batch, _report = run_import(xlsx_bytes([member_row(1, official="")], HEADERS), commit=True)
    member = Member.objects.get(citizen_id="079000000001")
    member_record_event(actor=system_user, member=member, kind="transfer", effective_date=date(2020, 1, 2),
                        decision=Decision("9-QĐ", date(2020, 1, 2), "BTV"), organisation=tree.c2)
    blockers = services.rollback_blockers(batch)
    assert len(blockers) == 1 and "Nguyễn Văn Thử 1" in blockers[0]
    with pytest.raises(services.ImportRefused):
        services.batch_rollback(batch, user=system_user, reason="Nhập nhầm tệp")


# Command line ----------------------------------------------------------------------------------------

def test_command_line_dry_run_and_errors(tree, system_user, tmp_path):
    good = tmp_path / "tot.xlsx"
    good.write_bytes(xlsx_bytes([member_row(1)], HEADERS))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "members", str(good), "--dry-run", stdout=out, stderr=err)
    assert "thêm mới 1" in out.getvalue() and "chưa ghi gì" in out.getvalue()
    assert "Ghi:" in err.getvalue() or "Kiểm tra" in err.getvalue() or err.getvalue() == ""
    assert not Member.objects.exists()
    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(xlsx_bytes([member_row(1, org="XYZ")], HEADERS))
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", "members", str(bad), stdout=out, stderr=io.StringIO())
    assert failure.value.returncode == 2
    assert "Dòng 2, cột “Chi bộ / Mã tổ chức”, giá trị “XYZ”" in out.getvalue()
    call_command("import", "members", str(good), stdout=io.StringIO(), stderr=io.StringIO())
    assert Member.objects.count() == 1

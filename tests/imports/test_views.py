"""The browser path without a browser: upload → preview → commit → progress → rollback; templates;
exports and the export → import round trip."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangvu.imports.models import BatchStatus, ImportBatch
from dangvu.members.models import LedgerEvent, Member, MemberValue
from tests.imports.conftest import HEADERS, member_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def _upload(client, content, name="so.xlsx", kind="members"):
    return client.post(reverse("imports:upload"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_upload_preview_commit_rollback(client, tree, cast, settings):
    settings.DANGVU_IMPORT_RUNNER = "inline"
    client.force_login(cast.base_clerk)
    response = _upload(client, xlsx_bytes([member_row(1), member_row(2, org="C2")], HEADERS))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:batch", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Thêm mới" in page and "Ghi vào hệ thống" in page
    assert not Member.objects.exists()
    client.post(reverse("imports:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and Member.objects.count() == 2
    progress = client.get(reverse("imports:progress", args=[batch.pk])).content.decode()
    assert "100%" in progress
    response = client.post(reverse("imports:rollback", args=[batch.pk]), {"reason": "Tải nhầm tệp"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert not LedgerEvent.objects.filter(voided_at__isnull=True).exists()


def test_preview_shows_each_error_with_row_column_value(client, tree, cast):
    client.force_login(cast.committee_staff)
    response = _upload(client, xlsx_bytes([member_row(1), member_row(2, **{"Ngày sinh": "31/02/1990"})], HEADERS))
    page = client.get(response["Location"]).content.decode()
    assert "31/02/1990" in page and "không có thật" in page and "Ghi vào hệ thống" not in page
    assert ImportBatch.objects.get().status == BatchStatus.INVALID


def test_large_file_commits_in_a_background_process_record(client, tree, cast, settings, monkeypatch):
    """Above the threshold the view queues the batch and starts ``dangvu import --batch``."""
    from dangvu.imports import services

    started = []
    monkeypatch.setattr(services.subprocess, "Popen", lambda command, **kw: started.append(command))
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 1)
    settings.DANGVU_IMPORT_RUNNER = "auto"
    client.force_login(cast.committee_staff)
    response = _upload(client, xlsx_bytes([member_row(1), member_row(2)], HEADERS))
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED
    assert started and started[0][-6:] == ["members", "--batch", str(batch.pk), "--user", "committee_staff",
                                           "--quiet"][-6:]
    page = client.get(response["Location"]).content.decode()
    assert "hx-get" in page and "<progress" in page


def test_templates_have_instructions_and_dropdowns(client, tree, cast):
    from openpyxl import load_workbook

    client.force_login(cast.committee_staff)
    response = client.get(reverse("imports:template", args=["dang-vien"]))
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames[0] == "Hướng dẫn"
    data = book["Dữ liệu"]
    assert [c.value for c in data[1]][:3] == ["STT", "Họ và tên", "Tên gọi khác"]
    assert len(data.data_validations.dataValidation) >= 5


def test_template_file_imports_after_filling(client, tree, cast, run_import):
    from openpyxl import load_workbook

    client.force_login(cast.committee_staff)
    book = load_workbook(BytesIO(client.get(reverse("imports:template", args=["dang-vien"])).content))
    sheet = book["Dữ liệu"]
    headings = [c.value for c in sheet[1]]
    row = dict.fromkeys(headings)
    row.update({"STT": 1, "Họ và tên": "Hồ Thị Lan", "Ngày sinh": date(1993, 1, 4), "Giới tính": "Nữ",
                "Số CCCD": "079000000077", "Ngày vào Đảng": date(2019, 5, 19), "Chi bộ / Mã tổ chức": "C1"})
    sheet.append([row[h] for h in headings])
    buffer = BytesIO()
    book.save(buffer)
    batch, report = run_import(buffer.getvalue(), commit=True)
    assert report.ok and Member.objects.get(citizen_id="079000000077").full_name == "Hồ Thị Lan"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_member_export_reimports_unchanged(client, tree, cast, run_import, fmt):
    rows = [member_row(n, org=("C1", "C2", "B2")[n % 3], official="" if n % 2 else "02/04/2019") for n in range(1, 10)]
    run_import(xlsx_bytes(rows, HEADERS), commit=True)
    client.force_login(cast.committee_staff)
    exported = client.get(reverse("imports:export", args=["dang-vien"]), {"format": fmt})
    content = exported.content if fmt == "xlsx" else b"".join(exported.streaming_content)
    before = (Member.objects.count(), LedgerEvent.objects.count(), MemberValue.objects.count())
    batch, report = run_import(content, user=cast.committee_staff, commit=True, name=f"xuat.{fmt}")
    assert report.ok, report.issues
    assert report.counts()["unchanged"] == 9 and report.counts()["new"] == report.counts()["update"] == 0
    assert (Member.objects.count(), LedgerEvent.objects.count(), MemberValue.objects.count()) == before


def test_exports_follow_scope(client, tree, cast, run_import):
    run_import(xlsx_bytes([member_row(1, org="C1"), member_row(2, org="B2")], HEADERS), commit=True)
    client.force_login(cast.outsider)
    text = b"".join(client.get(reverse("imports:export", args=["dang-vien"]), {"format": "csv"})
                    .streaming_content).decode("utf-8-sig")
    assert "Nguyễn Văn Thử 2" in text and "Nguyễn Văn Thử 1" not in text
    orgs = client.get(reverse("imports:export", args=["to-chuc"]), {"format": "csv"}).content.decode("utf-8-sig")
    assert "B2" in orgs and "C1" not in orgs
    from dangvu.audit.models import AuditEntry
    assert AuditEntry.objects.filter(action="export", event_type="organisations:csv").exists()


def test_counts_and_progress_read_with_vietnamese_thousands_separators(client, tree, cast, settings):
    """A 1.200-row file: the preview's summary and the progress line group thousands with a dot ("1.200"), as every
    other number the clerk reads; the outsider does not see the batch at all."""
    settings.DANGVU_IMPORT_RUNNER = "inline"
    client.force_login(cast.committee_staff)
    response = _upload(client, xlsx_bytes([member_row(n) for n in range(1, 1201)], HEADERS))
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Tổng 1.200 dòng: thêm mới 1.200, cập nhật 0" in page and "1200" not in page.split('id="tong-hop"')[1][:80]
    client.post(reverse("imports:commit", args=[batch.pk]))
    progress = client.get(reverse("imports:progress", args=[batch.pk])).content.decode()
    assert "100% — 1.200/1.200 dòng" in progress
    client.force_login(cast.outsider)
    assert client.get(reverse("imports:batch", args=[batch.pk])).status_code in (403, 404)


# Rollback of a large batch: in a background process, with its progress ------------------------------------------

def _committed_large_batch(client, cast, settings, monkeypatch, rows=3):
    """A committed batch that counts as large (``BACKGROUND_ROWS`` = 1); later background starts are recorded."""
    from dangvu.imports import services

    settings.DANGVU_IMPORT_RUNNER = "inline"
    client.force_login(cast.committee_staff)
    _upload(client, xlsx_bytes([member_row(n, official="" if n % 2 else "02/04/2019") for n in range(1, rows + 1)],
                               HEADERS))
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    started = []
    monkeypatch.setattr(services.subprocess, "Popen", lambda command, **kw: started.append(command))
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 1)
    settings.DANGVU_IMPORT_RUNNER = "auto"
    return batch, started


def test_large_rollback_runs_in_a_background_process_with_its_progress(client, tree, cast, settings, monkeypatch,
                                                                      tmp_path):
    from django.core.management import call_command

    from dangvu.imports import engine

    settings.DATA_DIR = tmp_path
    batch, started = _committed_large_batch(client, cast, settings, monkeypatch)
    # The outsider cannot even queue it.
    client.force_login(cast.outsider)
    assert client.post(reverse("imports:rollback", args=[batch.pk]), {"reason": "Tải nhầm tệp"}).status_code in (403, 404)
    assert started == []
    client.force_login(cast.committee_staff)
    response = client.post(reverse("imports:rollback", args=[batch.pk]), {"reason": "Tải nhầm tệp"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.rollback_reason) == (BatchStatus.ROLLING_BACK, "Tải nhầm tệp")
    assert started and started[0][-7:] == ["members", "--batch", str(batch.pk), "--rollback", "--user",
                                           "committee_staff", "--quiet"]
    page = client.get(response["Location"]).content.decode()
    assert "Đang hoàn tác" in page and "đang chuẩn bị" in page and "đang hoàn tác…" in page and 'id="hoan-tac"' not in page
    assert "hx-get" in page
    assert LedgerEvent.objects.filter(voided_at__isnull=True).count() == 4  # 3 admissions, 1 recognition: none voided yet
    # The process the page started: the reason stored when it was queued, progress in records.
    call_command("import", "members", batch=batch.pk, rollback=True, user="committee_staff", quiet=True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK and batch.rolled_back_by == cast.committee_staff
    assert not LedgerEvent.objects.filter(voided_at__isnull=True).exists()
    assert not MemberValue.objects.filter(voided_at__isnull=True).exists()
    state = engine.read_progress(batch.pk)
    assert state["phase"] == "rollback" and state["done"] == state["total"] == 4 + 9
    progress = client.get(reverse("imports:progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"
    assert "Đã hoàn tác ngày" in client.get(response["Location"]).content.decode()


def test_a_queued_rollback_refused_meanwhile_changes_nothing_and_the_page_says_why(client, tree, cast, settings,
                                                                                 monkeypatch, tmp_path, system_user):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from dangvu.members.services import member_record_event
    from dangvu.organisations.services import Decision

    settings.DATA_DIR = tmp_path
    batch, started = _committed_large_batch(client, cast, settings, monkeypatch)
    client.post(reverse("imports:rollback", args=[batch.pk]), {"reason": "Tải nhầm tệp"})
    # Before the process runs, a transfer is recorded for a member of the batch: it now depends on the batch.
    member = Member.objects.get(citizen_id="079000000001")
    member_record_event(actor=system_user, member=member, kind="transfer", effective_date=date(2020, 1, 2),
                        decision=Decision("9-QĐ", date(2020, 1, 2), "BTV"), organisation=tree.c2)
    with pytest.raises(CommandError, match="Không hoàn tác được lô này"):
        call_command("import", "members", batch=batch.pk, rollback=True, user="committee_staff", quiet=True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and batch.rollback_reason == ""
    assert LedgerEvent.objects.filter(voided_at__isnull=True).count() == 5
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "Lần hoàn tác trước không thành công, không có gì thay đổi" in page and "Nguyễn Văn Thử 1" in page


def test_a_rollback_whose_process_died_may_be_started_again(client, tree, cast, settings, monkeypatch, tmp_path):
    import subprocess
    import sys

    settings.DATA_DIR = tmp_path
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    batch, started = _committed_large_batch(client, cast, settings, monkeypatch)
    client.post(reverse("imports:rollback", args=[batch.pk]), {"reason": "Tải nhầm tệp"})
    ImportBatch.objects.filter(pk=batch.pk).update(worker_pid=int(dead.stdout))  # its process was killed
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "tiến trình hoàn tác đã dừng giữa chừng: không có gì thay đổi" in page and 'id="hoan-tac"' in page
    client.post(reverse("imports:rollback", args=[batch.pk]), {"reason": "Tải nhầm tệp, lần hai"})
    batch.refresh_from_db()
    assert (batch.status, batch.worker_pid, batch.rollback_reason) == (BatchStatus.ROLLING_BACK, None,
                                                                       "Tải nhầm tệp, lần hai")
    assert len(started) == 2


def test_command_line_rolls_a_committed_batch_back_with_a_reason(client, tree, cast, settings, monkeypatch, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.DATA_DIR = tmp_path
    batch, _started = _committed_large_batch(client, cast, settings, monkeypatch)
    with pytest.raises(CommandError, match="Cần ghi lý do hoàn tác"):
        call_command("import", "members", batch=batch.pk, rollback=True, user="committee_staff", quiet=True)
    with pytest.raises(CommandError, match="cần số lô"):
        call_command("import", "members", rollback=True, reason="Nhập nhầm", user="committee_staff", quiet=True)
    # Another importer's batch is not theirs to roll back (nor to see): the command says there is no such batch.
    with pytest.raises(CommandError, match=f"Không có lô {batch.pk}"):
        call_command("import", "members", batch=batch.pk, rollback=True, reason="Nhập nhầm tệp", user="base_clerk",
                     quiet=True)
    call_command("import", "members", batch=batch.pk, rollback=True, reason="Nhập nhầm tệp", user="committee_staff",
                 quiet=True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK and batch.rollback_reason == "Nhập nhầm tệp"

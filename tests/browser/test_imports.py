"""Import in a real browser: upload a file, read the preview, commit, watch the progress bar finish,
roll the batch back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangvu.imports.models import BatchStatus, ImportBatch
from tests.browser.test_member_journey import _login
from tests.imports.conftest import HEADERS, member_row, xlsx_bytes

pytestmark = pytest.mark.browser


def test_upload_preview_commit_progress_rollback(transactional_db, page, tree, cast, settings, tmp_path):
    settings.DANGVU_IMPORT_RUNNER = "inline"
    data = tmp_path / "so-dang-vien.xlsx"
    data.write_bytes(xlsx_bytes([member_row(1), member_row(2, org="C2", official="")], HEADERS))
    _login(page, "committee_staff")
    page.goto("/nhap-du-lieu/")
    expect(page.locator("h1")).to_have_text("Nhập dữ liệu từ sổ Excel")
    page.select_option("select[name=kind]", "members")
    page.set_input_files("input[name=file]", str(data))
    page.click("form.form button[type=submit]")
    expect(page.locator("#tong-hop")).to_contain_text("thêm mới 2")
    expect(page.locator("#dong")).to_contain_text("Nguyễn Văn Thử 1")
    page.click("#ghi")
    expect(page.locator("#tien-do progress")).to_have_attribute("value", "100")
    expect(page.locator("#trang-thai")).to_contain_text("Đã ghi vào hệ thống")
    page.fill("textarea[name=reason], input[name=reason]", "Tải nhầm tệp thử")
    page.click("#hoan-tac")
    expect(page.locator("#trang-thai")).to_contain_text("Đã hoàn tác")
    assert ImportBatch.objects.get().status == BatchStatus.ROLLED_BACK


def test_organisation_batch_rolls_back_in_the_browser(transactional_db, page, tree, cast, settings, tmp_path):
    """ORG-18 in the browser: an organisation batch nothing depends on is rolled back (its foundings voided)."""
    from dangvu.organisations.models import Organisation, OrganisationEvent

    settings.DANGVU_IMPORT_RUNNER = "inline"
    data = tmp_path / "to-chuc.xlsx"
    data.write_bytes(xlsx_bytes([["C9", "Chi bộ Kho", "Chi bộ trực thuộc", "B1", "02/06/2016"]],
                                ["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên", "Ngày thành lập"]))
    _login(page, "committee_staff")
    page.goto("/nhap-du-lieu/")
    page.select_option("select[name=kind]", "organisations")
    page.set_input_files("input[name=file]", str(data))
    page.click("form.form button[type=submit]")
    expect(page.locator("#tong-hop")).to_contain_text("thêm mới 1")
    page.click("#ghi")
    expect(page.locator("#trang-thai")).to_contain_text("Đã ghi vào hệ thống")
    page.fill("textarea[name=reason], input[name=reason]", "Tải nhầm tệp tổ chức")
    page.click("#hoan-tac")
    expect(page.locator("#trang-thai")).to_contain_text("Đã hoàn tác")
    founding = OrganisationEvent.objects.get(organisation=Organisation.objects.get(code="C9"), kind="founding")
    assert founding.voided_at is not None

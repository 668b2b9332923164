"""The summary report in a real browser: generate it, click a figure, see its records, download Word."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from tests.browser.test_member_journey import _login
from tests.reports.conftest import committee  # noqa: F401, F811 - the hand-built committee fixture

pytestmark = pytest.mark.browser


def test_generate_report_drill_down_and_download_word(transactional_db, page, committee, cast):  # noqa: F811
    _login(page, "committee_staff")
    page.goto("/bao-cao/")
    page.select_option("select[name=to_chuc]", "DU")
    page.select_option("select[name=ky]", "custom")
    page.fill("input[name=tu]", "01/01/2018")
    page.fill("input[name=den]", "31/12/2018")
    page.click("button:has-text('Lập báo cáo')")
    expect(page.locator("#report")).to_contain_text("Toàn Đảng bộ phát triển được 2 đảng viên mới")
    expect(page.locator(".checks")).to_contain_text("Đạt")

    page.click("a[title='admissions.total']")
    expect(page.locator("h1")).to_have_text("Kết nạp đảng viên mới")
    rows = page.locator("table.records tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.records")).to_contain_text("Hoàng Thị Mai")

    page.click("text=Về báo cáo")
    with page.expect_download() as download_info:
        page.click("text=Tải tệp Word (.docx)")
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    from docx import Document

    document = Document(io.BytesIO(open(download.path(), "rb").read()))
    assert any("Toàn Đảng bộ phát triển được 2 đảng viên mới" in p.text for p in document.paragraphs)


@pytest.mark.skipif(not __import__("os").environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="background reports need PostgreSQL (SQLite in memory locks tables)")
def test_slow_report_shows_progress_then_the_report(transactional_db, page, committee, cast, settings):  # noqa: F811
    settings.DANGVU_REPORT_PROGRESS_AFTER = 0  # every report counts as slow: the page must show its progress
    _login(page, "committee_staff")
    page.goto("/bao-cao/")
    page.select_option("select[name=to_chuc]", "DU")
    page.select_option("select[name=ky]", "half")
    page.fill("input[name=nam]", "2018")
    page.click("button:has-text('Lập báo cáo')")
    progress = page.locator("#tien-do-bao-cao")
    expect(progress).to_be_visible()
    expect(progress).to_contain_text("Bước ")
    expect(page.locator("#report")).to_contain_text("Toàn Đảng bộ phát triển được 2 đảng viên mới", timeout=60_000)
    expect(progress).to_have_count(0)
    expect(page.locator("#report")).to_contain_text("so với 6 tháng đầu năm 2017: 1, tăng 1, bằng 200%")

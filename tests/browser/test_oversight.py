"""Oversight in a real browser: a thematic supervision of two organisations, one escalated to an
inspection on signs of violation, concluded with discipline, and an appeal filed; then an organisation's
activity suspended."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dangvu.oversight.models import Appeal, DisciplineCase
from tests.browser.test_member_journey import _login

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def _submit(page):
    page.click("form.form button[type=submit]")


def test_supervision_escalates_to_inspection_discipline_and_appeal(transactional_db, page, tree, cast):
    SHOTS.mkdir(exist_ok=True)
    _login(page, "inspection_staff")
    page.goto("/kiem-tra-giam-sat/")
    expect(page.locator("h1")).to_have_text("Kiểm tra, giám sát, kỷ luật")

    page.click("text=Ghi cuộc kiểm tra, giám sát")
    page.select_option("select[name=organisation]", str(tree.du.pk))
    page.select_option("select[name=actor_kind]", "inspection_committee")
    page.select_option("select[name=activity_type]", "supervision_thematic")
    page.fill("input[name=so_quyet_dinh]", "12-QĐ/UBKT")
    page.fill("input[name=ngay_quyet_dinh]", "02/03/2026")
    page.fill("input[name=topic]", "Giám sát chuyên đề việc thu, nộp đảng phí")
    page.check(f"input[name=subject_organisations][value='{tree.b1.pk}']")
    page.check(f"input[name=subject_organisations][value='{tree.b2.pk}']")
    _submit(page)
    expect(page.locator("h1")).to_have_text("Giám sát chuyên đề")
    expect(page.locator("table.subjects")).to_contain_text("Chi bộ Công ty Beta")

    page.locator("table.subjects tr", has_text="Đảng bộ Công ty Alpha").locator("text=Ghi kết luận").click()
    page.select_option("select[name=conclusion]", "shortcomings")
    page.fill("textarea[name=findings]", "Thu đảng phí không đúng quy định, có dấu hiệu vi phạm")
    page.fill("input[name=concluded_on]", "20/03/2026")
    page.check("input[name=signs_of_violation]")
    _submit(page)
    expect(page.locator("table.subjects")).to_contain_text("Có dấu hiệu vi phạm")

    page.click("text=Chuyển sang kiểm tra khi có dấu hiệu vi phạm")
    page.check("input[name=subjects]")
    page.fill("input[name=so_quyet_dinh]", "15-QĐ/UBKT")
    page.fill("input[name=ngay_quyet_dinh]", "25/03/2026")
    _submit(page)
    expect(page.locator("h1")).to_have_text("Kiểm tra khi có dấu hiệu vi phạm")
    expect(page.locator(".card")).to_contain_text("Chuyển từ")

    page.click("text=Ghi kết luận")
    page.select_option("select[name=conclusion]", "discipline_required")
    page.fill("textarea[name=findings]", "Vi phạm đến mức phải xem xét kỷ luật")
    page.fill("input[name=concluded_on]", "20/04/2026")
    _submit(page)
    page.click("a:text-is('Xem xét kỷ luật')")
    page.fill("input[name=violation_from]", "01/06/2025")
    page.select_option("select[name=violation_content]", "finance_land")
    page.fill("textarea[name=violation_description]", "Quản lý đảng phí sai quy định")
    page.select_option("select[name=proposed_form]", "reprimand")
    _submit(page)
    expect(page.locator("h1")).to_contain_text("Đảng bộ Công ty Alpha")

    page.click("text=Ghi quyết định kỷ luật")
    page.select_option("select[name=deciding_organisation]", str(tree.du.pk))
    page.select_option("select[name=deciding_actor]", "standing_committee")
    page.fill("input[name=concluded_on]", "20/04/2026")
    page.fill("input[name=voting_members]", "9")
    page.fill("input[name=phieu_khien_trach]", "4")   # 4 of 9: not a majority
    page.fill("input[name=so_quyet_dinh]", "30-QĐ/ĐU")
    page.fill("input[name=ngay_quyet_dinh]", "05/05/2026")
    page.fill("input[name=delivered_on]", "06/05/2026")
    _submit(page)
    expect(page.locator(".errorbox")).to_contain_text("DIS-04")
    page.fill("input[name=phieu_khien_trach]", "7")
    _submit(page)
    expect(page.locator(".case")).to_contain_text("Khiển trách")
    expect(page.locator(".case")).to_contain_text("05/05/2026")

    page.click("text=Ghi đơn khiếu nại")
    page.fill("input[name=received_on]", "20/05/2026")
    page.fill("textarea[name=content]", "Đề nghị xem xét lại hình thức kỷ luật")
    page.fill("input[name=external_body]", "Ban Thường vụ Thành ủy")
    _submit(page)
    expect(page.locator("table.appeals")).to_contain_text("Đang giải quyết")
    page.screenshot(path=SHOTS / "oversight_case.png", full_page=True)
    page.goto("/kiem-tra-giam-sat/")
    expect(page.locator("body")).to_contain_text("Khiếu nại chờ giải quyết")
    page.screenshot(path=SHOTS / "oversight_index.png", full_page=True)

    # The suspension of an organisation's activity (SUS-03: at most 90 days).
    page.click("a:text-is('Đình chỉ sinh hoạt')")
    page.select_option("select[name=organisation]", str(tree.b2.pk))
    page.select_option("select[name=kind]", "organisation")
    page.select_option("select[name=ground]", "obstruction")
    page.select_option("select[name=deciding_organisation]", str(tree.du.pk))
    page.select_option("select[name=deciding_actor]", "standing_committee")
    page.fill("input[name=decision_number]", "40-QĐ/ĐU")
    page.fill("input[name=starts_on]", "01/06/2026")
    page.fill("input[name=ends_on]", "15/09/2026")
    _submit(page)
    expect(page.locator(".errorbox")).to_contain_text("SUS-03")
    page.fill("input[name=ends_on]", "30/06/2026")
    _submit(page)
    expect(page.locator("h1")).to_have_text("Đình chỉ hoạt động của tổ chức đảng: Chi bộ Công ty Beta")

    case = DisciplineCase.objects.get()
    assert case.decided_form == "reprimand" and case.status == "decided"
    assert Appeal.objects.get(case=case).outcome == ""

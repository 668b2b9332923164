"""The records core in a real browser: log in, open the tree, add a member, record a transfer, see it on
the timeline, check that the lists moved."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dangvu.members.models import EventKind
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def _login(page, username):
    page.goto("/dang-nhap/")
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Xin chào")


def test_admit_then_transfer_a_member(transactional_db, page, tree, cast):
    SHOTS.mkdir(exist_ok=True)
    _login(page, "committee_staff")

    page.click("nav >> text=Tổ chức đảng")
    expect(page.locator(".tree")).to_contain_text("Chi bộ Phân xưởng 1")
    page.screenshot(path=SHOTS / "tree.png", full_page=True)

    page.goto("/dang-vien/ket-nap/")
    page.fill("input[name=full_name]", "Nguyễn Thị Hồng Nhung")
    page.select_option("select[name=gender]", "female")
    page.fill("input[name=date_of_birth]", "14/02/1995")
    page.fill("input[name=citizen_id]", "079195012345")
    page.select_option("select[name=organisation]", str(tree.c1.pk))
    page.fill("input[name=so_quyet_dinh]", "125-QĐ/ĐU")
    page.fill("input[name=admitted_on]", "03/02/2020")
    page.fill("input[name=ceremony_date]", "20/02/2020")
    page.click("form.form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Nguyễn Thị Hồng Nhung")
    expect(page.locator(".timeline")).to_contain_text("Kết nạp")

    page.click("a[href$='/su-kien/chuyen-sinh-hoat/']")
    page.select_option("select[name=organisation]", str(tree.c2.pk))
    page.fill("input[name=effective_date]", "15/06/2021")
    page.fill("input[name=so_quyet_dinh]", "210-QĐ/ĐU")
    page.click("form.form button[type=submit]")
    expect(page.locator(".timeline")).to_contain_text(EventKind.TRANSFER.label)
    expect(page.locator(".timeline")).to_contain_text("15/06/2021")
    page.screenshot(path=SHOTS / "member.png", full_page=True)

    page.goto(f"/dang-vien/?to_chuc={tree.c2.pk}")
    expect(page.locator("#ket-qua, table").first).to_contain_text("Nguyễn Thị Hồng Nhung")
    page.goto(f"/dang-vien/?to_chuc={tree.c1.pk}")
    expect(page.locator("body")).not_to_contain_text("Nguyễn Thị Hồng Nhung")

    # The search ignores diacritics and updates the list in place (htmx).
    page.goto("/dang-vien/")
    page.fill("input[name=q]", "nguyen thi hong")
    expect(page.locator("table")).to_contain_text("Nguyễn Thị Hồng Nhung")
    page.screenshot(path=SHOTS / "list.png", full_page=True)


def test_a_refused_event_shows_the_rule_and_saves_nothing(transactional_db, page, tree, cast, admit):
    member = admit(tree.c1, name="Trần Văn Tâm", on=__import__("datetime").date(2024, 3, 1))
    _login(page, "base_clerk")
    page.goto(f"/dang-vien/{member.pk}/su-kien/cong-nhan-chinh-thuc/")
    page.fill("input[name=effective_date]", "01/09/2024")
    page.click("form.form button[type=submit]")
    expect(page.locator(".errorbox")).to_contain_text(re.compile(r"PROB-0[14]"))
    assert member.events.count() == 1

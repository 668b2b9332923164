"""Member development in a real browser: a cell secretary's office puts a worker in the source list and
takes her through every step to official member; the ledger, the deadlines page and the funnel show it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from dangvu.common.dates import add_months
from dangvu.development.models import Candidate
from dangvu.members.models import EventKind, MemberStatus
from dangvu.members.services import member_record_event
from dangvu.organisations.services import Decision
from tests.browser.test_member_journey import _login

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def _official(admit, system_user, organisation, name):
    member = admit(organisation, name=name, on=date(2019, 1, 2))
    member_record_event(actor=system_user, member=member, kind=EventKind.RECOGNITION,
                        effective_date=add_months(date(2019, 1, 2), 12),
                        decision=Decision("9-QĐ/ĐU", date(2020, 1, 2), "BTV"))
    return member


def _step(page, pk, slug, fields: dict, selects: dict | None = None, checks=()):
    page.goto(f"/phat-trien-dang/{pk}/buoc/{slug}/")
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    for name, value in (selects or {}).items():
        page.select_option(f"select[name={name}]", value)
    for name in checks:
        page.check(f"input[name={name}]")
    page.click("form.form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Đã ghi")


def test_candidate_to_official_member(transactional_db, page, tree, cast, admit, system_user):
    SHOTS.mkdir(exist_ok=True)
    first = _official(admit, system_user, tree.c1, "Nguyễn Văn Giới")
    second = _official(admit, system_user, tree.c1, "Trần Thị Thiệu")
    _login(page, "base_clerk")

    page.goto("/phat-trien-dang/")
    expect(page.locator("h1")).to_have_text("Nguồn phát triển đảng viên")
    page.click("text=Thêm người vào danh sách nguồn")
    page.select_option("select[name=organisation]", str(tree.c1.pk))
    page.fill("input[name=full_name]", "Phạm Thị Hoa")
    page.select_option("select[name=gender]", "female")
    page.fill("input[name=date_of_birth]", "20/05/1998")
    page.fill("input[name=citizen_id]", "079198001234")
    page.select_option("select[name=occupation]", "worker")
    page.check("input[name=is_youth_union_member]")
    page.select_option("select[name=helper]", str(first.pk))
    page.fill("input[name=listed_on]", "01/06/2022")
    page.click("form.form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Phạm Thị Hoa")
    pk = Candidate.objects.get(full_name="Phạm Thị Hoa").pk

    _step(page, pk, "hoc-lop", {"ngay": "10/01/2023", "so_van_ban": "CN-123/2023", "co_quan": "Trung tâm Chính trị"})
    _step(page, pk, "don-xin-vao-dang", {"ngay": "01/02/2023"})
    _step(page, pk, "ly-lich", {"ngay": "05/02/2023"})
    _step(page, pk, "tham-tra", {"ngay": "01/03/2023", "ket_luan": "Lý lịch rõ ràng."})
    _step(page, pk, "gioi-thieu", {"ngay": "10/03/2023", "gt1_tu_ngay": "04/01/2021", "gt2_tu_ngay": "04/01/2021"},
          {"gt1": str(first.pk), "gt2": str(second.pk)})
    _step(page, pk, "nhan-xet", {"ngay": "15/03/2023", "ngay_doan_the": "13/03/2023", "ngay_noi_cu_tru": "14/03/2023"})

    # A refused step shows the rule and saves nothing: 2 of 4 is less than two thirds.
    page.goto(f"/phat-trien-dang/{pk}/buoc/nghi-quyet-chi-bo/")
    page.fill("[name=ngay]", "20/03/2023")
    page.fill("[name=so_van_ban]", "01-NQ/CB")
    page.fill("[name=so_dv_chinh_thuc]", "4")
    page.fill("[name=so_tan_thanh]", "2")
    page.click("form.form button[type=submit]")
    expect(page.locator(".errorbox")).to_contain_text("[ADM-10]")
    page.screenshot(path=SHOTS / "development-refused.png", full_page=True)
    page.fill("[name=so_tan_thanh]", "4")
    page.click("form.form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Đã ghi")

    _step(page, pk, "nghi-quyet-dang-uy", {"ngay": "27/03/2023", "so_van_ban": "05-NQ/ĐU"})
    _step(page, pk, "quyet-dinh-ket-nap", {"ngay": "10/04/2023", "so_van_ban": "125-QĐ/ĐU", "ngay_nhan": "12/04/2023",
                                           "nguoi_ky": "Lê Văn Bí"}, {"loai_co_quan": "superior_standing"})
    _step(page, pk, "le-ket-nap", {"ngay": "05/05/2023"})
    _step(page, pk, "nghi-quyet-cong-nhan", {"ngay": "06/05/2024", "so_van_ban": "07-NQ/CB", "so_dv_chinh_thuc": "4",
                                             "so_tan_thanh": "4"})
    _step(page, pk, "quyet-dinh-cong-nhan", {"ngay": "20/05/2024", "so_van_ban": "310-QĐ/ĐU", "nguoi_ky": "Lê Văn Bí"},
          {"loai_co_quan": "superior_standing"})
    expect(page.locator("h1")).to_contain_text("Đảng viên chính thức")
    expect(page.locator(".timeline")).to_contain_text("Quyết định công nhận đảng viên chính thức")
    expect(page.locator("body")).to_contain_text("Hết 12 tháng dự bị ngày 05/05/2024")
    with page.expect_download() as download:
        page.click("text=Quyết định kết nạp đảng viên (.docx)")
    assert download.value.suggested_filename.endswith(".docx")
    page.screenshot(path=SHOTS / "development-candidate.png", full_page=True)

    # The ledger of the records core.
    page.click("text=Xem hồ sơ đảng viên")
    expect(page.locator("h1")).to_contain_text("Phạm Thị Hoa")
    expect(page.locator(".timeline")).to_contain_text("Kết nạp")
    expect(page.locator(".timeline")).to_contain_text("Công nhận đảng viên chính thức")
    candidate = Candidate.objects.get(pk=pk)
    assert candidate.member.status == MemberStatus.OFFICIAL and candidate.member.official_on == date(2024, 5, 5)

    # The funnel: listed, course, file, admitted, official all count her.
    page.goto(f"/phat-trien-dang/chi-tieu/?to_chuc={tree.b1.pk}&ngay=31/12/2024")
    row = page.locator("#pheu-to-chuc tr", has_text="Chi bộ Phân xưởng 1")
    expect(row).to_have_text(re.compile(r"Chi bộ Phân xưởng 1\s*1\s*1\s*1\s*1\s*1"))
    page.screenshot(path=SHOTS / "development-funnel.png", full_page=True)


def test_deadlines_page_shows_a_waiting_ceremony(transactional_db, page, tree, cast, admit, system_user):
    admit(tree.c1, name="Đào Thị Dự Bị", on=date(2025, 10, 1), ceremony=date(2025, 10, 20))
    with time_machine.travel(date(2026, 10, 1), tick=True):
        _login(page, "base_clerk")
        page.goto("/phat-trien-dang/han-xu-ly/")
        expect(page.locator("h1")).to_contain_text("Việc đến hạn")
        expect(page.locator("table.deadlines")).to_contain_text("Đào Thị Dự Bị")
        expect(page.locator("table.deadlines")).to_contain_text("20/10/2026")
        page.screenshot(path=SHOTS / "development-deadlines.png", full_page=True)

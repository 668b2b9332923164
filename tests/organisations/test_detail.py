"""One organisation's page: facts, host unit, sub-units with counts, terms and posts, history."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from dangvu.organisations.models import BodyKind, OrganisationEvent, PostKind
from dangvu.organisations.services import (
    Decision,
    body_create,
    host_unit_create,
    organisation_rename,
    organisation_set_host_unit,
    post_assign,
)


def url(org) -> str:
    return f"/to-chuc/{org.pk}/"


def test_detail_shows_facts_host_unit_sub_units_and_members_link(client, tree, cast, admit, official, system_user):
    unit = host_unit_create(actor=system_user, name="Công ty TNHH Alpha Việt Nam", unit_type="foreign_invested",
                            zone_kind="export_processing_zone", zone_name="Khu chế xuất Tân Thuận",
                            address="Số 1 đường Tân Thuận, Quận 7", workers=1200)
    organisation_set_host_unit(actor=system_user, organisation=tree.b1, host_unit=unit)
    admit(tree.c1, name="Trần Thị Bình")
    official(tree.c2, name="Lê Văn Cường")
    client.force_login(cast.committee_staff)
    response = client.get(url(tree.b1))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Đảng bộ Công ty Alpha</h1>" in html
    assert "<dd>B1</dd>" in html and "<dd>Đảng bộ cơ sở</dd>" in html
    assert f'<a href="/to-chuc/{tree.du.pk}/">Đảng bộ Khu công nghiệp Demo</a>' in html
    assert "<dd>01/01/2015</dd>" in html
    assert "Công ty TNHH Alpha Việt Nam" in html and "Doanh nghiệp có vốn đầu tư nước ngoài" in html
    assert "Khu chế xuất: Khu chế xuất Tân Thuận" in html and "Số 1 đường Tân Thuận, Quận 7" in html
    assert "1.200" in html
    assert "<dd>2 (1 chính thức), tính đến ngày" in html
    assert f'href="/to-chuc/{tree.c1.pk}/">Chi bộ Phân xưởng 1</a>' in html
    assert f'href="/to-chuc/{tree.c2.pk}/">Chi bộ Phân xưởng 2</a>' in html
    assert f'href="/dang-vien/?to_chuc={tree.b1.pk}"' in html


def test_base_clerk_sees_parent_name_without_a_link_and_no_change_buttons(client, tree, cast):
    client.force_login(cast.base_clerk)
    html = client.get(url(tree.b1)).content.decode()
    assert "<dd>Đảng bộ Khu công nghiệp Demo</dd>" in html
    assert f'href="/to-chuc/{tree.du.pk}/"' not in html
    assert "/su-kien/" not in html and "/nhiem-ky/them/" not in html


def test_change_buttons_only_for_structure_writers(client, tree, cast):
    for role, shown in (("committee_staff", True), ("admin", True), ("leader", False), ("inspection_staff", False)):
        client.force_login(getattr(cast, role))
        html = client.get(url(tree.c1)).content.decode()
        for slug in ("doi-ten", "chuyen", "doi-loai", "sap-nhap", "chia-tach", "giai-the"):
            assert (f"/to-chuc/{tree.c1.pk}/su-kien/{slug}/" in html) is shown, (role, slug)
        assert (f"/to-chuc/{tree.c1.pk}/nhiem-ky/them/" in html) is shown, role


def test_history_lists_events_with_decision_and_void_mark(client, tree, cast, system_user):
    organisation_rename(actor=system_user, organisation=tree.c1, new_name="Chi bộ Xưởng Cơ khí",
                        effective_date=date(2020, 6, 1), decision=Decision("5-QĐ/ĐU", date(2020, 5, 25), "BTV Đảng ủy"))
    founding = OrganisationEvent.objects.get(organisation=tree.c1, kind="founding")
    client.force_login(cast.committee_staff)
    html = client.get(url(tree.c1)).content.decode()
    assert "<td>Thành lập</td>" in html and "<td>Đổi tên</td>" in html
    assert "Tên mới: Chi bộ Xưởng Cơ khí" in html
    assert "<td>01/06/2020</td>" in html and "<td>5-QĐ/ĐU</td>" in html and "<td>25/05/2020</td>" in html
    assert "<td>BTV Đảng ủy</td>" in html and "<td>he_thong</td>" in html
    assert timezone.localtime(founding.recorded_at).strftime("%d/%m/%Y %H:%M") in html
    assert "Đã hủy" not in html
    # Voiding is done by a data correction outside these pages; the history must still show it.
    OrganisationEvent.objects.filter(organisation=tree.c1, kind="renaming").update(
        voided_at=timezone.now(), void_reason="Nhập nhầm tổ chức")
    html = client.get(url(tree.c1)).content.decode()
    assert '<tr class="voided">' in html and "Đã hủy" in html and "Nhập nhầm tổ chức" in html


def test_terms_bodies_and_posts_are_listed(client, tree, cast, official, b1_term, system_user):
    member = official(tree.c1, name="Hoàng Văn Em")
    body = body_create(actor=system_user, term=b1_term, kind=BodyKind.EXECUTIVE_COMMITTEE)
    post_assign(actor=system_user, body=body, member=member, kind=PostKind.SECRETARY, starts_on=date(2020, 7, 1))
    client.force_login(cast.leader)
    html = client.get(url(tree.b1)).content.decode()
    assert "Nhiệm kỳ 2020 – 2025" in html and "Từ ngày 01/07/2020, chưa kết thúc." in html
    assert "<h4>Ban Chấp hành (cấp ủy)</h4>" in html
    assert "<td>Bí thư</td><td>Hoàng Văn Em</td><td>01/07/2020</td>" in html
    assert "Bầu tại đại hội" in html
    assert "chuc-vu/them" not in html  # leader reads only


def test_ended_organisation_shows_its_end_and_no_event_buttons(client, tree, cast):
    client.force_login(cast.committee_staff)
    client.post(f"/to-chuc/{tree.c2.pk}/su-kien/giai-the/", {
        "ngay_hieu_luc": "01/06/2020", "so_quyet_dinh": "7-QĐ/ĐU"})
    html = client.get(url(tree.c2)).content.decode()
    assert "Tổ chức này đã chấm dứt hoạt động từ ngày 01/06/2020" in html
    assert "/su-kien/" not in html
    assert "<td>Giải thể</td>" in html


def test_outsider_gets_404_and_other_methods_405(client, tree, cast):
    client.force_login(cast.outsider)
    assert client.get(url(tree.b1)).status_code == 404
    assert client.get(url(tree.b2)).status_code == 200
    assert client.get("/to-chuc/999999/").status_code == 404
    client.force_login(cast.committee_staff)
    assert client.post(url(tree.b1)).status_code == 405

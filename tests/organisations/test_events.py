"""Decisions about an existing organisation: /to-chuc/<pk>/su-kien/<kind>/."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.audit.models import AuditAction, AuditEntry
from dangvu.members.models import Member
from dangvu.organisations.models import Organisation, OrganisationEvent
from dangvu.organisations.selectors import flatten, organisation_tree
from dangvu.organisations.services import Decision, organisation_found
from tests.organisations.conftest import decision

KINDS = ("doi-ten", "chuyen", "doi-loai", "sap-nhap", "chia-tach", "giai-the")


def url(org, kind: str) -> str:
    return f"/to-chuc/{org.pk}/su-kien/{kind}/"


def counts() -> tuple[int, int, int]:
    return OrganisationEvent.objects.count(), AuditEntry.objects.count(), Organisation.objects.count()


def names_on(user, day: date) -> set[str]:
    return {node.name for node in flatten(organisation_tree(user=user, day=day))}


@pytest.fixture
def staff(client, cast):
    client.force_login(cast.committee_staff)
    return client


# Rename, move, type change --------------------------------------------------------------------

def test_rename_records_event_and_audit_and_the_tree_before_keeps_the_old_name(staff, tree, cast):
    audits = AuditEntry.objects.count()
    response = staff.post(url(tree.c1, "doi-ten"), {"ten_moi": "Chi bộ Xưởng Cơ khí", **decision()}, follow=True)
    assert response.redirect_chain[-1][0] == f"/to-chuc/{tree.c1.pk}/"
    html = response.content.decode()
    assert "Đã ghi quyết định đổi tên: Chi bộ Phân xưởng 1 → Chi bộ Xưởng Cơ khí." in html
    event = OrganisationEvent.objects.get(organisation=tree.c1, kind="renaming")
    assert (event.new_name, event.effective_date, event.decision_number, event.decision_date, event.deciding_body) == (
        "Chi bộ Xưởng Cơ khí", date(2020, 6, 1), "125-QĐ/ĐU", date(2020, 5, 25), "Ban Thường vụ Đảng ủy")
    assert event.recorded_by == cast.committee_staff
    entry = AuditEntry.objects.get(action=AuditAction.ORG_EVENT, event_type="renaming", target_id=str(tree.c1.pk))
    assert entry.actor == cast.committee_staff and AuditEntry.objects.count() == audits + 1
    tree.c1.refresh_from_db()
    assert tree.c1.name == "Chi bộ Xưởng Cơ khí"
    assert "Chi bộ Phân xưởng 1" in names_on(cast.committee_staff, date(2020, 5, 31))
    assert "Chi bộ Xưởng Cơ khí" in names_on(cast.committee_staff, date(2020, 6, 1))
    old = staff.get("/to-chuc/", {"ngay": "31/05/2020"}).content.decode()
    assert "Chi bộ Phân xưởng 1" in old and "Chi bộ Xưởng Cơ khí" not in old


def test_move_cell_to_another_base_committee_moves_its_members(staff, tree, cast, admit, system_user):
    b3 = organisation_found(actor=system_user, code="B3", name="Đảng bộ Công ty Gamma", org_type="base_party_committee",
                            parent=tree.du, founded_on=date(2016, 1, 1), decision=Decision("3-QĐ/ĐU"))
    member = admit(tree.c2, name="Vũ Thị Hoa")
    response = staff.post(url(tree.c2, "chuyen"), {"cap_tren_moi": b3.pk, **decision()})
    assert response.status_code == 302
    tree.c2.refresh_from_db()
    member.refresh_from_db()
    assert tree.c2.parent == b3 and tree.c2.path.startswith(b3.path)
    assert member.org_path == tree.c2.path
    assert OrganisationEvent.objects.filter(organisation=tree.c2, kind="move", new_parent=b3).exists()
    # The base clerk of B1 no longer sees C2 nor its member.
    staff.force_login(cast.base_clerk)
    assert staff.get(f"/to-chuc/{tree.c2.pk}/").status_code == 404


def test_org_11_moving_a_committee_under_its_own_cell_is_refused(staff, tree):
    before = counts()
    response = staff.post(url(tree.b1, "chuyen"), {"cap_tren_moi": tree.c1.pk, **decision()})
    assert response.status_code == 200
    assert "[ORG-11] Không thể chuyển tổ chức đảng vào chính nó hoặc vào một tổ chức cấp dưới của nó." in \
        response.content.decode()
    assert counts() == before
    tree.b1.refresh_from_db()
    assert tree.b1.parent == tree.du


def test_org_12_moving_a_cell_under_a_base_cell_is_refused(staff, tree):
    before = counts()
    response = staff.post(url(tree.c1, "chuyen"), {"cap_tren_moi": tree.b2.pk, **decision()})
    assert response.status_code == 200
    assert "[ORG-12]" in response.content.decode()
    assert counts() == before


def test_move_targets_exclude_the_organisation_itself(staff, tree):
    html = staff.get(url(tree.b1, "chuyen")).content.decode()
    assert f'<option value="{tree.b1.pk}"' not in html and f'<option value="{tree.du.pk}"' in html
    assert "Hiện đang trực thuộc: Đảng bộ Khu công nghiệp Demo" in html


def test_type_change_base_cell_to_base_committee(staff, tree):
    response = staff.post(url(tree.b2, "doi-loai"), {"loai_moi": "base_party_committee", **decision()}, follow=True)
    assert "nay là đảng bộ cơ sở" in response.content.decode()
    tree.b2.refresh_from_db()
    assert tree.b2.org_type == "base_party_committee"


def test_org_12_type_change_that_no_longer_fits_the_parent_is_refused(staff, tree):
    before = counts()
    response = staff.post(url(tree.b1, "doi-loai"), {"loai_moi": "subordinate_cell", **decision()})
    assert "[ORG-12]" in response.content.decode()
    assert counts() == before


# Merge, split, dissolve -----------------------------------------------------------------------

def test_org_13_merge_with_open_children_is_refused(staff, tree):
    before = counts()
    response = staff.post(url(tree.b1, "sap-nhap"), {"sap_nhap_vao": tree.b2.pk, **decision()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "[ORG-13] Không thể giải thể hoặc sáp nhập tổ chức còn tổ chức trực thuộc đang hoạt động" in html
    assert "Còn 2 tổ chức trực thuộc." in html
    assert counts() == before
    tree.b1.refresh_from_db()
    assert tree.b1.is_active


def test_merge_cell_moves_its_members_and_ends_it(staff, tree, admit):
    member = admit(tree.c2, name="Đỗ Văn Giang")
    response = staff.post(url(tree.c2, "sap-nhap"), {"sap_nhap_vao": tree.c1.pk, **decision()}, follow=True)
    assert "1 đảng viên được chuyển theo" in response.content.decode()
    tree.c2.refresh_from_db()
    member.refresh_from_db()
    assert tree.c2.ended_on == date(2020, 6, 1) and tree.c2.successor == tree.c1
    assert member.organisation == tree.c1
    assert member.events.filter(kind="org_transfer", org_event__kind="merger").exists()


def test_split_into_two_new_cells_ending_the_old_one(staff, tree, admit):
    member = admit(tree.c2, name="Bùi Thị Hạnh")
    data = {"ma_1": "C2A", "ten_1": "Chi bộ Phân xưởng 2A", "loai_1": "subordinate_cell",
            "ma_2": "C2B", "ten_2": "Chi bộ Phân xưởng 2B", "loai_2": "subordinate_cell", "cham_dut": "on",
            **decision()}
    response = staff.post(url(tree.c2, "chia-tach"), data, follow=True)
    assert "thành: Chi bộ Phân xưởng 2A, Chi bộ Phân xưởng 2B" in response.content.decode()
    first, second = Organisation.objects.get(code="C2A"), Organisation.objects.get(code="C2B")
    assert first.parent == second.parent == tree.b1
    tree.c2.refresh_from_db()
    member.refresh_from_db()
    assert tree.c2.ended_on == date(2020, 6, 1)
    assert member.organisation == first
    assert OrganisationEvent.objects.get(organisation=tree.c2, kind="split").ends_original


def test_split_form_checks_the_old_unit_ends_by_default(staff, tree):
    html = staff.get(url(tree.c2, "chia-tach")).content.decode()
    assert 'name="cham_dut" aria-describedby="id_cham_dut_helptext" id="id_cham_dut" checked' in html


def test_org_16_split_ending_the_old_unit_needs_two_new_ones(staff, tree):
    before = counts()
    data = {"ma_1": "C2A", "ten_1": "Chi bộ Phân xưởng 2A", "loai_1": "subordinate_cell", "cham_dut": "on",
            **decision()}
    response = staff.post(url(tree.c2, "chia-tach"), data)
    assert "[ORG-16]" in response.content.decode()
    assert counts() == before


def test_split_keeping_the_old_unit_with_one_new_one(staff, tree):
    data = {"ma_1": "C2A", "ten_1": "Chi bộ Phân xưởng 2A", "loai_1": "subordinate_cell", **decision()}
    assert staff.post(url(tree.c2, "chia-tach"), data).status_code == 302
    tree.c2.refresh_from_db()
    assert tree.c2.is_active and Organisation.objects.filter(code="C2A").exists()


def test_split_second_unit_needs_both_code_and_name(staff, tree):
    data = {"ma_1": "C2A", "ten_1": "Chi bộ 2A", "loai_1": "subordinate_cell", "ma_2": "C2B", "cham_dut": "on",
            **decision()}
    html = staff.post(url(tree.c2, "chia-tach"), data).content.decode()
    assert "Nhập đủ mã và tên của tổ chức mới thứ hai" in html
    assert not Organisation.objects.filter(code="C2A").exists()


def test_org_15_dissolving_with_members_needs_a_receiving_organisation(staff, tree, admit):
    member = admit(tree.c2, name="Ngô Văn Khoa")
    before = counts()
    response = staff.post(url(tree.c2, "giai-the"), decision())
    assert "[ORG-15]" in response.content.decode() and "Còn 1 đảng viên." in response.content.decode()
    assert counts() == before
    response = staff.post(url(tree.c2, "giai-the"), {"chuyen_dang_vien_ve": tree.c1.pk, **decision()}, follow=True)
    assert "1 đảng viên được chuyển về Chi bộ Phân xưởng 1." in response.content.decode()
    tree.c2.refresh_from_db()
    member.refresh_from_db()
    assert tree.c2.ended_on == date(2020, 6, 1) and member.organisation == tree.c1


def test_org_13_dissolving_a_committee_with_open_children_is_refused(staff, tree):
    before = counts()
    assert "[ORG-13]" in staff.post(url(tree.b1, "giai-the"), decision()).content.decode()
    assert counts() == before


def test_org_10_no_decision_on_a_dissolved_organisation(staff, tree):
    staff.post(url(tree.c2, "giai-the"), decision())
    before = counts()
    response = staff.post(url(tree.c2, "doi-ten"), {"ten_moi": "Tên khác", **decision(ngay_hieu_luc="01/07/2020")})
    html = response.content.decode()
    assert "[ORG-10]" in html and "Tổ chức này đã chấm dứt hoạt động từ ngày 01/06/2020." in html
    assert counts() == before


def test_life_06_future_effective_date_is_refused(staff, tree):
    before = counts()
    response = staff.post(url(tree.c1, "doi-ten"), {"ten_moi": "Tên khác", **decision(ngay_hieu_luc="01/01/2099")})
    assert "[LIFE-06]" in response.content.decode()
    assert counts() == before


def test_receiving_organisations_exclude_itself_ended_ones_and_party_groups(staff, tree, system_user):
    organisation_found(actor=system_user, code="T1", name="Tổ đảng Ca sáng", org_type="party_group", parent=tree.c1,
                       founded_on=date(2016, 1, 1), decision=Decision("4-QĐ/ĐU"))
    html = staff.get(url(tree.c2, "sap-nhap")).content.decode()
    assert f'<option value="{tree.c2.pk}"' not in html and f'<option value="{tree.c1.pk}"' in html
    assert "Tổ đảng Ca sáng" not in html


# Form handling and refusals -------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_every_form_renders_and_empty_post_shows_errors(staff, tree, kind):
    page = staff.get(url(tree.c1, kind))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ngày hiệu lực" in html and "Số quyết định" in html and "Ngày quyết định" in html
    assert "Cơ quan quyết định" in html
    before = counts()
    response = staff.post(url(tree.c1, kind), {})
    assert response.status_code == 200 and "Vui lòng nhập mục này." in response.content.decode()
    assert counts() == before


def test_unknown_kind_is_404(staff, tree):
    assert staff.get(url(tree.c1, "doi-mau")).status_code == 404
    assert staff.post(url(tree.c1, "doi-mau"), decision()).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_read_only_and_clerk_roles_get_403_outsiders_404(client, tree, cast, kind):
    before = counts()
    for role, org, status in (("leader", tree.c1, 403), ("inspection_staff", tree.b1, 403),
                              ("base_clerk", tree.c1, 403), ("base_clerk", tree.b2, 404),
                              ("outsider", tree.b1, 404), ("outsider", tree.b2, 403)):
        client.force_login(getattr(cast, role))
        assert client.get(url(org, kind)).status_code == status, (role, org.code)
        assert client.post(url(org, kind), {"ten_moi": "X", **decision()}).status_code == status, (role, org.code)
    assert counts() == before


def test_wrong_method_is_405(staff, tree):
    assert staff.put(url(tree.c1, "doi-ten")).status_code == 405
    assert staff.delete(url(tree.c1, "giai-the")).status_code == 405
    assert Member.objects.count() == 0

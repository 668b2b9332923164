"""Founding an organisation: /to-chuc/them/."""

from __future__ import annotations

import pytest

from dangvu.audit.models import AuditAction, AuditEntry
from dangvu.organisations.models import HostUnit, Organisation, OrganisationEvent
from dangvu.organisations.services import host_unit_create
from tests.organisations.conftest import decision

URL = "/to-chuc/them/"


def found(**fields) -> dict[str, str]:
    return {"ma": "C3", "ten": "Chi bộ Phân xưởng 3", "loai": "subordinate_cell",
            **decision(ngay_hieu_luc="01/06/2020"), **fields}


def test_found_subordinate_cell_under_base_committee(client, tree, cast, system_user):
    unit = host_unit_create(actor=system_user, name="Phân xưởng 3 Công ty Alpha", unit_type="foreign_invested")
    client.force_login(cast.committee_staff)
    response = client.post(URL, found(cap_tren=tree.b1.pk, don_vi=unit.pk), follow=True)
    created = Organisation.objects.get(code="C3")
    assert response.redirect_chain[-1][0] == f"/to-chuc/{created.pk}/"
    assert "Đã thành lập Chi bộ Phân xưởng 3 (mã C3)." in response.content.decode()
    assert created.parent == tree.b1 and created.org_type == "subordinate_cell" and created.host_unit == unit
    assert created.path.startswith(tree.b1.path)
    event = OrganisationEvent.objects.get(organisation=created)
    assert (event.kind, event.decision_number, event.deciding_body) == ("founding", "125-QĐ/ĐU", "Ban Thường vụ Đảng ủy")
    assert event.recorded_by == cast.committee_staff
    assert AuditEntry.objects.filter(action=AuditAction.ORG_EVENT, target_id=str(created.pk),
                                     actor=cast.committee_staff).exists()


def test_org_12_subordinate_cell_directly_under_superior_committee_is_refused(client, tree, cast):
    client.force_login(cast.committee_staff)
    events, audits = OrganisationEvent.objects.count(), AuditEntry.objects.count()
    response = client.post(URL, found(cap_tren=tree.du.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "[ORG-12] Loại tổ chức không phù hợp với tổ chức cấp trên." in html
    assert '<div class="errorbox" role="alert">' in html
    assert not Organisation.objects.filter(code="C3").exists()
    assert (OrganisationEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)


def test_org_14_code_already_used_is_refused(client, tree, cast):
    client.force_login(cast.committee_staff)
    response = client.post(URL, found(ma="c1", cap_tren=tree.b1.pk))
    assert response.status_code == 200
    assert "[ORG-14]" in response.content.decode()
    assert Organisation.objects.filter(code="C1").count() == 1


def test_life_06_future_founding_date_is_refused(client, tree, cast):
    client.force_login(cast.committee_staff)
    response = client.post(URL, found(cap_tren=tree.b1.pk, ngay_hieu_luc="01/01/2099", ngay_quyet_dinh=""))
    assert "[LIFE-06]" in response.content.decode()
    assert not Organisation.objects.filter(code="C3").exists()


def test_empty_form_shows_vietnamese_field_errors(client, tree, cast):
    client.force_login(cast.committee_staff)
    response = client.post(URL, {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vui lòng nhập mục này." in html and "Vui lòng chọn một mục." in html


def test_bad_date_is_a_field_error(client, tree, cast):
    client.force_login(cast.committee_staff)
    html = client.post(URL, found(cap_tren=tree.b1.pk, ngay_hieu_luc="32/13/2020")).content.decode()
    assert "Ngày phải viết dạng ngày/tháng/năm" in html
    assert not Organisation.objects.filter(code="C3").exists()


def test_parent_is_prefilled_and_host_units_are_offered(client, tree, cast, system_user):
    host_unit_create(actor=system_user, name="Công ty Cổ phần Gamma", unit_type="joint_stock")
    client.force_login(cast.committee_staff)
    html = client.get(URL, {"cap_tren": tree.b1.pk}).content.decode()
    assert f'<option value="{tree.b1.pk}" selected>' in html
    assert "Công ty Cổ phần Gamma" in html
    assert "Ngày thành lập" in html and "Quyết định thành lập" in html


def test_only_admin_may_found_a_root_organisation(client, tree, cast):
    client.force_login(cast.committee_staff)
    html = client.post(URL, found(ma="DU2", ten="Đảng bộ Khu công nghệ cao", loai="superior_committee")).content.decode()
    assert "Vui lòng chọn một mục." in html
    assert not Organisation.objects.filter(code="DU2").exists()
    client.force_login(cast.admin)
    response = client.post(URL, found(ma="DU2", ten="Đảng bộ Khu công nghệ cao", loai="superior_committee"))
    assert response.status_code == 302
    assert Organisation.objects.get(code="DU2").parent is None


def test_ended_organisations_are_not_offered_as_parent(client, tree, cast):
    client.force_login(cast.committee_staff)
    client.post(f"/to-chuc/{tree.c2.pk}/su-kien/giai-the/", decision())
    html = client.get(URL).content.decode()
    assert f'<option value="{tree.c2.pk}"' not in html and f'<option value="{tree.c1.pk}"' in html


@pytest.mark.parametrize("role", ["leader", "inspection_staff", "base_clerk", "outsider"])
def test_roles_without_structure_rights_get_403(client, tree, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, found(cap_tren=tree.b1.pk)).status_code == 403
    assert not Organisation.objects.filter(code="C3").exists()
    assert not HostUnit.objects.exists()


def test_other_methods_are_refused(client, tree, cast):
    client.force_login(cast.committee_staff)
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405

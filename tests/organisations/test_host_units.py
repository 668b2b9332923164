"""Host units (đơn vị): /to-chuc/don-vi/them/, optionally attached to an organisation."""

from __future__ import annotations

import pytest

from dangvu.audit.models import AuditAction, AuditEntry
from dangvu.organisations.models import HostUnit

URL = "/to-chuc/don-vi/them/"
DATA = {"ten": "Công ty TNHH Điện tử Delta", "loai_hinh": "foreign_invested", "loai_khu": "industrial_zone",
        "ten_khu": "Khu công nghiệp Tân Bình", "dia_chi": "Lô 5, đường số 3", "so_lao_dong": "850"}


def test_create_host_unit(client, tree, cast):
    client.force_login(cast.committee_staff)
    response = client.post(URL, DATA, follow=True)
    assert response.redirect_chain[-1][0] == "/to-chuc/"
    assert "Đã thêm đơn vị Công ty TNHH Điện tử Delta." in response.content.decode()
    unit = HostUnit.objects.get()
    assert (unit.unit_type, unit.zone_kind, unit.zone_name, unit.address, unit.workers) == (
        "foreign_invested", "industrial_zone", "Khu công nghiệp Tân Bình", "Lô 5, đường số 3", 850)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, target_type="organisations.hostunit",
                                     actor=cast.committee_staff).exists()


def test_create_and_attach_to_an_organisation(client, tree, cast):
    client.force_login(cast.committee_staff)
    response = client.post(f"{URL}?to_chuc={tree.b1.pk}", DATA, follow=True)
    assert response.redirect_chain[-1][0] == f"/to-chuc/{tree.b1.pk}/"
    html = response.content.decode()
    assert "và gắn với Đảng bộ Công ty Alpha" in html
    assert "Khu công nghiệp: Khu công nghiệp Tân Bình" in html
    tree.b1.refresh_from_db()
    assert tree.b1.host_unit == HostUnit.objects.get()
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, target_type="organisations.organisation",
                                     target_id=str(tree.b1.pk)).exists()


def test_form_keeps_the_organisation_and_checks_fields(client, tree, cast):
    client.force_login(cast.committee_staff)
    page = client.get(f"{URL}?to_chuc={tree.b1.pk}").content.decode()
    assert "nơi Đảng bộ Công ty Alpha hoạt động" in page
    assert "Loại hình đơn vị" in page and "Doanh nghiệp có vốn đầu tư nước ngoài" in page
    html = client.post(URL, {**DATA, "ten_khu": "", "so_lao_dong": "-3"}).content.decode()
    assert "Vui lòng nhập tên khu." in html and "Số lao động không được âm." in html
    assert not HostUnit.objects.exists()


@pytest.mark.parametrize("role, query, status", [
    ("leader", "", 403), ("inspection_staff", "", 403), ("base_clerk", "", 403), ("outsider", "", 403),
    ("base_clerk", "?to_chuc={b1}", 403), ("outsider", "?to_chuc={b1}", 404), ("leader", "?to_chuc={b1}", 403),
    ("committee_staff", "?to_chuc=999999", 404), ("committee_staff", "?to_chuc=abc", 404),
])
def test_refusals(client, tree, cast, role, query, status):
    client.force_login(getattr(cast, role))
    target = URL + query.format(b1=tree.b1.pk)
    assert client.get(target).status_code == status
    assert client.post(target, DATA).status_code == status
    assert not HostUnit.objects.exists()


def test_wrong_method_is_405(client, tree, cast):
    client.force_login(cast.committee_staff)
    assert client.put(URL).status_code == 405

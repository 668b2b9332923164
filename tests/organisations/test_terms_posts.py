"""Terms with their bodies (/to-chuc/<pk>/nhiem-ky/them/) and posts (…/chuc-vu/them/)."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.audit.models import AuditEntry
from dangvu.organisations.models import Body, BodyKind, Post, Term
from dangvu.organisations.services import body_create, term_create


def term_url(org) -> str:
    return f"/to-chuc/{org.pk}/nhiem-ky/them/"


def post_url(org, term) -> str:
    return f"/to-chuc/{org.pk}/nhiem-ky/{term.pk}/chuc-vu/them/"


TERM = {"ten_nhiem_ky": "2025 – 2030", "tu_ngay": "15/07/2025", "den_ngay": ""}


def counts():
    return Term.objects.count(), Body.objects.count(), Post.objects.count(), AuditEntry.objects.count()


# Terms ------------------------------------------------------------------------------------------

def test_term_with_all_three_bodies_for_a_base_committee(client, tree, cast):
    client.force_login(cast.committee_staff)
    data = {**TERM, "lap_bch": "on", "lap_btv": "on", "lap_ubkt": "on"}
    response = client.post(term_url(tree.b1), data, follow=True)
    assert response.redirect_chain[-1][0] == f"/to-chuc/{tree.b1.pk}/#nhiem-ky"
    html = response.content.decode()
    assert "Đã thêm nhiệm kỳ 2025 – 2030 của Đảng bộ Công ty Alpha." in html
    term = Term.objects.get(organisation=tree.b1)
    assert (term.label, term.starts_on, term.ends_on) == ("2025 – 2030", date(2025, 7, 15), None)
    assert set(term.bodies.values_list("kind", flat=True)) == {
        BodyKind.EXECUTIVE_COMMITTEE, BodyKind.STANDING_COMMITTEE, BodyKind.INSPECTION_COMMITTEE}
    assert "<h4>Ủy ban Kiểm tra</h4>" in html


def test_com_05_inspection_committee_for_a_cell_is_refused_and_nothing_is_saved(client, tree, cast):
    client.force_login(cast.committee_staff)
    before = counts()
    response = client.post(term_url(tree.c1), {**TERM, "lap_bch": "on", "lap_ubkt": "on"})
    assert response.status_code == 200
    assert "[COM-05] Ủy ban Kiểm tra chỉ được lập từ đảng ủy cơ sở trở lên." in response.content.decode()
    assert counts() == before  # the term and the executive committee were rolled back too


def test_com_04_standing_committee_for_a_cell_is_refused(client, tree, cast):
    client.force_login(cast.committee_staff)
    before = counts()
    response = client.post(term_url(tree.b2), {**TERM, "lap_btv": "on"})
    assert "[COM-04]" in response.content.decode()
    assert counts() == before


def test_term_dates_are_checked(client, tree, cast, b1_term):
    client.force_login(cast.committee_staff)
    html = client.post(term_url(tree.b1), {**TERM, "den_ngay": "01/01/2025"}).content.decode()
    assert "Ngày kết thúc không được trước ngày bắt đầu." in html
    html = client.post(term_url(tree.b1), {**TERM, "tu_ngay": "01/07/2020"}).content.decode()
    assert "Tổ chức này đã có một nhiệm kỳ bắt đầu từ ngày này." in html
    assert Term.objects.count() == 1


def test_term_form_defaults_to_the_executive_committee(client, tree, cast):
    client.force_login(cast.committee_staff)
    html = client.get(term_url(tree.c1)).content.decode()
    assert 'name="lap_bch" id="id_lap_bch" checked' in html
    assert 'name="lap_ubkt" id="id_lap_ubkt">' in html


@pytest.mark.parametrize("role, org, status", [
    ("leader", "b1", 403), ("inspection_staff", "b1", 403), ("base_clerk", "c1", 403), ("base_clerk", "b2", 404),
    ("outsider", "b1", 404),
])
def test_term_refusals(client, tree, cast, role, org, status):
    client.force_login(getattr(cast, role))
    target = term_url(getattr(tree, org))
    assert client.get(target).status_code == status
    assert client.post(target, TERM).status_code == status
    assert not Term.objects.exists()


def test_term_wrong_method_is_405(client, tree, cast):
    client.force_login(cast.committee_staff)
    assert client.put(term_url(tree.b1)).status_code == 405


# Posts ------------------------------------------------------------------------------------------

@pytest.fixture
def bodies(b1_term, system_user):
    return {kind: body_create(actor=system_user, term=b1_term, kind=kind)
            for kind in (BodyKind.EXECUTIVE_COMMITTEE, BodyKind.INSPECTION_COMMITTEE)}


def test_assign_secretary(client, tree, cast, official, b1_term, bodies):
    member = official(tree.c1, name="Lý Thị Mai")
    client.force_login(cast.committee_staff)
    data = {"co_quan": bodies[BodyKind.EXECUTIVE_COMMITTEE].pk, "dang_vien": member.pk, "chuc_vu": "secretary",
            "tu_ngay": "01/07/2020", "hinh_thuc": "congress"}
    response = client.post(post_url(tree.b1, b1_term), data, follow=True)
    html = response.content.decode()
    assert "Đã ghi bí thư: Lý Thị Mai (Ban Chấp hành (cấp ủy), nhiệm kỳ 2020 – 2025)." in html
    post = Post.objects.get()
    assert (post.member, post.kind, post.starts_on, post.appointment) == (member, "secretary", date(2020, 7, 1), "congress")
    assert "<td>Bí thư</td><td>Lý Thị Mai</td>" in html


def test_post_01_probationary_member_is_refused(client, tree, cast, admit, b1_term, bodies):
    member = admit(tree.c1, name="Đinh Văn Nam", on=date(2020, 3, 1))
    client.force_login(cast.committee_staff)
    before = counts()
    data = {"co_quan": bodies[BodyKind.EXECUTIVE_COMMITTEE].pk, "dang_vien": member.pk,
            "chuc_vu": "committee_member", "tu_ngay": "01/07/2020", "hinh_thuc": "congress"}
    html = client.post(post_url(tree.b1, b1_term), data).content.decode()
    assert "[POST-01]" in html and "Đinh Văn Nam không phải đảng viên chính thức vào ngày 01/07/2020." in html
    assert counts() == before


def test_com_05_inspection_post_on_the_executive_committee_is_refused(client, tree, cast, official, b1_term, bodies):
    member = official(tree.c2, name="Tạ Văn Phúc")
    client.force_login(cast.committee_staff)
    before = counts()
    data = {"co_quan": bodies[BodyKind.EXECUTIVE_COMMITTEE].pk, "dang_vien": member.pk,
            "chuc_vu": "inspection_chair", "tu_ngay": "01/07/2020", "hinh_thuc": "conference"}
    assert "[COM-05]" in client.post(post_url(tree.b1, b1_term), data).content.decode()
    assert counts() == before


def test_members_outside_the_subtree_are_not_offered(client, tree, cast, official, b1_term, bodies):
    inside = official(tree.c1, name="Lâm Văn Quang")
    outside = official(tree.b2, name="Mai Thị Sen")
    client.force_login(cast.committee_staff)
    page = client.get(post_url(tree.b1, b1_term)).content.decode()
    assert "Lâm Văn Quang, sinh 01/05/1990 – Chi bộ Phân xưởng 1 (chính thức)" in page
    assert "Mai Thị Sen" not in page
    assert f'<option value="{bodies[BodyKind.INSPECTION_COMMITTEE].pk}">Ủy ban Kiểm tra</option>' in page
    data = {"co_quan": bodies[BodyKind.EXECUTIVE_COMMITTEE].pk, "dang_vien": outside.pk, "chuc_vu": "secretary",
            "tu_ngay": "01/07/2020", "hinh_thuc": "congress"}
    html = client.post(post_url(tree.b1, b1_term), data).content.decode()
    assert "Lựa chọn không hợp lệ hoặc nằm ngoài phạm vi của bạn." in html
    assert not Post.objects.exists()
    assert inside.pk


def test_body_of_another_term_is_not_accepted(client, tree, cast, official, b1_term, bodies, system_user):
    other = term_create(actor=system_user, organisation=tree.b1, label="2015 – 2020", starts_on=date(2015, 7, 1),
                        ends_on=date(2020, 6, 30))
    member = official(tree.c1)
    client.force_login(cast.committee_staff)
    data = {"co_quan": bodies[BodyKind.EXECUTIVE_COMMITTEE].pk, "dang_vien": member.pk, "chuc_vu": "secretary",
            "tu_ngay": "01/07/2020", "hinh_thuc": "congress"}
    assert "Lựa chọn không hợp lệ" in client.post(post_url(tree.b1, other), data).content.decode()
    assert not Post.objects.exists()


def test_term_without_bodies_says_so(client, tree, cast, b1_term):
    client.force_login(cast.committee_staff)
    html = client.get(post_url(tree.b1, b1_term)).content.decode()
    assert "Nhiệm kỳ này chưa có cơ quan nào" in html


def test_term_of_another_organisation_is_404(client, tree, cast, b1_term, system_user):
    client.force_login(cast.committee_staff)
    assert client.get(post_url(tree.b2, b1_term)).status_code == 404
    assert client.get(f"/to-chuc/{tree.b1.pk}/nhiem-ky/999999/chuc-vu/them/").status_code == 404


@pytest.mark.parametrize("role, status", [
    ("leader", 403), ("inspection_staff", 403), ("base_clerk", 403), ("outsider", 404)])
def test_post_refusals(client, tree, cast, b1_term, bodies, official, role, status):
    member = official(tree.c1)
    client.force_login(getattr(cast, role))
    data = {"co_quan": bodies[BodyKind.EXECUTIVE_COMMITTEE].pk, "dang_vien": member.pk, "chuc_vu": "secretary",
            "tu_ngay": "01/07/2020", "hinh_thuc": "congress"}
    assert client.get(post_url(tree.b1, b1_term)).status_code == status
    assert client.post(post_url(tree.b1, b1_term), data).status_code == status
    assert not Post.objects.exists()


def test_post_wrong_method_is_405(client, tree, cast, b1_term):
    client.force_login(cast.committee_staff)
    assert client.delete(post_url(tree.b1, b1_term)).status_code == 405

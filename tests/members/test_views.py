"""Member pages through the real stack: URL → view → access layer → service/selector → template.

Real database, real services, no mocks. Dates are typed the way users type them (dd/mm/yyyy)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangvu.audit.models import AuditAction, AuditEntry
from dangvu.common.dates import add_months
from dangvu.members.forms import EVENT_SPECS
from dangvu.members.models import EventKind, LedgerEvent, Member, MemberStatus
from dangvu.members.services import member_record_event, member_set_value
from dangvu.organisations.services import Decision

pytestmark = pytest.mark.django_db

DECISION = Decision("9-QĐ/ĐU", None, "Ban Thường vụ Đảng ủy")


# Helpers ---------------------------------------------------------------------------------------

def vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def record(user, member, kind, on, **extra):
    member_record_event(actor=user, member=member, kind=kind, effective_date=on,
                        decision=Decision(DECISION.number, on, DECISION.body), **extra)
    member.refresh_from_db()
    return member


def fresh(member) -> Member:
    return Member.objects.select_related("organisation", "temporary_organisation").get(pk=member.pk)


def names_in(response) -> list[str]:
    return [m.full_name for m in response.context["page"].object_list]


def list_names(client, **params) -> set[str]:
    response = client.get(reverse("members:list"), params)
    assert response.status_code == 200
    return set(names_in(response))


def event_url(member, slug):
    return reverse("members:event", kwargs={"pk": member.pk, "kind": slug})


def decision_data(on: date) -> dict:
    return {"so_quyet_dinh": "15-QĐ/ĐU", "ngay_quyet_dinh": vn(on), "co_quan_quyet_dinh": "Ban Thường vụ Đảng ủy"}


def snapshot(member) -> tuple:
    row = Member.objects.filter(pk=member.pk).values_list(
        "status", "organisation_id", "temporary_organisation_id", "is_exempted", "is_suspended", "official_on",
        "full_name", "date_of_birth").get()
    return (LedgerEvent.objects.filter(member=member).count(), AuditEntry.objects.count(), row)


@pytest.fixture
def admin_client(client, cast):
    client.force_login(cast.admin)
    return client


@pytest.fixture
def clerk_client(client, cast):
    client.force_login(cast.base_clerk)
    return client


@pytest.fixture
def official(tree, admit, system_user):
    """An official member of C1: admitted 01/03/2016, recognised 01/03/2017."""
    member = admit(tree.c1, name="Võ Thị Hạnh", on=date(2016, 3, 1))
    return record(system_user, member, EventKind.RECOGNITION, date(2017, 3, 1))


# List ------------------------------------------------------------------------------------------

def test_list_is_sorted_the_vietnamese_way_by_given_name(tree, admit, admin_client):
    for name in ("Nguyễn Văn Bình", "Phạm Thị Ăn", "Trần Thị Ánh", "Lê Văn Anh"):
        admit(tree.c1, name=name)
    response = admin_client.get(reverse("members:list"))
    assert names_in(response) == ["Lê Văn Anh", "Trần Thị Ánh", "Phạm Thị Ăn", "Nguyễn Văn Bình"]
    html = response.content.decode()
    positions = [html.index(name) for name in ("Lê Văn Anh", "Trần Thị Ánh", "Phạm Thị Ăn", "Nguyễn Văn Bình")]
    assert positions == sorted(positions)


def test_search_ignores_diacritics_and_case(tree, admit, admin_client):
    admit(tree.c1, name="Nguyễn Văn An")
    admit(tree.c1, name="Trần Văn Bảo")
    assert list_names(admin_client, q="nguyen van an") == {"Nguyễn Văn An"}
    assert list_names(admin_client, q="NGUYỄN") == {"Nguyễn Văn An"}
    assert list_names(admin_client, q="bao") == {"Trần Văn Bảo"}
    assert list_names(admin_client, q="không có ai") == set()


def test_each_list_filter_narrows(tree, admit, system_user, admin_client):
    today = timezone.localdate()
    born_36 = add_months(today, -12 * 36 - 1)
    born_66 = add_months(today, -12 * 66 - 1)
    born_31 = add_months(today, -12 * 31 - 1)
    an = admit(tree.c1, name="Nguyễn Văn An", born=born_36, on=date(2016, 3, 1))
    member_set_value(actor=system_user, member=an, attribute="occupation", value="worker", valid_from=date(2016, 3, 1))
    member_set_value(actor=system_user, member=an, attribute="is_youth_union_member", value=True,
                     valid_from=date(2016, 3, 1))
    admit(tree.c2, name="Lê Thị Bích", gender="female", born=born_66, on=date(2019, 5, 2))
    admit(tree.b2, name="Phạm Thị Cúc", gender="female", born=born_31, on=date(2016, 3, 1))
    gone = admit(tree.c1, name="Trần Văn Dũng", on=date(2016, 3, 1))
    record(system_user, gone, EventKind.REMOVAL, date(2018, 1, 2))

    assert list_names(admin_client) == {"Nguyễn Văn An", "Lê Thị Bích", "Phạm Thị Cúc"}
    assert list_names(admin_client, to_chuc=tree.c1.pk) == {"Nguyễn Văn An"}
    assert list_names(admin_client, to_chuc=tree.b1.pk) == {"Nguyễn Văn An", "Lê Thị Bích"}
    assert list_names(admin_client, tinh_trang="left") == {"Trần Văn Dũng"}
    assert list_names(admin_client, tinh_trang="all") == {"Nguyễn Văn An", "Lê Thị Bích", "Phạm Thị Cúc",
                                                          "Trần Văn Dũng"}
    assert list_names(admin_client, tinh_trang="probationary") == {"Nguyễn Văn An", "Lê Thị Bích", "Phạm Thị Cúc"}
    assert list_names(admin_client, tinh_trang="official") == set()
    assert list_names(admin_client, gioi_tinh="female") == {"Lê Thị Bích", "Phạm Thị Cúc"}
    assert list_names(admin_client, nghe_nghiep="worker") == {"Nguyễn Văn An"}
    assert list_names(admin_client, dac_diem="is_youth_union_member") == {"Nguyễn Văn An"}
    assert list_names(admin_client, do_tuoi="36_40") == {"Nguyễn Văn An"}
    assert list_names(admin_client, do_tuoi="over_60") == {"Lê Thị Bích"}
    assert list_names(admin_client, do_tuoi="31_35") == {"Phạm Thị Cúc"}
    assert list_names(admin_client, nam_vao_dang=2019) == {"Lê Thị Bích"}
    assert list_names(admin_client, to_chuc=tree.b1.pk, gioi_tinh="female") == {"Lê Thị Bích"}


def test_list_of_a_base_clerk_stays_in_scope(tree, admit, clerk_client):
    admit(tree.c1, name="Nguyễn Văn An")
    admit(tree.b2, name="Phạm Thị Cúc")
    assert list_names(clerk_client) == {"Nguyễn Văn An"}
    assert clerk_client.get(reverse("members:list"), {"to_chuc": tree.b2.pk}).status_code == 404


def test_htmx_request_returns_only_the_results_fragment(tree, admit, admin_client):
    admit(tree.c1, name="Nguyễn Văn An")
    full = admin_client.get(reverse("members:list"))
    assert 'hx-trigger="change, keyup changed delay:400ms from:input[name=q], submit"' in full.content.decode()
    response = admin_client.get(reverse("members:list"), {"q": "an"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert "Nguyễn Văn An" in html and "<table" in html


def test_list_queries_do_not_grow_with_rows(tree, admit, admin_client, django_assert_max_num_queries):
    for n in range(5):
        admit(tree.c1 if n % 2 else tree.c2, name=f"Nguyễn Văn Số{n:02d}", on=date(2016, 3, 1))
    url = reverse("members:list")
    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(url).status_code == 200
    small_queries = list(small.captured_queries)  # copy: the connection's log is a bounded deque
    for n in range(5, 60):
        admit(tree.c1 if n % 2 else tree.c2, name=f"Nguyễn Văn Số{n:02d}", on=date(2016, 3, 1))
    with django_assert_max_num_queries(len(small_queries)):
        response = admin_client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert response.context["total"] == 60
    assert "Trang 1 / 2" in response.content.decode()
    page_two = admin_client.get(url, {"trang": 2})
    assert len(page_two.context["page"].object_list) == 10
    assert "51" in page_two.content.decode()  # STT continues across pages
    counts = [q["sql"] for q in small_queries if "COUNT(" in q["sql"].upper()]
    assert len([sql for sql in counts if "members_member" in sql]) == 1


# Export ----------------------------------------------------------------------------------------

def _export_audits():
    return AuditEntry.objects.filter(action=AuditAction.EXPORT)


def test_export_xlsx_has_every_filtered_row_typed_dates_and_an_audit_row(tree, admit, admin_client):
    an = admit(tree.c1, name="Nguyễn Văn An", on=date(2016, 3, 1), born=date(1990, 5, 1))
    admit(tree.c2, name="Lê Thị Bích", on=date(2017, 4, 3))
    admit(tree.b2, name="Phạm Thị Cúc")
    response = admin_client.get(reverse("members:list"), {"to_chuc": tree.b1.pk, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    headings = rows[0]
    assert headings[:4] == ("STT", "Họ và tên", "Ngày sinh", "Số định danh cá nhân (CCCD)")
    assert "Ngày vào Đảng" in headings and "Tổ chức đảng" in headings
    body = rows[1:]
    assert [row[1] for row in body] == ["Nguyễn Văn An", "Lê Thị Bích"]  # An before Bích
    first = dict(zip(headings, body[0], strict=True))
    assert isinstance(first["Ngày sinh"], datetime) and first["Ngày sinh"].date() == date(1990, 5, 1)
    assert first["Ngày vào Đảng"].date() == date(2016, 3, 1)
    assert first["Số định danh cá nhân (CCCD)"] == an.citizen_id
    assert first["Tổ chức đảng"] == "Chi bộ Phân xưởng 1"
    date_cell = sheet.cell(row=2, column=headings.index("Ngày sinh") + 1)
    assert date_cell.is_date and date_cell.number_format == "DD/MM/YYYY"
    audit = _export_audits().get()
    assert audit.actor_username == "admin"
    assert audit.changes["new"]["count"] == 2
    assert sorted(audit.changes["new"]["member_ids"]) == sorted(m.pk for m in Member.objects.filter(
        full_name__in=["Nguyễn Văn An", "Lê Thị Bích"]))
    assert audit.changes["new"]["filters"]["organisation"] == "B1"
    assert audit.changes["new"]["format"] == "xlsx"


def test_export_is_every_row_not_one_page(tree, admit, admin_client):
    for n in range(55):
        admit(tree.c1, name=f"Trần Văn Số{n:02d}")
    response = admin_client.get(reverse("members:list"), {"export": "xlsx", "trang": 1})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 56
    assert _export_audits().get().changes["new"]["count"] == 55


def test_export_csv_is_utf8_with_bom_and_writes_an_audit_row(tree, admit, admin_client):
    admit(tree.c1, name="Nguyễn Văn An", on=date(2016, 3, 1), born=date(1990, 5, 1))
    admit(tree.c1, name="Đỗ Thị Ánh", on=date(2016, 3, 1))
    response = admin_client.get(reverse("members:list"), {"export": "csv", "q": "nguyen"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT", "Họ và tên", "Ngày sinh"]
    assert [row[1] for row in rows[1:]] == ["Nguyễn Văn An"]
    assert rows[1][2] == "01/05/1990"
    audit = _export_audits().get()
    assert audit.changes["new"]["count"] == 1
    assert audit.changes["new"]["filters"]["query"] == "nguyen"
    assert audit.changes["new"]["format"] == "csv"


@pytest.mark.parametrize("role", ["leader", "inspection_staff"])
def test_read_only_roles_never_see_the_citizen_id(client, cast, tree, admit, role):
    member = admit(tree.c1, name="Nguyễn Văn An", citizen_id="079090123456", family_background="Bố: nông dân")
    client.force_login(getattr(cast, role))
    detail = client.get(reverse("members:detail", kwargs={"pk": member.pk})).content.decode()
    assert "079090123456" not in detail and "Bố: nông dân" not in detail
    assert "Ẩn theo phân quyền" in detail
    page = client.get(reverse("members:list")).content.decode()
    assert "079090123456" not in page
    sheet = load_workbook(io.BytesIO(client.get(reverse("members:list"), {"export": "xlsx"}).content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "079090123456" not in values and "Số định danh cá nhân (CCCD)" not in values
    assert "Nguyễn Văn An" in values
    raw = b"".join(client.get(reverse("members:list"), {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "079090123456" not in raw and "CCCD" not in raw and "Nguyễn Văn An" in raw


def test_base_clerk_sees_the_citizen_id_of_own_members(clerk_client, tree, admit):
    member = admit(tree.c1, name="Nguyễn Văn An", citizen_id="079090123456")
    assert "079090123456" in clerk_client.get(reverse("members:detail", kwargs={"pk": member.pk})).content.decode()
    raw = b"".join(clerk_client.get(reverse("members:list"), {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "079090123456" in raw


# Detail ----------------------------------------------------------------------------------------

def test_detail_writes_exactly_one_read_audit_row(tree, admit, clerk_client):
    member = admit(tree.c1, name="Nguyễn Văn An")
    before = AuditEntry.objects.count()
    response = clerk_client.get(reverse("members:detail", kwargs={"pk": member.pk}))
    assert response.status_code == 200
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.filter(action=AuditAction.READ).get()
    assert entry.target_id == str(member.pk) and entry.actor_username == "base_clerk"


def test_detail_shows_profile_state_and_ledger(tree, official, system_user, clerk_client):
    record(system_user, official, EventKind.TRANSFER, date(2020, 1, 6), organisation=tree.c2)
    response = clerk_client.get(reverse("members:detail", kwargs={"pk": official.pk}))
    html = response.content.decode()
    assert "Võ Thị Hạnh" in html and "Đảng viên chính thức" in html
    assert "Chi bộ Phân xưởng 2" in html
    assert "01/03/2016" in html and "01/03/2017" in html and "06/01/2020" in html
    assert "Từ Chi bộ Phân xưởng 1 → Chi bộ Phân xưởng 2" in html
    assert "Công nhận đảng viên chính thức" in html
    assert "Quyết định số 9-QĐ/ĐU" in html
    assert response.context["party_age"] >= 10
    # Event buttons for a writer, none for a leader.
    assert event_url(official, "chuyen-sinh-hoat") in html
    assert event_url(official, "cong-nhan-chinh-thuc") not in html  # already official


def test_detail_hides_write_buttons_from_read_only_roles(client, cast, official):
    client.force_login(cast.leader)
    html = client.get(reverse("members:detail", kwargs={"pk": official.pk})).content.decode()
    assert "/su-kien/" not in html and reverse("members:edit", kwargs={"pk": official.pk}) not in html


def test_state_on_a_day_and_as_known_on_a_day(tree, official, system_user, clerk_client):
    record(system_user, official, EventKind.TRANSFER, date(2020, 1, 6), organisation=tree.c2)
    url = reverse("members:detail", kwargs={"pk": official.pk})
    response = clerk_client.get(url, {"ngay": "01/06/2019"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "Vào ngày 01/06/2019" in html and "Chi bộ Phân xưởng 1" in html and "Đảng viên chính thức" in html
    assert response.context["state_on"]["party_age"] == 3
    # Known as of yesterday: nothing had been recorded yet.
    yesterday = timezone.localdate().toordinal() - 1
    response = clerk_client.get(url, {"ngay": "01/06/2019", "biet_den": vn(date.fromordinal(yesterday))})
    assert response.context["state_on"]["state"].status == MemberStatus.NOT_MEMBER
    assert "Chưa là đảng viên" in response.content.decode()
    # Both reads are audited.
    assert AuditEntry.objects.filter(action=AuditAction.READ, target_id=str(official.pk)).count() == 2


# Event forms -----------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", list(EVENT_SPECS))
def test_every_event_form_renders(admin_client, official, slug):
    response = admin_client.get(event_url(official, slug))
    assert response.status_code == 200
    assert EVENT_SPECS[slug].title in response.content.decode()


def test_unknown_event_kind_is_404(admin_client, official):
    assert admin_client.get(event_url(official, "khong-co")).status_code == 404


def test_recognition_form_suggests_the_due_date(tree, admit, admin_client):
    member = admit(tree.c1, on=date(2016, 3, 1), ceremony=date(2016, 3, 20))
    assert 'value="20/03/2017"' in admin_client.get(event_url(member, "cong-nhan-chinh-thuc")).content.decode()


def _happy_cases():
    """(slug, setup events [(kind, date, extra)], form data, check on the refreshed member)."""
    d = date
    return [
        ("cong-nhan-chinh-thuc", "probationary", [], {"effective_date": "01/03/2017"},
         lambda m, t: m.status == MemberStatus.OFFICIAL and m.official_on == d(2017, 3, 1)),
        ("chuyen-sinh-hoat", "official", [], {"effective_date": "02/01/2020", "organisation": "c2"},
         lambda m, t: m.organisation_id == t.c2.pk and m.status == MemberStatus.OFFICIAL),
        ("chuyen-di", "official", [], {"effective_date": "02/01/2020", "external_place": "Đảng bộ phường Bến Nghé",
                                      "other_province": "on"},
         lambda m, t: m.status == MemberStatus.TRANSFERRED_OUT),
        ("sinh-hoat-tam-thoi", "official", [], {"effective_date": "02/01/2020", "temporary_organisation": "c2"},
         lambda m, t: m.temporary_organisation_id == t.c2.pk and m.organisation_id == t.c1.pk),
        ("sinh-hoat-tam-thoi", "official", [], {"effective_date": "02/01/2020", "external_place": "Trường Chính trị"},
         lambda m, t: m.temporary_organisation_id is None and m.status == MemberStatus.OFFICIAL),
        ("tro-ve", "official", [(EventKind.TEMPORARY_AWAY, d(2020, 1, 2), {"organisation": "c2"})],
         {"effective_date": "02/06/2020"}, lambda m, t: m.temporary_organisation_id is None),
        ("xoa-ten", "official", [], {"effective_date": "02/01/2020", "reason": "Bỏ sinh hoạt 3 tháng"},
         lambda m, t: m.status == MemberStatus.REMOVED),
        ("xoa-ten-du-bi", "probationary", [], {"effective_date": "02/01/2017"},
         lambda m, t: m.status == MemberStatus.PROBATION_REMOVED),
        ("xin-ra", "official", [], {"effective_date": "02/01/2020"}, lambda m, t: m.status == MemberStatus.RESIGNED),
        ("khai-tru", "official", [], {"effective_date": "02/01/2020"}, lambda m, t: m.status == MemberStatus.EXPELLED),
        ("tu-tran", "official", [], {"effective_date": "02/01/2020"}, lambda m, t: m.status == MemberStatus.DIED),
        ("mien-sinh-hoat", "official", [], {"effective_date": "02/01/2020"}, lambda m, t: m.is_exempted),
        ("thoi-mien", "official", [(EventKind.EXEMPTION, d(2020, 1, 2), {})], {"effective_date": "02/06/2021"},
         lambda m, t: not m.is_exempted),
        ("dinh-chi", "official", [], {"effective_date": "02/01/2020"}, lambda m, t: m.is_suspended),
        ("het-dinh-chi", "official", [(EventKind.SUSPENSION, d(2020, 1, 2), {})], {"effective_date": "02/03/2020"},
         lambda m, t: not m.is_suspended),
        ("ket-nap-lai", "official", [(EventKind.REMOVAL, d(2019, 1, 2), {})],
         {"effective_date": "03/01/2023", "organisation": "c1", "ceremony_date": "10/01/2023"},
         lambda m, t: m.status == MemberStatus.PROBATIONARY and m.admitted_on == d(2016, 3, 1)),
        ("phuc-hoi", "official", [(EventKind.EXPULSION, d(2019, 1, 2), {})], {"effective_date": "02/01/2020"},
         lambda m, t: m.status == MemberStatus.OFFICIAL),
    ]


@pytest.mark.parametrize("case", _happy_cases(), ids=lambda c: c[0] if isinstance(c, tuple) else str(c))
def test_each_event_form_records_the_event(case, tree, admit, system_user, clerk_client):
    slug, start, setup, data, check = case
    member = admit(tree.c1, name="Nguyễn Văn An", on=date(2016, 3, 1))
    if start == "official":
        record(system_user, member, EventKind.RECOGNITION, date(2017, 3, 1))
    for kind, on, extra in setup:
        extra = {k: getattr(tree, v) if k == "organisation" else v for k, v in extra.items()}
        record(system_user, member, kind, on, **extra)
    form = {k: (str(getattr(tree, v).pk) if k in ("organisation", "temporary_organisation") else v)
            for k, v in data.items()}
    events_before = member.events.count()
    audits_before = AuditEntry.objects.filter(action=AuditAction.LEDGER_EVENT).count()
    response = clerk_client.post(event_url(member, slug), {**form, **decision_data(date(2016, 3, 1))})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"] == reverse("members:detail", kwargs={"pk": member.pk})
    assert check(fresh(member), tree)
    assert member.events.count() == events_before + 1
    last = member.events.order_by("-id").first()
    assert last.kind == EVENT_SPECS[slug].kind and last.recorded_by.username == "base_clerk"
    assert last.decision_number == "15-QĐ/ĐU"
    audit = AuditEntry.objects.filter(action=AuditAction.LEDGER_EVENT).order_by("-id").first()
    assert AuditEntry.objects.filter(action=AuditAction.LEDGER_EVENT).count() == audits_before + 1
    assert audit.event_type == EVENT_SPECS[slug].kind and audit.actor_username == "base_clerk"
    followed = clerk_client.get(response["Location"])
    assert "Đã ghi:" in followed.content.decode()


def test_event_form_errors_without_a_date(clerk_client, official):
    before = snapshot(official)
    response = clerk_client.post(event_url(official, "dinh-chi"), {"effective_date": "31/02/2020"})
    assert response.status_code == 200
    assert "Ngày phải viết dạng ngày/tháng/năm" in response.content.decode()
    assert snapshot(official) == before


def _assert_refused(response, rule_id, member, before):
    assert response.status_code == 200
    html = response.content.decode()
    assert f"[{rule_id}]" in html and 'class="errorbox"' in html
    assert snapshot(member) == before


def test_prob_01_recognition_before_12_months_is_refused(tree, admit, clerk_client):
    member = admit(tree.c1, on=date(2016, 3, 1))
    before = snapshot(member)
    response = clerk_client.post(event_url(member, "cong-nhan-chinh-thuc"),
                                 {"effective_date": "01/12/2016", **decision_data(date(2016, 12, 1))})
    _assert_refused(response, "PROB-01", member, before)
    assert "Chưa đủ 12 tháng dự bị" in response.content.decode()
    assert fresh(member).status == MemberStatus.PROBATIONARY


def test_trf_01_transfer_of_non_member_is_refused(tree, official, system_user, clerk_client):
    record(system_user, official, EventKind.REMOVAL, date(2018, 1, 2))
    before = snapshot(official)
    response = clerk_client.post(event_url(official, "chuyen-sinh-hoat"),
                                 {"effective_date": "02/01/2019", "organisation": tree.c2.pk})
    _assert_refused(response, "TRF-01", official, before)
    assert fresh(official).organisation_id == tree.c1.pk


def test_life_05_profile_form_cannot_change_organisation(tree, official, clerk_client):
    url = reverse("members:edit", kwargs={"pk": official.pk})
    page = clerk_client.get(url)
    form = page.context["form"]
    assert "organisation" not in form.fields and "status" not in form.fields
    html = page.content.decode()
    assert 'name="organisation"' not in html and 'name="status"' not in html
    assert "chỉ thay đổi khi ghi sự kiện" in html
    before = snapshot(official)
    data = {"full_name": "Võ Thị Hạnh Mới", "gender": "female", "date_of_birth": "01/05/1990",
            "ethnicity": "kinh", "religion": "none", "citizen_id": official.citizen_id,
            "organisation": tree.c2.pk, "status": "official"}
    response = clerk_client.post(url, data)
    _assert_refused(response, "LIFE-05", official, before)
    assert fresh(official).organisation_id == tree.c1.pk and fresh(official).full_name == "Võ Thị Hạnh"


def test_profile_edit_saves_and_audits(official, clerk_client):
    url = reverse("members:edit", kwargs={"pk": official.pk})
    data = {"full_name": "Võ Thị Hạnh", "gender": "female", "date_of_birth": "01/05/1990", "ethnicity": "kinh",
            "religion": "none", "citizen_id": official.citizen_id, "home_town": "Quảng Ngãi"}
    response = clerk_client.post(url, data)
    assert response.status_code == 302
    assert fresh(official).home_town == "Quảng Ngãi"
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, target_id=str(official.pk)).exists()


def test_life_t05_changing_date_of_birth_needs_a_correction_basis(official, clerk_client):
    url = reverse("members:edit", kwargs={"pk": official.pk})
    data = {"full_name": "Võ Thị Hạnh", "gender": "male", "date_of_birth": "02/05/1990", "ethnicity": "kinh",
            "religion": "none", "citizen_id": official.citizen_id}
    before = snapshot(official)
    _assert_refused(clerk_client.post(url, data), "LIFE-T05", official, before)
    response = clerk_client.post(url, {**data, "correction_basis": "Công văn 12-CV/ĐU ngày 02/01/2025"})
    assert response.status_code == 302
    assert fresh(official).date_of_birth == date(1990, 5, 2)
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, target_id=str(official.pk)).get()
    assert entry.reason == "Công văn 12-CV/ĐU ngày 02/01/2025"


def test_life_02_event_after_death_is_refused(official, system_user, clerk_client):
    record(system_user, official, EventKind.DEATH, date(2020, 1, 2))
    before = snapshot(official)
    response = clerk_client.post(event_url(official, "dinh-chi"), {"effective_date": "02/01/2021"})
    _assert_refused(response, "LIFE-02", official, before)


def test_readm_01_readmission_within_36_months_is_refused(tree, official, system_user, clerk_client):
    record(system_user, official, EventKind.REMOVAL, date(2019, 1, 2))
    before = snapshot(official)
    response = clerk_client.post(event_url(official, "ket-nap-lai"),
                                 {"effective_date": "02/06/2021", "organisation": tree.c1.pk})
    _assert_refused(response, "READM-01", official, before)
    assert "sớm nhất được xét từ ngày 02/01/2022" in response.content.decode()


def test_readm_04_second_readmission_is_refused(tree, official, system_user, clerk_client):
    record(system_user, official, EventKind.REMOVAL, date(2017, 6, 1))
    record(system_user, official, EventKind.READMISSION, date(2020, 7, 1), organisation=tree.c1)
    record(system_user, official, EventKind.REMOVAL, date(2021, 1, 4))
    before = snapshot(official)
    response = clerk_client.post(event_url(official, "ket-nap-lai"),
                                 {"effective_date": "05/01/2025", "organisation": tree.c1.pk})
    _assert_refused(response, "READM-04", official, before)


def test_transfer_destinations_are_the_open_organisations_of_the_tenant(tree, official, clerk_client):
    """TRF-05: the sending side issues the transfer, so a base clerk may send a member to a cell
    outside its own subtree; the form lists open member-holding organisations, never the current one."""
    form = clerk_client.get(event_url(official, "chuyen-sinh-hoat")).context["form"]
    choices = set(form.fields["organisation"].queryset.values_list("code", flat=True))
    assert choices == {"DU", "B1", "C2", "B2"}
    response = clerk_client.post(event_url(official, "chuyen-sinh-hoat"),
                                 {"effective_date": "02/01/2020", "organisation": tree.b2.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:list")  # now outside the clerk's scope
    assert fresh(official).organisation_id == tree.b2.pk


# Void ------------------------------------------------------------------------------------------

def test_void_keeps_the_row_and_records_the_reason(official, system_user, clerk_client):
    record(system_user, official, EventKind.SUSPENSION, date(2020, 1, 2))
    event = official.events.get(kind=EventKind.SUSPENSION)
    url = reverse("members:void", kwargs={"pk": official.pk, "event_pk": event.pk})
    assert "Đình chỉ sinh hoạt đảng" in clerk_client.get(url).content.decode()
    short = clerk_client.post(url, {"reason": "sai"})
    assert short.status_code == 200 and fresh(official).is_suspended
    response = clerk_client.post(url, {"reason": "Ghi nhầm người, quyết định thuộc đảng viên khác"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.voided_at is not None and event.voided_by.username == "base_clerk"
    assert event.void_reason == "Ghi nhầm người, quyết định thuộc đảng viên khác"
    assert official.events.count() == 3  # admission, recognition and the voided suspension
    assert not fresh(official).is_suspended
    assert AuditEntry.objects.filter(action=AuditAction.VOID, target_id=str(official.pk)).count() == 1
    html = clerk_client.get(reverse("members:detail", kwargs={"pk": official.pk})).content.decode()
    assert 'class="voided"' in html and "Ghi nhầm người, quyết định thuộc đảng viên khác" in html
    # Voiding it twice is refused with the rule shown.
    again = clerk_client.post(url, {"reason": "Lần nữa cho chắc"})
    assert again.status_code == 200 and "[VOID-01]" in again.content.decode()


def test_void_of_another_members_event_is_404(tree, official, admit, clerk_client):
    other = admit(tree.c2, name="Lê Thị Bích")
    url = reverse("members:void", kwargs={"pk": official.pk, "event_pk": other.events.get().pk})
    assert clerk_client.get(url).status_code == 404
    assert clerk_client.post(url, {"reason": "Ghi nhầm người"}).status_code == 404
    assert other.events.get().voided_at is None


# New members -----------------------------------------------------------------------------------

PROFILE = {"full_name": "  Đặng  Thị Mai ", "gender": "female", "date_of_birth": "12/08/1995", "ethnicity": "kinh",
           "religion": "none", "citizen_id": "079195000777", "home_town": "Long An"}


def test_admit_form_creates_a_probationary_member(tree, clerk_client):
    form = clerk_client.get(reverse("members:admit")).context["form"]
    assert set(form.fields["organisation"].queryset.values_list("code", flat=True)) == {"B1", "C1", "C2"}
    response = clerk_client.post(reverse("members:admit"), {
        **PROFILE, "organisation": tree.c1.pk, "so_quyet_dinh": "21-QĐ/ĐU", "admitted_on": "03/02/2020",
        "co_quan_quyet_dinh": "Ban Thường vụ", "ceremony_date": "15/02/2020", "occupation": "worker",
        "general_education": "upper_secondary", "professional": "unknown", "political_theory": "unknown"})
    assert response.status_code == 302
    member = Member.objects.get(citizen_id="079195000777")
    assert response["Location"] == reverse("members:detail", kwargs={"pk": member.pk})
    assert member.full_name == "Đặng Thị Mai" and member.status == MemberStatus.PROBATIONARY
    assert member.organisation == tree.c1 and member.admitted_on == date(2020, 2, 3)
    assert member.occupation == "worker" and member.general_education == "upper_secondary"
    admission = member.events.get()
    assert admission.ceremony_date == date(2020, 2, 15) and admission.decision_number == "21-QĐ/ĐU"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, target_id=str(member.pk)).exists()


def test_admit_refusal_is_shown_and_nothing_saved(tree, clerk_client):
    count = Member.objects.count()
    response = clerk_client.post(reverse("members:admit"), {
        **PROFILE, "date_of_birth": "12/08/2005", "organisation": tree.c1.pk, "so_quyet_dinh": "21-QĐ/ĐU",
        "admitted_on": "03/02/2020", "occupation": "unknown", "general_education": "unknown",
        "professional": "unknown", "political_theory": "unknown"})
    assert response.status_code == 200 and "[ADM-01]" in response.content.decode()
    assert Member.objects.count() == count


def test_admit_into_an_organisation_outside_the_writers_scope_is_an_invalid_choice(tree, clerk_client):
    response = clerk_client.post(reverse("members:admit"), {
        **PROFILE, "organisation": tree.b2.pk, "so_quyet_dinh": "1", "admitted_on": "03/02/2020",
        "occupation": "unknown", "general_education": "unknown", "professional": "unknown",
        "political_theory": "unknown"})
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not Member.objects.filter(citizen_id="079195000777").exists()


def test_receive_form_creates_an_official_member_from_outside(tree, clerk_client):
    response = clerk_client.post(reverse("members:receive"), {
        **PROFILE, "organisation": tree.c2.pk, "received_on": "04/03/2024", "from_place": "Đảng bộ xã Tân Hòa",
        "other_province": "on", "status": "official", "admitted_on": "19/05/2015", "official_on": "19/05/2016",
        "so_quyet_dinh": "33-QĐ/ĐU", "ngay_quyet_dinh": "01/03/2024", "occupation": "enterprise_staff",
        "general_education": "unknown", "professional": "bachelor", "political_theory": "unknown"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    member = Member.objects.get(citizen_id="079195000777")
    assert member.status == MemberStatus.OFFICIAL and member.organisation == tree.c2
    assert member.admitted_on == date(2015, 5, 19) and member.official_on == date(2016, 5, 19)
    event = member.events.get()
    assert event.kind == EventKind.TRANSFER_IN and event.other_province and event.external_place == "Đảng bộ xã Tân Hòa"
    assert member.professional == "bachelor"


def test_receive_official_needs_an_official_date(tree, clerk_client):
    response = clerk_client.post(reverse("members:receive"), {
        **PROFILE, "organisation": tree.c2.pk, "received_on": "04/03/2024", "from_place": "Nơi khác",
        "status": "official", "admitted_on": "19/05/2015", "occupation": "unknown", "general_education": "unknown",
        "professional": "unknown", "political_theory": "unknown"})
    assert response.status_code == 200 and "official_on" in response.context["form"].errors


# Dated values ----------------------------------------------------------------------------------

def test_value_form_records_a_dated_value(official, clerk_client):
    url = reverse("members:value", kwargs={"pk": official.pk})
    fragment = clerk_client.get(url, {"thuoc_tinh": "is_business_owner"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and ">Có<" in fragment.content.decode()
    response = clerk_client.post(url, {"thuoc_tinh": "occupation", "gia_tri": "enterprise_manager",
                                       "tu_ngay": "01/07/2022"})
    assert response.status_code == 302
    assert fresh(official).occupation == "enterprise_manager"
    assert clerk_client.post(url, {"thuoc_tinh": "is_business_owner", "gia_tri": "1",
                                   "tu_ngay": "01/07/2022"}).status_code == 302
    assert fresh(official).is_business_owner
    html = clerk_client.get(reverse("members:detail", kwargs={"pk": official.pk})).content.decode()
    assert "Người lãnh đạo, quản lý doanh nghiệp" in html


def test_value_in_the_future_is_refused(official, clerk_client):
    url = reverse("members:value", kwargs={"pk": official.pk})
    future = vn(date.fromordinal(timezone.localdate().toordinal() + 3))
    response = clerk_client.post(url, {"thuoc_tinh": "occupation", "gia_tri": "worker", "tu_ngay": future})
    assert response.status_code == 200 and "[LIFE-06]" in response.content.decode()
    assert fresh(official).occupation == "unknown"


# Denials ---------------------------------------------------------------------------------------

def test_outsider_gets_404_on_members_outside_their_scope(client, cast, official):
    client.force_login(cast.outsider)
    assert client.get(reverse("members:detail", kwargs={"pk": official.pk})).status_code == 404
    assert client.post(event_url(official, "dinh-chi"), {"effective_date": "02/01/2020"}).status_code == 404
    assert not fresh(official).is_suspended


def test_leader_gets_403_on_writes(client, cast, official):
    client.force_login(cast.leader)
    before = snapshot(official)
    assert client.post(event_url(official, "dinh-chi"), {"effective_date": "02/01/2020"}).status_code == 403
    assert client.get(reverse("members:edit", kwargs={"pk": official.pk})).status_code == 403
    assert client.get(reverse("members:admit")).status_code == 403
    assert snapshot(official) == before


def test_wrong_method_is_405(admin_client, official):
    assert admin_client.put(reverse("members:list")).status_code == 405
    assert admin_client.post(reverse("members:detail", kwargs={"pk": official.pk})).status_code == 405
    assert admin_client.put(event_url(official, "dinh-chi")).status_code == 405
    assert admin_client.delete(reverse("members:edit", kwargs={"pk": official.pk})).status_code == 405


def test_anonymous_is_sent_to_login(client, official):
    response = client.get(reverse("members:detail", kwargs={"pk": official.pk}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_large_scope_lists_only_the_top_organisations_in_the_filter(tree, cast, client, monkeypatch):
    """docs/performance.md §5.1: above FILTER_OPTIONS_LIMIT organisations the filter offers the top ones;
    a deeper organisation chosen from the tree (``to_chuc``) is still shown and applied."""
    from dangvu.members import views

    client.force_login(cast.committee_staff)
    small = client.get(reverse("members:list")).context["form"].fields["to_chuc"].widget.choices
    assert {label for _, label in small} >= {"Tất cả tổ chức trong phạm vi"} and len(small) == 6
    monkeypatch.setattr(views, "FILTER_OPTIONS_LIMIT", 2)
    response = client.get(reverse("members:list"), {"to_chuc": tree.c1.pk})
    choices = response.context["form"].fields["to_chuc"].widget.choices
    assert [pk for pk, _ in choices] == ["", tree.du.pk, tree.c1.pk]
    assert "Cây tổ chức đảng" in response.content.decode()

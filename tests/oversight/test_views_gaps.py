"""Pages for postponed cases (NOKL-01, case_resume), cases on a judgment (DIS-13) and the suspension of
an organisation (SUS-03): writers write, leaders read (403 on writes), others get 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangvu.audit.models import AuditAction, AuditEntry
from dangvu.oversight import services
from dangvu.oversight.models import CaseStatus, DisciplineCase, Suspension
from tests.oversight.factory import open_case

pytestmark = pytest.mark.django_db


def test_postponed_page_lists_postpones_and_resumes(client, tree, cast, system_user, people):
    case = open_case(system_user, people.b2m)
    url = reverse("oversight:postponed")
    client.force_login(cast.inspection_staff)
    response = client.post(url, {"case": case.pk, "reason": "child_under_12_months", "until": "31/05/2026"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.POSTPONED and case.postponed_until == date(2026, 5, 31)
    text = client.get(url).content.decode()
    assert "Hoàng Thị Em" in text and "Đang nuôi con dưới 12 tháng tuổi" in text and "31/05/2026" in text
    assert "đã quá hạn" in text  # today is after 31/05/2026
    resume = reverse("oversight:case_resume", args=[case.pk])
    assert client.post(resume, {"resumed_on": "01/06/2026"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.resumed_on == date(2026, 6, 1)
    response = client.post(resume, {"resumed_on": "02/06/2026"})  # no longer postponed
    assert response.status_code == 200 and "[CASE-01]" in response.content.decode()


def test_postponed_page_denials(client, tree, cast, system_user, people):
    case = open_case(system_user, people.b2m)
    services.case_postpone(actor=system_user, case=case, reason="maternity", until=date(2026, 5, 31))
    url = reverse("oversight:postponed")
    client.force_login(cast.leader)
    assert "Hoàng Thị Em" in client.get(url).content.decode()
    assert client.post(url, {"case": case.pk, "reason": "maternity", "until": "30/06/2026"}).status_code == 403
    assert client.post(reverse("oversight:case_resume", args=[case.pk]), {"resumed_on": "01/06/2026"}).status_code == 403
    for user in (cast.base_clerk, cast.committee_staff, cast.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("oversight:case_resume", args=[case.pk])).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.POSTPONED


def test_a_case_opened_on_a_judgment_and_read_with_an_audit_row(client, tree, cast, system_user, people):
    url = reverse("oversight:case_new_judgment")
    data = {"member": people.plain.pk, "judgment_number": "45/2026/HS-ST", "judgment_date": "12/05/2026",
            "violation_from": "03/10/2025", "violation_content": "policy_law",
            "violation_description": "Tội cố ý gây thương tích, 2 năm tù"}
    client.force_login(cast.inspection_staff)
    refused = client.post(url, {**data, "judgment_date": "12/05/2099"})
    assert refused.status_code == 200 and "[DIS-13]" in refused.content.decode()
    assert not DisciplineCase.objects.exists()
    response = client.post(url, data)
    case = DisciplineCase.objects.get()
    assert response.status_code == 302 and case.proposed_form == "expulsion" and case.activity_subject is None
    client.force_login(cast.leader)
    before = AuditEntry.objects.filter(action=AuditAction.READ, target_type="oversight.disciplinecase").count()
    text = client.get(reverse("oversight:case_detail", args=[case.pk])).content.decode()
    assert "bản án số 45/2026/HS-ST" in text and "12/05/2026" in text
    assert AuditEntry.objects.filter(action=AuditAction.READ, target_type="oversight.disciplinecase").count() == before + 1
    assert client.post(url, data).status_code == 403
    client.force_login(cast.base_clerk)
    assert client.get(url).status_code == 404


def test_suspending_an_organisation_from_the_page(client, tree, cast, system_user, people):
    url = reverse("oversight:suspension_new")
    data = {"organisation": tree.b2.pk, "kind": "organisation", "ground": "obstruction",
            "deciding_organisation": tree.du.pk, "deciding_actor": "standing_committee",
            "decision_number": "8-QĐ/ĐU", "starts_on": "04/05/2026", "ends_on": "03/08/2026"}
    client.force_login(cast.inspection_staff)
    response = client.post(url, data)
    assert response.status_code == 200 and "[SUS-03]" in response.content.decode()
    response = client.post(url, {**data, "member": people.b2m.pk, "ends_on": "30/06/2026"})
    assert "[SUS-02]" in response.content.decode()
    assert not Suspension.objects.exists()
    response = client.post(url, {**data, "ends_on": "30/06/2026"})
    suspension = Suspension.objects.get()
    assert response.status_code == 302 and suspension.organisation == tree.b2
    text = client.get(reverse("oversight:index")).content.decode()
    assert "Chi bộ Công ty Beta" in text and "Đình chỉ hoạt động của tổ chức đảng" in text
    detail = client.get(reverse("oversight:suspension_detail", args=[suspension.pk])).content.decode()
    assert "Đình chỉ hoạt động của tổ chức đảng: Chi bộ Công ty Beta" in detail
    client.force_login(cast.leader)
    assert client.post(url, data).status_code == 403

"""Oversight pages: reads are logged, refusals show the rule, outsiders cannot tell a case exists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangvu.audit.models import AuditAction, AuditEntry
from tests.oversight.factory import activity, open_case

pytestmark = pytest.mark.django_db


def test_every_read_of_a_case_or_activity_is_logged(client, tree, cast, system_user, people):
    case = open_case(system_user, people.plain)
    act = activity(system_user, tree.du, orgs=[tree.b1])
    client.force_login(cast.leader)
    for url, target in ((reverse("oversight:case_detail", args=[case.pk]), "oversight.disciplinecase"),
                        (reverse("oversight:activity_detail", args=[act.pk]), "oversight.activity")):
        before = AuditEntry.objects.filter(action=AuditAction.READ, target_type=target).count()
        response = client.get(url)
        assert response.status_code == 200
        assert AuditEntry.objects.filter(action=AuditAction.READ, target_type=target,
                                         actor_username="leader").count() == before + 1
    assert "Nguyễn Văn An" in client.get(reverse("oversight:index")).content.decode()


def test_no_oversight_role_means_not_found_even_in_own_subtree(client, tree, cast, system_user, people):
    case = open_case(system_user, people.plain)  # C1, inside the base clerk's B1
    for user in (cast.base_clerk, cast.committee_staff):
        client.force_login(user)
        assert client.get(reverse("oversight:case_detail", args=[case.pk])).status_code == 404
        assert client.get(reverse("oversight:case_detail", args=[case.pk + 999])).status_code == 404
        assert client.get(reverse("oversight:index")).status_code == 404


def test_a_refused_decision_shows_the_rule_and_saves_nothing(client, tree, cast, system_user, people):
    case = open_case(system_user, people.plain, form="dismissal")
    client.force_login(cast.inspection_staff)
    response = client.post(reverse("oversight:case_decide", args=[case.pk]), {
        "deciding_organisation": tree.du.pk, "deciding_actor": "inspection_committee",
        "concluded_on": "01/04/2026", "voting_members": 7, "phieu_cach_chuc": 5,
        "so_quyet_dinh": "5-QĐ/UBKT", "ngay_quyet_dinh": "02/04/2026"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "[FORM-01]" in text and "Hình thức cách chức chỉ áp dụng" in text
    case.refresh_from_db()
    assert case.status == "open" and not case.decided_form


def test_figures_page_and_drill_down(client, tree, cast, system_user, people):
    activity(system_user, tree.du, "standing_committee", "compliance", orgs=[tree.b1, tree.b2])
    client.force_login(cast.leader)
    url = reverse("oversight:figures")
    response = client.get(url, {"to_chuc": tree.du.pk, "tu": "01/01/2026", "den": "31/12/2026",
                                "chi_so": "oversight.standing_committee.inspection.orgs"})
    text = response.content.decode()
    assert response.status_code == 200 and "Chi bộ Công ty Beta" in text and "01/01/2026" in text
    bad = client.get(url, {"tu": "31/12/2026", "den": "01/01/2026"})
    assert "Ngày bắt đầu phải trước ngày kết thúc." in bad.content.decode()

"""Pages: the source list, creating a candidate (refusal shown as a form error), targets and funnel,
and the enterprises without a party organisation."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangvu.development.models import AdmissionTarget, Candidate
from dangvu.development.selectors import funnel, target_rows
from dangvu.development.services import target_set
from dangvu.organisations.services import host_unit_create


def test_create_candidate_through_the_page(client, cast, tree):
    client.force_login(cast.base_clerk)
    data = {"organisation": tree.c1.pk, "full_name": "  Võ Thị Mai ", "gender": "female",
            "date_of_birth": "02/09/2000", "ethnicity": "kinh", "religion": "none", "occupation": "worker",
            "general_education": "upper_secondary", "professional": "unknown", "listed_on": "01/03/2026"}
    response = client.post(reverse("development:candidate_create"), data)
    candidate = Candidate.objects.get()
    assert response.status_code == 302 and candidate.full_name == "Võ Thị Mai"
    page = client.get(reverse("development:candidates")).content.decode()
    assert "Võ Thị Mai" in page and "02/09/2000" in page and "Trong danh sách nguồn" in page
    refused = client.post(reverse("development:step", kwargs={"pk": candidate.pk, "step": "nghi-quyet-chi-bo"}),
                          {"ngay": "20/03/2026", "so_dv_chinh_thuc": "4", "so_tan_thanh": "4"})
    assert refused.status_code == 200 and "[DEV-01]" in refused.content.decode()
    assert candidate.steps.count() == 0


def test_targets_funnel_and_enterprises(walker, tree, cast, client, system_user):
    unit = host_unit_create(actor=system_user, name="Công ty TNHH Không Đảng", unit_type="foreign_invested",
                            workers=1200)
    candidate = walker.candidate(tree.c1, host_unit=unit)
    walker.walk(candidate, "recognition")
    walker.candidate(tree.c2, name="Chỉ Mới Học", path=None)
    target_set(actor=cast.committee_staff, organisation=tree.b1, year=2023, target=4)
    row = next(r for r in target_rows(user=cast.committee_staff, year=2023) if r.target.year == 2023)
    assert (row.achieved, row.percent) == (1, 25.0)
    rows = funnel(user=cast.committee_staff, root=tree.b1, day=date(2024, 12, 31))
    c1 = next(r for r in rows["organisations"] if r.name == "Chi bộ Phân xưởng 1")
    assert c1.counts == {"listed": 1, "course": 1, "file": 1, "admitted": 1, "official": 1}
    by_unit = next(r for r in rows["host_units"] if r.name == "Công ty TNHH Không Đảng")
    assert by_unit.counts["official"] == 1 and by_unit.workers == 1200
    assert funnel(user=cast.committee_staff, root=tree.b1, day=date(2023, 4, 9))["total"][0].counts["admitted"] == 0
    client.force_login(cast.committee_staff)
    page = client.get(reverse("development:targets") + "?nam=2023").content.decode()
    assert "Công ty TNHH Không Đảng" in page and "1.200" in page and "25%" in page.replace(",0%", "%")
    client.force_login(cast.base_clerk)  # not a whole-tree reader: the enterprise list is not shown
    assert "chưa có tổ chức đảng" not in client.get(reverse("development:targets")).content.decode()
    response = client.post(reverse("development:target_create"), {"to_chuc": tree.b1.pk, "nam": 2024, "chi_tieu": 3})
    assert response.status_code == 403
    assert AdmissionTarget.objects.count() == 1

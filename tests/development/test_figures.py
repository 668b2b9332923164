"""admissions.* and members.recognized_official / probation_removed for any subtree and period, from what
the workflow records: first and last day of the period, subtree vs whole tree, an organisation that
moved, and "as known at"."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from dangvu.development.selectors import admission_figures
from dangvu.organisations.services import Decision, organisation_found, organisation_move

Y2023 = {"date_from": date(2023, 1, 1), "date_to": date(2023, 12, 31)}


@pytest.fixture
def b3(tree, system_user):
    return organisation_found(actor=system_user, code="B3", name="Đảng bộ Công ty Gamma",
                              org_type="base_party_committee", parent=tree.du, founded_on=date(2015, 1, 1),
                              decision=Decision("02-QĐ/ĐU", date(2015, 1, 1), "BTV"))


def test_boundaries_subtree_and_breakdowns(walker, tree, admit):
    candidate = walker.candidate(tree.c1, name="Nguyễn Thị Công Nhân")  # decision 10/04/2023, via the workflow
    walker.walk(candidate, "recognition")
    admit(tree.b2, name="Lê Văn Đầu Năm", on=date(2023, 1, 1), born=date(1975, 1, 1), ethnicity="tay")
    admit(tree.c2, name="Trần Thị Cuối Năm", on=date(2023, 12, 31), gender="female", religion="buddhism")
    admit(tree.c1, name="Hồ Văn Năm Sau", on=date(2024, 1, 1))
    admit(tree.c1, name="Hồ Văn Năm Trước", on=date(2022, 12, 31))
    whole = admission_figures(root=tree.du, **Y2023)
    assert whole["admissions.total"] == 3
    assert whole["admissions.occupation.worker"] == 1 and whole["admissions.occupation.unknown"] == 2
    assert whole["admissions.occupation.enterprise"] == 1
    assert whole["admissions.female"] == 2  # the candidate (fixture default) and Trần Thị Cuối Năm
    assert whole["admissions.ethnic_minority"] == 1 and whole["admissions.religious"] == 1
    assert whole["admissions.youth_union"] == 1
    assert whole["admissions.age.46_50"] == 1 and whole["admissions.age.18_30"] == 1
    assert whole["admissions.age_18_30"] == whole["admissions.age.18_30"]
    assert sum(whole[f"admissions.ethnicity.{c}"] for c in ("kinh", "tay")) == 3
    assert whole["admissions.base_orgs_admitting"] == 2
    assert whole["orgs.base_party_committees.admitting"] == 1 and whole["orgs.base_cells.admitting"] == 1
    b1 = admission_figures(root=tree.b1, **Y2023)
    assert b1["admissions.total"] == 2
    assert admission_figures(root=tree.b2, **Y2023)["admissions.total"] == 1
    assert admission_figures(root=tree.c1, date_from=date(2023, 4, 10), date_to=date(2023, 4, 10))[
        "admissions.total"] == 1
    assert admission_figures(root=tree.c1, date_from=date(2023, 4, 11), date_to=date(2023, 12, 31))[
        "admissions.total"] == 0
    y2024 = admission_figures(root=tree.b1, date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    assert y2024["members.recognized_official"] == 1  # official from 05/05/2024
    assert admission_figures(root=tree.b2, date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))[
        "members.recognized_official"] == 0


def test_an_organisation_that_moved_counts_where_it_was(tree, admit, b3, system_user):
    admit(tree.c2, name="Trước Khi Chuyển", on=date(2023, 3, 1))
    organisation_move(actor=system_user, organisation=tree.c2, new_parent=b3, effective_date=date(2023, 7, 1),
                      decision=Decision("50-QĐ/ĐU", date(2023, 7, 1), "BTV"))
    admit(tree.c2, name="Sau Khi Chuyển", on=date(2023, 7, 1))
    assert admission_figures(root=tree.b1, **Y2023)["admissions.total"] == 1
    assert admission_figures(root=b3, **Y2023)["admissions.total"] == 1
    assert admission_figures(root=tree.du, **Y2023)["admissions.total"] == 2


def test_probation_removed_and_as_known_at(walker, tree):
    from dangvu.organisations.services import Decision as D

    candidate = walker.candidate(tree.c1)
    walker.walk(candidate, "ceremony")
    before = timezone.now()
    walker.step(candidate, "probation_removal", date(2024, 5, 20), document=D("320-QĐ/ĐU", date(2024, 5, 20), "BTV"),
                details={"official_total": 4, "votes_for": 4})
    y2024 = {"date_from": date(2024, 1, 1), "date_to": date(2024, 12, 31)}
    assert admission_figures(root=tree.b1, **y2024)["members.probation_removed"] == 1
    assert admission_figures(root=tree.b1, as_of=before, **y2024)["members.probation_removed"] == 0
    assert admission_figures(root=tree.b1, as_of=before, **Y2023)["admissions.total"] == 1

"""REPORTS.md oversight, programme and discipline figures: actors relative to R, one per subject per
activity by decision date, .distinct, stages, annulled decisions excluded as of the instant."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dangvu.oversight import services
from dangvu.oversight.figures import figure_ids, figure_records, oversight_figures
from tests.oversight.factory import activity, decide, open_case

pytestmark = pytest.mark.django_db
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def test_every_figure_is_reported_even_when_zero(tree):
    figures = oversight_figures(tree.du, *YEAR)
    assert set(figure_ids()) <= set(figures) and not any(figures.values())
    assert "oversight.standing_committee.inspection.orgs" in figures
    assert "oversight.inspection_committee.inspection_violation_signs.members.disciplined" in figures


def test_actors_relative_to_the_root_and_counting_per_subject_per_activity(tree, system_user, people):
    activity(system_user, tree.du, "standing_committee", "compliance", orgs=[tree.b1, tree.b2])
    activity(system_user, tree.du, "standing_committee", "compliance", orgs=[tree.b1], number="02")
    activity(system_user, tree.du, "standing_committee", "supervision_thematic", orgs=[tree.b1])
    activity(system_user, tree.b1, "executive_committee", "compliance", orgs=[tree.c1], members=[people.plain])
    activity(system_user, tree.b1, "inspection_committee", "supervision_regular", members=[people.b1_cm])
    activity(system_user, tree.c1, "cell", "supervision_regular", members=[people.plain])
    activity(system_user, tree.du, "inspection_committee", "oversight_work", orgs=[tree.b1, tree.b2])
    f = oversight_figures(tree.du, *YEAR)
    assert f["oversight.standing_committee.inspection.orgs"] == 3
    assert f["oversight.standing_committee.inspection.orgs.distinct"] == 2
    assert f["oversight.standing_committee.inspection_compliance.orgs"] == 3
    assert f["oversight.standing_committee.supervision.orgs"] == 1
    assert f["oversight.standing_committee.supervision_thematic.orgs"] == 1
    assert f["oversight.base_committees.inspection.orgs"] == 1
    assert f["oversight.base_committees.inspection.members"] == 1
    assert f["oversight.base_inspection_committees.supervision.members"] == 1
    assert f["oversight.base_inspection_committees.supervision.members.committee_members"] == 1
    assert f["oversight.cells.supervision_regular.members"] == 1
    assert f["oversight.inspection_committee.inspection_oversight_work.orgs"] == 2
    # R = B1: B1's own committee is now "executive_committee"; DU's activities are outside.
    g = oversight_figures(tree.b1, *YEAR)
    assert g["oversight.executive_committee.inspection.orgs"] == 1
    assert g["oversight.inspection_committee.supervision.members"] == 1
    assert g["oversight.standing_committee.inspection.orgs"] == 0
    assert g["oversight.cells.supervision.members"] == 1
    rows = figure_records(tree.du, *YEAR, "oversight.standing_committee.inspection.orgs.distinct")
    assert sorted(r.label for r in rows) == ["Chi bộ Công ty Beta", "Đảng bộ Công ty Alpha"]


def test_decision_date_boundaries(tree, system_user):
    activity(system_user, tree.du, "standing_committee", "compliance", orgs=[tree.b1], on=date(2025, 12, 31))
    activity(system_user, tree.du, "standing_committee", "compliance", orgs=[tree.b1], on=date(2026, 1, 1))
    activity(system_user, tree.du, "standing_committee", "compliance", orgs=[tree.b2], on=date(2026, 3, 31))
    activity(system_user, tree.du, "standing_committee", "compliance", orgs=[tree.b2], on=date(2026, 4, 1))
    f = oversight_figures(tree.du, date(2026, 1, 1), date(2026, 3, 31))
    assert f["oversight.standing_committee.inspection.orgs"] == 2


def test_funnel_and_as_of(tree, system_user, people):
    act = activity(system_user, tree.du, "inspection_committee", "violation_signs",
                   members=[people.plain, people.b2m, people.b1_cm])
    s1, s2, s3 = act.subjects.order_by("id")
    for subject, conclusion in ((s1, "discipline_required"), (s2, "violation"), (s3, "no_violation")):
        services.subject_conclude(actor=system_user, subject=subject, conclusion=conclusion, findings="",
                                  concluded_on=date(2026, 3, 20))
    before_decision = timezone.now()
    case = decide(system_user, open_case(system_user, activity_subject=s1), tree.du, "inspection_committee",
                  delivered_on=date(2026, 4, 2))
    base = "oversight.inspection_committee.inspection_violation_signs.members"
    f = oversight_figures(tree.du, *YEAR)
    assert (f[base], f[f"{base}.violated"], f[f"{base}.discipline_required"], f[f"{base}.disciplined"]) == (3, 2, 1, 1)
    assert f[f"{base}.committee_members"] == 1
    assert f["discipline.members.total"] == 1 and f["discipline.members.reprimand"] == 1
    assert f["discipline.members.by_body.inspection_committee"] == 1
    assert f["discipline.members.content.ethics"] == 1 and f["discipline.members.persons"] == 1
    assert oversight_figures(tree.du, *YEAR, as_of=before_decision)[f"{base}.disciplined"] == 0
    assert oversight_figures(tree.du, *YEAR, as_of=before_decision)["discipline.members.total"] == 0
    early = timezone.now() - timedelta(days=400)
    assert oversight_figures(tree.du, *YEAR, as_of=early)[base] == 0
    appeal = services.appeal_file(actor=system_user, case=case, received_on=date(2026, 4, 10), content="x",
                                  handling_organisation=tree.du, handling_actor="standing_committee")
    services.appeal_resolve(actor=system_user, appeal=appeal, outcome="annul", outcome_number="9",
                            outcome_date=date(2026, 5, 1))
    f = oversight_figures(tree.du, *YEAR)
    assert f[f"{base}.disciplined"] == 0 and f["discipline.members.total"] == 0
    assert f[f"{base}.discipline_required"] == 1
    assert oversight_figures(tree.du, *YEAR, as_of=appeal.recorded_at)["discipline.members.total"] == 1


def test_discipline_by_decision_date_and_scope(tree, system_user, people):
    half = (date(2026, 1, 1), date(2026, 6, 30))
    decide(system_user, open_case(system_user, people.plain), tree.c1, "cell", on=date(2025, 12, 31))
    decide(system_user, open_case(system_user, people.plain, form="warning"), tree.b1, "executive_committee",
           form="warning", on=date(2026, 1, 1))
    decide(system_user, open_case(system_user, people.b2m), tree.b2, "cell", on=date(2026, 6, 30))
    decide(system_user, open_case(system_user, people.b2m), tree.b2, "cell", on=date(2026, 7, 1))
    f = oversight_figures(tree.du, *half)
    assert f["discipline.members.total"] == 2 and f["discipline.members.persons"] == 2
    assert f["discipline.members.by_body.base_committee"] == 1 and f["discipline.members.by_body.cell"] == 1
    assert oversight_figures(tree.b1, *half)["discipline.members.total"] == 1
    assert oversight_figures(tree.du, *YEAR)["discipline.members.persons"] == 2
    assert oversight_figures(tree.du, *YEAR)["discipline.members.total"] == 3
    records = figure_records(tree.du, *half, "discipline.members.warning")
    assert [r.label for r in records] == ["Nguyễn Văn An"]


def test_changed_form_counts_as_changed_only_after_the_change_is_entered(tree, system_user, people):
    case = decide(system_user, open_case(system_user, people.plain, form="warning"), tree.c1, "cell", form="warning",
                  delivered_on=date(2026, 4, 2))
    appeal = services.appeal_file(actor=system_user, case=case, received_on=date(2026, 4, 5), content="x",
                                  handling_organisation=tree.b1, handling_actor="executive_committee")
    services.appeal_resolve(actor=system_user, appeal=appeal, outcome="change", outcome_number="1",
                            outcome_date=date(2026, 5, 1), new_form="reprimand")
    assert oversight_figures(tree.du, *YEAR)["discipline.members.reprimand"] == 1
    old = oversight_figures(tree.du, *YEAR, as_of=appeal.recorded_at)
    assert old["discipline.members.warning"] == 1 and old["discipline.members.reprimand"] == 0


def test_programmes_of_base_orgs_for_the_last_year(tree, system_user):
    services.programme_create(actor=system_user, organisation=tree.b1, actor_kind="executive_committee", year=2026,
                              title="Chương trình 2026")
    services.programme_create(actor=system_user, organisation=tree.b1, actor_kind="inspection_committee", year=2026,
                              title="Chương trình UBKT 2026")
    services.programme_create(actor=system_user, organisation=tree.b2, actor_kind="cell", year=2025, title="2025")
    services.programme_create(actor=system_user, organisation=tree.du, actor_kind="standing_committee", year=2026,
                              title="DU 2026")
    assert oversight_figures(tree.du, *YEAR)["programmes.base_orgs_with_programme"] == 1
    assert oversight_figures(tree.du, date(2025, 1, 1), date(2025, 12, 31))["programmes.base_orgs_with_programme"] == 1


def test_planned_versus_done(tree, system_user):
    from dangvu.oversight.selectors import programme_summary

    programme = services.programme_create(actor=system_user, organisation=tree.du, actor_kind="standing_committee",
                                          year=2026, title="Chương trình 2026")
    item = services.programme_add_item(actor=system_user, programme=programme, activity_type="compliance",
                                       subjects="B1", content="x", planned_from=date(2026, 2, 1),
                                       planned_to=date(2026, 3, 31))
    services.programme_add_item(actor=system_user, programme=programme, activity_type="supervision_thematic",
                                subjects="B2", content="y", planned_from=date(2026, 4, 1), planned_to=date(2026, 5, 31))
    activity(system_user, tree.du, "standing_committee", "compliance", orgs=[tree.b1], item=item)
    activity(system_user, tree.du, "standing_committee", "compliance", orgs=[tree.b2], number="9")
    assert programme_summary(programme, date(2026, 6, 1)) == {"planned": 2, "done": 1, "overdue": 1, "unplanned": 1}
    assert programme_summary(programme, date(2026, 5, 31))["overdue"] == 0



"""Every rule of inspection, supervision and discipline, named by its ID: each test fails when the rule
is broken (the service accepts what it must refuse, or refuses what it must accept)."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.common.dates import add_months
from dangvu.oversight import services
from dangvu.oversight.models import CaseStatus, Conclusion
from dangvu.rules.engine import RuleViolation
from tests.oversight import factory
from tests.oversight.factory import activity, decide, open_case

pytestmark = pytest.mark.django_db


def refused(rule_id, fn, *args, **kwargs):
    with pytest.raises(RuleViolation) as caught:
        fn(*args, **kwargs)
    assert caught.value.rule_id == rule_id, str(caught.value)
    assert f"[{rule_id}]" in str(caught.value) and "Căn cứ:" in str(caught.value)
    return caught.value


# Acting bodies (§4.2–4.3) ----------------------------------------------------------------------

def test_ktgs_01_a_cell_does_not_inspect_oversight_work(tree, system_user):
    refused("KTGS-01", activity, system_user, tree.c1, "cell", "oversight_work", orgs=[tree.c2])
    refused("KTGS-01", activity, system_user, tree.b1, "cell", "compliance", members=[])  # B1 is not a cell
    refused("KTGS-01", activity, system_user, tree.du, "standing_committee", "asset_declaration", orgs=[tree.b1])


def test_ktgs_01_committees_exist_only_where_the_tree_allows(tree, system_user):
    refused("COM-04", activity, system_user, tree.b2, "standing_committee", "compliance", orgs=[tree.b2])
    refused("COM-05", activity, system_user, tree.c1, "inspection_committee", "violation_signs", orgs=[tree.c2])


def test_ktgs_02_staff_departments_never_inspect_on_signs_of_violation(tree, system_user):
    refused("KTGS-02", activity, system_user, tree.du, "staff_department", "violation_signs", orgs=[tree.b1])
    done = activity(system_user, tree.du, "staff_department", "supervision_thematic", orgs=[tree.b1])
    assert done.subjects.count() == 1


def test_ktgs_03_finance_inspection_never_covers_its_own_committee(tree, system_user):
    refused("KTGS-03", activity, system_user, tree.du, "inspection_committee", "finance", orgs=[tree.du])
    assert activity(system_user, tree.du, "inspection_committee", "finance", orgs=[tree.b1, tree.b2]).subjects.count() == 2


def test_ktgs_04_subjects_lie_below_the_acting_body(tree, system_user, people):
    refused("KTGS-04", activity, system_user, tree.b1, "executive_committee", "compliance", orgs=[tree.b2])
    refused("KTGS-04", activity, system_user, tree.b1, "executive_committee", "compliance", members=[people.b2m])
    refused("KTGS-04", activity, system_user, tree.c1, "cell", "compliance", members=[people.du_cm])
    refused("KTGS-04", activity, system_user, tree.du, "inspection_committee", "oversight_work", members=[people.plain])
    ok = activity(system_user, tree.b1, "executive_committee", "compliance", orgs=[tree.c1], members=[people.plain])
    assert ok.subjects.count() == 2


def test_ktgs_05_only_supervised_subjects_with_signs_escalate(tree, system_user):
    supervision = activity(system_user, tree.du, "inspection_committee", "supervision_thematic", orgs=[tree.b1, tree.b2])
    s_b1, s_b2 = supervision.subjects.order_by("id")
    services.subject_conclude(actor=system_user, subject=s_b1, conclusion=Conclusion.SHORTCOMINGS, findings="x",
                              concluded_on=date(2026, 4, 1), signs_of_violation=True)
    args = {"actor": system_user, "activity": supervision, "organisation": tree.du,
            "actor_kind": "inspection_committee", "decision": services.Decision("5-QĐ/UBKT", date(2026, 4, 5)),
            "topic": "Kiểm tra dấu hiệu vi phạm"}
    refused("KTGS-05", services.activity_escalate, subjects=[s_b2], **args)
    inspection = services.activity_escalate(subjects=[s_b1], **args)
    assert inspection.origin == supervision and inspection.activity_type == "violation_signs"
    assert [s.organisation for s in inspection.subjects.all()] == [tree.b1]
    refused("KTGS-05", services.activity_escalate, **{**args, "activity": inspection},
            subjects=list(inspection.subjects.all()))


def test_ktgs_06_conclusion_dates(tree, system_user):
    act = activity(system_user, tree.du, orgs=[tree.b1])
    subject = act.subjects.get()
    refused("KTGS-06", services.subject_conclude, actor=system_user, subject=subject, conclusion="violation",
            findings="", concluded_on=date(2026, 3, 1))
    refused("KTGS-06", activity, system_user, tree.du, orgs=[], members=[])


def test_plan_01_a_planned_activity_uses_its_own_body_and_year(tree, system_user):
    programme = services.programme_create(actor=system_user, organisation=tree.du, actor_kind="inspection_committee",
                                          year=2026, title="Chương trình kiểm tra, giám sát năm 2026")
    item = services.programme_add_item(actor=system_user, programme=programme, activity_type="oversight_work",
                                       subjects="Đảng bộ Công ty Alpha", content="Thực hiện nhiệm vụ kiểm tra",
                                       planned_from=date(2026, 3, 1), planned_to=date(2026, 5, 31))
    refused("PLAN-01", services.programme_add_item, actor=system_user, programme=programme,
            activity_type="finance", subjects="x", content="y", planned_from=date(2026, 12, 1),
            planned_to=date(2027, 1, 31))
    refused("PLAN-01", activity, system_user, tree.du, "inspection_committee", "oversight_work", orgs=[tree.b1],
            on=date(2025, 12, 1), item=item)
    refused("PLAN-01", activity, system_user, tree.du, "inspection_committee", "finance", orgs=[tree.b1], item=item)
    done = activity(system_user, tree.du, "inspection_committee", "oversight_work", orgs=[tree.b1], item=item)
    assert done.is_planned


# Forms (§4.4) ----------------------------------------------------------------------------------

def test_form_01_dismissal_needs_a_party_post(tree, system_user, people):
    case = open_case(system_user, people.plain, form="dismissal")
    refused("FORM-01", decide, system_user, case, tree.du, "inspection_committee", form="dismissal")
    case = open_case(system_user, people.b1_cm, form="dismissal")
    decided = decide(system_user, case, tree.du, "inspection_committee", form="dismissal")
    assert decided.decided_form == "dismissal" and decided.was_committee_member


def test_form_02_a_probationary_member_is_not_dismissed_or_expelled(tree, system_user, people):
    factory.post(system_user, tree.c1, people.plain)  # unrelated
    for form in ("expulsion", "dismissal"):
        case = open_case(system_user, people.prob, form=form)
        refused("FORM-02", decide, system_user, case, tree.du, "inspection_committee", form=form,
                proposal_votes=9, proposal_members=9)
    case = open_case(system_user, people.prob, form="warning")
    assert decide(system_user, case, tree.du, "inspection_committee", form="warning").status == CaseStatus.DECIDED


def test_form_03_forms_belong_to_the_kind_of_subject(tree, system_user, people):
    refused("FORM-03", open_case, system_user, people.plain, form="dissolution")
    refused("FORM-03", open_case, system_user, None, tree.c1, form="expulsion")


# Authority (§4.5–4.6), table-driven ------------------------------------------------------------

AUTHORITY = [
    # deciding org, body, subject, form → None (allowed) or the refusing rule
    ("c1", "cell", "plain", "reprimand", None),
    ("c1", "cell", "plain", "warning", None),
    ("c1", "cell", "b1_cm", "warning", None),
    ("c1", "cell", "plain", "dismissal", "AUTH-01"),
    ("c1", "cell", "plain", "expulsion", "AUTH-01"),
    ("c2", "cell", "plain", "reprimand", "AUTH-01"),
    ("c1", "executive_committee", "plain", "reprimand", "AUTH-01"),  # chi ủy: no authority
    ("b1", "executive_committee", "plain", "warning", None),
    ("b1", "executive_committee", "plain", "expulsion", "AUTH-01"),  # not authorised to admit
    ("b1", "executive_committee+", "plain", "expulsion", None),     # authorised to admit
    ("b1", "executive_committee+", "b1_cm", "expulsion", "AUTH-01"),  # own committee member
    ("b1", "executive_committee", "b1_cm", "dismissal", "AUTH-01"),
    ("b1", "standing_committee", "plain", "reprimand", "AUTH-01"),
    ("b1", "inspection_committee", "plain", "reprimand", "AUTH-01"),
    ("b1", "executive_committee", "b2m", "reprimand", "AUTH-01"),
    ("du", "standing_committee", "plain", "expulsion", None),
    ("du", "standing_committee", "b1_cm", "dismissal", None),
    ("du", "inspection_committee", "b1_cm", "expulsion", None),
    ("du", "inspection_committee", "du_cm", "warning", None),
    ("du", "inspection_committee", "du_cm", "dismissal", "AUTH-01"),
    ("du", "executive_committee", "du_cm", "expulsion", "AUTH-01"),
    ("du", "staff_department", "plain", "reprimand", "AUTH-01"),
    ("b1", "executive_committee", "org:c1", "reprimand", None),
    ("b1", "standing_committee", "org:c1", "warning", "AUTH-02"),
    ("b1", "executive_committee", "org:c1", "dissolution", "AUTH-02"),
    ("du", "standing_committee", "org:b1", "warning", None),
    ("du", "executive_committee", "org:b2", "dissolution", None),
    ("du", "standing_committee", "org:b2", "dissolution", "AUTH-02"),
    ("du", "inspection_committee", "org:b1", "reprimand", "AUTH-02"),
    ("du", "executive_committee", "org:c1", "reprimand", "AUTH-02"),  # not directly below
]


@pytest.mark.parametrize("org, body, subject, form, expected", AUTHORITY,
                         ids=[f"{o}-{b}-{s}-{f}" for o, b, s, f, _ in AUTHORITY])
def test_auth_01_02_authority_matrix(tree, people, org, body, subject, form, expected):
    authorised = body.endswith("+")
    kwargs = {"deciding_organisation": getattr(tree, org), "deciding_actor": body.rstrip("+"), "form": form,
              "day": date(2026, 6, 1), "authorised_to_admit": authorised}
    if subject.startswith("org:"):
        kwargs["organisation"] = getattr(tree, subject[4:])
    else:
        kwargs["member"] = getattr(people, subject)
    if expected is None:
        services.check_authority(**kwargs)
    else:
        refused(expected, services.check_authority, **kwargs)


# Votes (DIS-03..06) -----------------------------------------------------------------------------

def test_dis_03_the_vote_is_a_secret_ballot_with_counts(tree, system_user, people):
    case = open_case(system_user, people.plain)
    refused("DIS-03", decide, system_user, case, tree.c1, "cell", votes={"reprimand": 5}, secret_ballot=False)
    refused("DIS-03", decide, system_user, case, tree.c1, "cell", votes={}, members=9)
    refused("DIS-03", decide, system_user, case, tree.c1, "cell", votes={"reprimand": 10}, members=9)


def test_dis_04_more_than_half_of_all_members(tree, system_user, people):
    case = open_case(system_user, people.plain)
    refused("DIS-04", decide, system_user, case, tree.c1, "cell", votes={"reprimand": 5}, members=10)
    assert decide(system_user, case, tree.c1, "cell", votes={"reprimand": 6}, members=10).decided_form == "reprimand"


def test_dis_05_expulsion_needs_two_thirds_proposing_and_half_deciding(tree, system_user, people):
    case = open_case(system_user, people.plain, form="expulsion")
    refused("DIS-05", decide, system_user, case, tree.du, form="expulsion", proposal_votes=5, proposal_members=9)
    refused("DIS-05", decide, system_user, case, tree.du, form="expulsion")
    refused("DIS-04", decide, system_user, case, tree.du, votes={"expulsion": 3}, members=7,
            proposal_votes=6, proposal_members=9)
    decided = decide(system_user, case, tree.du, form="expulsion", votes={"expulsion": 4}, members=7,
                     proposal_votes=6, proposal_members=9)
    assert decided.decided_form == "expulsion"


def test_dis_06_cumulative_votes_from_the_heaviest_form_down(tree, system_user, people):
    assert services.cumulative_result({"expulsion": 3, "dismissal": 2, "warning": 2, "reprimand": 1}, 10,
                                      ["reprimand", "warning", "dismissal", "expulsion"]) == "warning"
    assert services.cumulative_result({"warning": 3, "reprimand": 3}, 10, ["reprimand", "warning"]) == "reprimand"
    assert services.cumulative_result({"warning": 2, "reprimand": 3}, 10, ["reprimand", "warning"]) is None
    case = open_case(system_user, people.plain, form="warning")
    refused("DIS-06", decide, system_user, case, tree.c1, "cell", votes={"warning": 3, "reprimand": 3}, members=10,
            decided_form="warning")
    decided = decide(system_user, case, tree.c1, "cell", votes={"warning": 3, "reprimand": 3}, members=10)
    assert decided.decided_form == "reprimand"


def test_dis_09_delivery_after_the_decision(tree, system_user, people):
    case = decide(system_user, open_case(system_user, people.plain), tree.c1, "cell")
    refused("DIS-09", services.case_deliver, actor=system_user, case=case, delivered_on=date(2026, 3, 1))
    assert services.case_deliver(actor=system_user, case=case, delivered_on=date(2026, 4, 2)).delivered_on


# Limitation (TH-01..05) ------------------------------------------------------------------------

def test_th_01_five_years_for_reprimand_ten_for_warning(tree, system_user, people):
    start = date(2021, 4, 1)
    case = open_case(system_user, people.plain, violation_from=start)
    last = add_months(start, 60)  # 01/04/2026: still within
    refused("TH-01", decide, system_user, case, tree.c1, "cell", on=date(2026, 4, 2))
    assert decide(system_user, case, tree.c1, "cell", on=date(2026, 4, 2), concluded_on=last).status == "decided"
    case = open_case(system_user, people.plain, violation_from=date(2016, 4, 1), form="warning")
    refused("TH-01", decide, system_user, case, tree.c1, "cell", form="warning", on=date(2026, 4, 2))
    assert decide(system_user, case, tree.c1, "cell", form="warning", on=date(2026, 4, 1)).decided_form == "warning"


def test_th_02_no_limitation_for_expulsion_or_political_grounds(tree, system_user, people):
    case = open_case(system_user, people.plain, violation_from=date(2005, 1, 1), form="expulsion")
    assert decide(system_user, case, tree.du, form="expulsion", proposal_votes=9, proposal_members=9).status == "decided"
    case = open_case(system_user, people.b2m, violation_from=date(2005, 1, 1), no_limitation_ground=True)
    assert decide(system_user, case, tree.b2, "cell").status == "decided"


def test_th_03_organisations_five_and_ten_years_none_for_dissolution(tree, system_user):
    case = open_case(system_user, None, tree.b1, violation_from=date(2016, 1, 1), form="warning")
    refused("TH-03", decide, system_user, case, tree.du, form="warning", on=date(2026, 1, 2))
    assert decide(system_user, case, tree.du, form="warning", on=date(2026, 1, 1)).status == "decided"
    case = open_case(system_user, None, tree.b1, violation_from=date(2020, 1, 1), form="reprimand")
    refused("TH-03", decide, system_user, case, tree.du, on=date(2026, 1, 2))


def test_th_04_a_new_violation_restarts_and_a_long_one_counts_from_its_end(tree, system_user, people):
    case = open_case(system_user, people.plain, violation_from=date(2020, 1, 1), new_violation_on=date(2024, 6, 1))
    assert decide(system_user, case, tree.c1, "cell", on=date(2026, 4, 1)).status == "decided"
    case = open_case(system_user, people.plain, violation_from=date(2019, 1, 1), violation_to=date(2022, 1, 1))
    assert services.limitation_expiry(case, "reprimand", date(2026, 1, 1)) == date(2027, 1, 1)
    # A "new violation" after the period had already run out does not revive it.
    case = open_case(system_user, people.plain, violation_from=date(2015, 1, 1), new_violation_on=date(2021, 6, 1))
    assert services.limitation_expiry(case, "reprimand", date(2026, 1, 1)) == date(2020, 1, 1)


def test_th_05_counted_to_the_conclusion_not_the_decision(tree, system_user, people):
    case = open_case(system_user, people.plain, violation_from=date(2021, 4, 1))
    decided = decide(system_user, case, tree.c1, "cell", on=date(2026, 6, 1), concluded_on=date(2026, 3, 31))
    assert decided.decision_date > add_months(date(2021, 4, 1), 60) >= decided.concluded_on


# Non-application (NOKL) ------------------------------------------------------------------------

def test_nokl_01_postponed_while_raising_a_child_under_12_months(tree, system_user, people):
    case = open_case(system_user, people.b2m)
    services.case_postpone(actor=system_user, case=case, reason="child_under_12_months", until=date(2026, 5, 31))
    refused("NOKL-01", decide, system_user, case, tree.b2, "cell", on=date(2026, 5, 31))
    assert decide(system_user, case, tree.b2, "cell", on=date(2026, 6, 1)).status == "decided"


def test_nokl_02_the_dead_are_not_disciplined_unless_especially_serious(tree, system_user, people):
    from dangvu.members.services import member_record_event

    member_record_event(actor=system_user, member=people.plain, kind="death", effective_date=date(2026, 2, 1),
                        decision=services.Decision("", date(2026, 2, 1)))
    people.plain.refresh_from_db()
    refused("NOKL-02", open_case, system_user, people.plain)
    assert open_case(system_user, people.plain, especially_serious=True).pk


def test_case_02_a_case_opens_only_from_a_conclusion_requiring_discipline(tree, system_user, people):
    act = activity(system_user, tree.du, members=[people.plain])
    subject = act.subjects.get()
    refused("CASE-02", open_case, system_user, activity_subject=subject)
    services.subject_conclude(actor=system_user, subject=subject, conclusion="discipline_required", findings="x",
                              concluded_on=date(2026, 3, 20))
    assert open_case(system_user, activity_subject=subject).member == people.plain

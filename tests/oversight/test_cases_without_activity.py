"""Cases that do not start from an activity (DIS-13: a final prison sentence) and the non-application
rules NOKL-01 (postponement and its end, case_resume), NOKL-02 (death) and NOKL-04 (third child)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from dangvu.members.models import MemberStatus
from dangvu.members.services import member_record_event
from dangvu.oversight import services
from dangvu.oversight.models import CaseStatus
from dangvu.rules.engine import rule_in_force
from tests.oversight.factory import activity, decide, open_case
from tests.oversight.test_rules import refused

pytestmark = pytest.mark.django_db

JUDGMENT = {"judgment_number": "45/2026/HS-ST", "judgment_date": date(2026, 5, 12)}


def _expel(system_user, tree, case, **extra):
    return decide(system_user, case, tree.du, form="expulsion", on=date(2026, 6, 1), proposal_votes=7,
                  proposal_members=9, **extra)


def test_dis_13_a_prison_sentence_opens_an_expulsion_case_without_an_inspection(tree, system_user, people):
    case = open_case(system_user, people.plain, form="expulsion", violation_from=date(2025, 10, 3), **JUDGMENT)
    assert case.activity_subject is None and case.on_judgment and case.judgment_date == date(2026, 5, 12)
    decided = _expel(system_user, tree, case)
    assert decided.decided_form == "expulsion"
    people.plain.refresh_from_db()
    assert people.plain.status == MemberStatus.EXPELLED


def test_dis_13_refuses_what_is_not_a_judgment_ground(tree, system_user, people):
    refused("DIS-13", open_case, system_user, people.plain, form="warning", **JUDGMENT)
    refused("DIS-13", open_case, system_user, people.plain, form="expulsion", judgment_number="45/2026/HS-ST")
    refused("DIS-13", open_case, system_user, people.plain, form="expulsion", judgment_number="45/2026/HS-ST",
            judgment_date=date(2027, 1, 5))  # after today
    act = activity(system_user, tree.du, members=[people.plain])
    subject = act.subjects.get()
    services.subject_conclude(actor=system_user, subject=subject, conclusion="discipline_required", findings="x",
                              concluded_on=date(2026, 3, 20))
    refused("DIS-13", open_case, system_user, activity_subject=subject, form="expulsion", **JUDGMENT)


def test_dis_13_the_body_decides_expulsion_not_a_lighter_form(tree, system_user, people):
    case = open_case(system_user, people.plain, form="expulsion", violation_from=date(2025, 10, 3), **JUDGMENT)
    refused("DIS-13", decide, system_user, case, tree.du, form="warning", on=date(2026, 6, 1))
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and not case.decided_form


def test_dis_13_does_not_exist_before_qd_21(tree, system_user, people):
    assert "QĐ 21-QĐ/TW" in rule_in_force("DIS-13", date(2026, 4, 11)).basis
    with time_machine.travel(date(2026, 3, 20), tick=False):
        caught = refused("DIS-13", open_case, system_user, people.plain, form="expulsion",
                         judgment_number="7/2026/HS-ST", judgment_date=date(2026, 3, 2))
    assert "QĐ 296-QĐ/TW" in str(caught)


def test_nokl_01_a_postponed_case_resumes_when_its_ground_ends(tree, system_user, people):
    case = open_case(system_user, people.b2m)
    refused("CASE-01", services.case_resume, actor=system_user, case=case, resumed_on=date(2026, 5, 1))
    services.case_postpone(actor=system_user, case=case, reason="serious_illness", until=date(2026, 8, 31))
    refused("NOKL-01", decide, system_user, case, tree.b2, "cell", on=date(2026, 6, 1))
    refused("LIFE-06", services.case_resume, actor=system_user, case=case, resumed_on=date(2027, 1, 4))
    services.case_resume(actor=system_user, case=case, resumed_on=date(2026, 5, 20))
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.resumed_on == date(2026, 5, 20)
    assert case.postponed_until == date(2026, 8, 31)  # the history of the postponement stays
    refused("NOKL-01", decide, system_user, case, tree.b2, "cell", on=date(2026, 5, 19))
    assert decide(system_user, case, tree.b2, "cell", on=date(2026, 5, 20)).status == CaseStatus.DECIDED


def test_nokl_02_a_member_who_died_after_the_case_opened_is_not_disciplined(tree, system_user, people):
    case = open_case(system_user, people.plain)
    serious = open_case(system_user, people.plain, especially_serious=True)
    member_record_event(actor=system_user, member=people.plain, kind="death", effective_date=date(2026, 5, 1),
                        decision=services.Decision("", date(2026, 5, 1)))
    refused("NOKL-02", decide, system_user, case, tree.c1, "cell", on=date(2026, 5, 10))
    # An especially serious violation is still disciplined after death.
    assert decide(system_user, serious, tree.c1, "cell", on=date(2026, 5, 10)).status == CaseStatus.DECIDED


def test_nokl_04_no_discipline_for_a_third_child_from_20_march_2025(tree, system_user, people):
    assert rule_in_force("NOKL-04", date(2025, 3, 19)).params["disciplined"] is True
    assert rule_in_force("NOKL-04", date(2025, 3, 20)).params["disciplined"] is False
    refused("NOKL-04", open_case, system_user, people.b2m, third_child=True)
    with time_machine.travel(date(2025, 3, 10), tick=False):
        before = open_case(system_user, people.b2m, violation_from=date(2024, 6, 1), third_child=True)
        later = open_case(system_user, people.b2m, violation_from=date(2024, 6, 1), third_child=True)
        assert decide(system_user, before, tree.b2, "cell", on=date(2025, 3, 10)).status == CaseStatus.DECIDED
    with time_machine.travel(date(2025, 3, 25), tick=False):
        refused("NOKL-04", decide, system_user, later, tree.b2, "cell", on=date(2025, 3, 20))
        assert decide(system_user, later, tree.b2, "cell", on=date(2025, 3, 19)).status == CaseStatus.DECIDED

"""Appeals (KN-*): an annulled or lightened dissolution restores the organisation through its event
history and brings its members back through the ledger (KN-06, ORG-19); the appeal body needs authority
for a changed form (AUTH-01); KN-05 counts working days over the holiday calendar; KN-01 is a calendar
month."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.audit.models import AuditEntry
from dangvu.members.models import LedgerEvent
from dangvu.members.selectors import member_ids_in_subtree_on
from dangvu.members.services import member_record_event
from dangvu.organisations.models import OrganisationEvent
from dangvu.organisations.selectors import organisation_tree
from dangvu.organisations.services import Decision, org_is_active, organisation_restore
from dangvu.oversight import selectors, services
from dangvu.workdays.services import working_days_between
from tests.oversight import factory
from tests.oversight.factory import decide, open_case
from tests.oversight.test_rules import refused

pytestmark = pytest.mark.django_db

DISSOLVED, RESTORED = date(2026, 4, 1), date(2026, 6, 1)


def _codes(user, day):
    def walk(nodes):
        for node in nodes:
            yield node.code, node.members
            yield from walk(node.children)
    return dict(walk(organisation_tree(user=user, day=day)))


def _dissolve_b2(system_user, tree):
    case = open_case(system_user, None, tree.b2, form="dissolution")
    decide(system_user, case, tree.du, "executive_committee", form="dissolution", on=DISSOLVED,
           delivered_on=date(2026, 4, 3), members_to=tree.c1)
    case.refresh_from_db()
    return case, services.appeal_file(actor=system_user, case=case, received_on=date(2026, 4, 20), content="x",
                                      external_body="Ban Thường vụ Thành ủy")


def test_kn_06_an_annulled_dissolution_restores_the_organisation_and_its_members(tree, system_user, people, cast):
    second = factory.official(system_user, tree.b2, "Đặng Văn Giang")
    before, between = _codes(cast.admin, date(2026, 3, 31)), None
    case, appeal = _dissolve_b2(system_user, tree)
    between = _codes(cast.admin, date(2026, 5, 1))
    assert before["B2"] == 2 and "B2" not in between and between["C1"] == before["C1"] + 2
    services.appeal_resolve(actor=system_user, appeal=appeal, outcome="annul", outcome_number="4-QĐ/TU",
                            outcome_date=RESTORED)
    after = _codes(cast.admin, RESTORED)
    assert after["B2"] == 2 and after["C1"] == before["C1"] and after["DU"] == before["DU"]
    assert _codes(cast.admin, date(2026, 5, 1)) == between  # history stays history
    tree.b2.refresh_from_db()
    assert tree.b2.ended_on is None and org_is_active(tree.b2.pk, RESTORED)
    kinds = list(OrganisationEvent.objects.filter(organisation=tree.b2).values_list("kind", flat=True))
    assert kinds == ["founding", "dissolution", "restoration"]
    for member in (people.b2m, second):
        member.refresh_from_db()
        assert member.organisation == tree.b2
        back = LedgerEvent.objects.filter(member=member).order_by("effective_date", "id").last()
        assert (back.kind, back.effective_date, back.decision_number) == ("org_transfer", RESTORED, "4-QĐ/TU")
    assert member_ids_in_subtree_on(tree.b2, RESTORED).count() == 2
    assert AuditEntry.objects.filter(event_type="restoration", target_id=str(tree.b2.pk)).count() == 1
    case.refresh_from_db()
    assert case.status == "annulled"


def test_kn_06_a_dissolution_changed_to_a_warning_restores_only_who_is_still_there(tree, system_user, people, cast):
    second = factory.official(system_user, tree.b2, "Đặng Văn Giang")
    _, appeal = _dissolve_b2(system_user, tree)
    member_record_event(actor=system_user, member=second, kind="transfer", effective_date=date(2026, 5, 4),
                        decision=Decision("9-QĐ/ĐU", date(2026, 5, 4)), organisation=tree.c2)
    refused("KN-06", services.appeal_resolve, actor=system_user, appeal=appeal, outcome="change",
            outcome_number="5-QĐ/TU", outcome_date=RESTORED, new_form="dissolution")
    services.appeal_resolve(actor=system_user, appeal=appeal, outcome="change", outcome_number="5-QĐ/TU",
                            outcome_date=RESTORED, new_form="warning")
    people.b2m.refresh_from_db()
    second.refresh_from_db()
    assert people.b2m.organisation == tree.b2 and second.organisation == tree.c2
    assert _codes(cast.admin, RESTORED)["B2"] == 1


def test_org_19_only_a_dissolved_organisation_is_restored(tree, system_user):
    refused("ORG-19", organisation_restore, actor=system_user, organisation=tree.b2, effective_date=RESTORED,
            decision=Decision("1", RESTORED))
    _dissolve_b2(system_user, tree)
    refused("ORG-19", organisation_restore, actor=system_user, organisation=tree.b2, effective_date=date(2026, 3, 1),
            decision=Decision("1", date(2026, 3, 1)))


def test_auth_01_the_appeal_body_needs_authority_for_the_new_form(tree, system_user, people):
    case = decide(system_user, open_case(system_user, people.plain), tree.c1, "cell", delivered_on=date(2026, 4, 2))
    args = {"actor": system_user, "case": case, "content": "x", "received_on": date(2026, 4, 10)}
    appeal = services.appeal_file(handling_organisation=tree.b1, handling_actor="inspection_committee", **args)
    resolve = {"actor": system_user, "appeal": appeal, "outcome": "change", "outcome_number": "2-QĐ/UBKT",
               "outcome_date": date(2026, 5, 4)}
    refused("AUTH-01", services.appeal_resolve, new_form="warning", **resolve)  # UBKT of a base committee
    services.appeal_resolve(outcome_date=date(2026, 5, 4), outcome="keep", outcome_number="2-QĐ/UBKT",
                            actor=system_user, appeal=appeal)
    case = decide(system_user, open_case(system_user, people.plain), tree.c1, "cell", delivered_on=date(2026, 4, 2))
    appeal = services.appeal_file(handling_organisation=tree.b1, handling_actor="executive_committee",
                                  **{**args, "case": case})
    resolve["appeal"] = appeal
    refused("AUTH-01", services.appeal_resolve, new_form="expulsion", **resolve)  # not authorised to admit
    people.plain.refresh_from_db()
    assert people.plain.status == "official"
    services.appeal_resolve(new_form="warning", **resolve)
    case.refresh_from_db()
    assert case.decided_form == "warning"


def test_kn_05_the_resolution_deadline_skips_tet(tree, system_user, people, cast):
    case = decide(system_user, open_case(system_user, people.b2m), tree.b2, "cell", on=date(2026, 2, 2),
                  delivered_on=date(2026, 2, 3))
    appeal = services.appeal_file(actor=system_user, case=case, received_on=date(2026, 2, 10), content="x",
                                  handling_organisation=tree.du, handling_actor="standing_committee")
    due = selectors.appeal_due(appeal)
    # 90 working days from 10/02/2026: weekends alone would give 16/06/2026; Tết (16–20/02), 30/04 and
    # 01/05 are seven more weekdays off (Giỗ Tổ, 26/04/2026, is a Sunday in the calendar).
    assert due == date(2026, 6, 25)
    assert working_days_between(appeal.received_on, due) == 90
    assert selectors.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)  # Friday before Tết → after
    listed = [d for d in selectors.deadlines(cast.inspection_staff, date(2026, 3, 1))
              if d.kind == "Khiếu nại chờ giải quyết"]
    assert [d.due for d in listed] == [due]


def test_kn_01_one_calendar_month_not_thirty_days(tree, system_user, people):
    case = decide(system_user, open_case(system_user, people.b2m), tree.b2, "cell", on=date(2026, 1, 30),
                  delivered_on=date(2026, 1, 31))
    args = {"actor": system_user, "case": case, "content": "x", "handling_organisation": tree.du,
            "handling_actor": "standing_committee"}
    refused("KN-01", services.appeal_file, received_on=date(2026, 3, 1), **args)  # 31/01 + 30 days = 02/03
    assert services.appeal_file(received_on=date(2026, 2, 28), **args).pk

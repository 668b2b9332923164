"""Effects through the records core (ledger, posts, dissolution), appeals (KN-*) and suspension (SUS-*)."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.members.models import MemberStatus
from dangvu.members.selectors import member_ids_in_subtree_on, member_party_age, member_state_on
from dangvu.organisations.models import Post
from dangvu.oversight import selectors, services
from dangvu.oversight.figures import oversight_figures
from tests.oversight.factory import decide, open_case
from tests.oversight.test_rules import refused

pytestmark = pytest.mark.django_db


def _expel(system_user, tree, member, on=date(2026, 4, 1), delivered_on=date(2026, 4, 3)):
    case = open_case(system_user, member, form="expulsion")
    return decide(system_user, case, tree.du, form="expulsion", on=on, delivered_on=delivered_on,
                  proposal_votes=7, proposal_members=9)


def test_expulsion_and_its_annulment_in_the_ledger_and_the_counts(tree, system_user, people):
    before = member_ids_in_subtree_on(tree.du, date(2026, 3, 31)).count()
    case = _expel(system_user, tree, people.plain)
    people.plain.refresh_from_db()
    assert people.plain.status == MemberStatus.EXPELLED
    assert case.ledger_event.kind == "expulsion" and case.ledger_event.decision_number == "15-QĐ/ĐU"
    assert member_ids_in_subtree_on(tree.du, date(2026, 4, 15)).count() == before - 1
    appeal = services.appeal_file(actor=system_user, case=case, received_on=date(2026, 4, 20), content="Xin xem xét lại",
                                  external_body="Ban Thường vụ Thành ủy")
    services.appeal_resolve(actor=system_user, appeal=appeal, outcome="annul", outcome_number="3-QĐ/TU",
                            outcome_date=date(2026, 6, 1))
    people.plain.refresh_from_db()
    assert people.plain.status == MemberStatus.OFFICIAL
    kinds = [e.kind for e in people.plain.events.order_by("effective_date", "id")]
    assert kinds[-2:] == ["expulsion", "restoration"]
    assert member_ids_in_subtree_on(tree.du, date(2026, 3, 31)).count() == before
    assert member_ids_in_subtree_on(tree.du, date(2026, 5, 1)).count() == before - 1  # history stays history
    assert member_ids_in_subtree_on(tree.du, date(2026, 6, 1)).count() == before
    # LIFE-T04: party age counts as continuous (admitted 01/03/2016).
    assert member_party_age(people.plain, date(2026, 6, 1)) == 10
    case.refresh_from_db()
    assert case.status == "annulled"
    figures = oversight_figures(tree.du, date(2026, 1, 1), date(2026, 12, 31))
    assert figures["discipline.members.expulsion"] == 0
    figures = oversight_figures(tree.du, date(2026, 1, 1), date(2026, 12, 31), as_of=appeal.recorded_at)
    assert figures["discipline.members.expulsion"] == 1


def test_kn_01_one_month_from_receipt(tree, system_user, people):
    case = _expel(system_user, tree, people.plain, delivered_on=date(2026, 4, 3))
    args = {"actor": system_user, "case": case, "content": "x", "external_body": "Ban Thường vụ Thành ủy"}
    refused("KN-01", services.appeal_file, received_on=date(2026, 5, 4), **args)
    assert services.appeal_file(received_on=date(2026, 5, 3), **args).pk


def test_kn_02_the_decision_holds_while_the_appeal_is_pending(tree, system_user, people):
    case = _expel(system_user, tree, people.plain)
    services.appeal_file(actor=system_user, case=case, received_on=date(2026, 4, 10), content="x",
                         external_body="Ban Thường vụ Thành ủy")
    people.plain.refresh_from_db()
    assert people.plain.status == MemberStatus.EXPELLED
    assert oversight_figures(tree.du, date(2026, 1, 1), date(2026, 12, 31))["discipline.members.expulsion"] == 1


def test_kn_03_the_right_level(tree, system_user, people):
    case = decide(system_user, open_case(system_user, people.plain), tree.c1, "cell", delivered_on=date(2026, 4, 2))
    args = {"actor": system_user, "case": case, "content": "x", "received_on": date(2026, 4, 10)}
    refused("KN-03", services.appeal_file, handling_organisation=tree.du, handling_actor="standing_committee", **args)
    refused("KN-03", services.appeal_file, external_body="Thành ủy", **args)
    assert services.appeal_file(handling_organisation=tree.b1, handling_actor="executive_committee", **args).pk
    case = decide(system_user, open_case(system_user, people.b2m), tree.du, "inspection_committee",
                  delivered_on=date(2026, 4, 2))
    args["case"] = case
    refused("KN-03", services.appeal_file, external_body="UBKT Thành ủy", **args)
    assert services.appeal_file(handling_organisation=tree.du, handling_actor="standing_committee", **args).pk


def test_kn_04_appeals_not_accepted(tree, system_user, people):
    case = decide(system_user, open_case(system_user, people.b2m), tree.b2, "cell")
    args = {"actor": system_user, "case": case, "content": "x", "received_on": date(2026, 4, 10),
            "handling_organisation": tree.du, "handling_actor": "standing_committee"}
    refused("KN-04", services.appeal_file, **args)  # not delivered
    services.case_deliver(actor=system_user, case=case, delivered_on=date(2026, 4, 2))
    refused("KN-04", services.appeal_file, on_behalf=True, **args)
    services.appeal_file(**args)
    refused("KN-04", services.appeal_file, **args)  # already pending


def test_kn_05_pending_appeals_show_their_deadline(tree, system_user, people, cast):
    case = _expel(system_user, tree, people.plain)
    services.appeal_file(actor=system_user, case=case, received_on=date(2026, 4, 10), content="x",
                         external_body="Ban Thường vụ Thành ủy")
    items = selectors.deadlines(cast.inspection_staff, date(2026, 4, 15))
    appeal = [d for d in items if d.kind == "Khiếu nại chờ giải quyết"]
    assert appeal and appeal[0].due == selectors.add_working_days(date(2026, 4, 10), 90)
    assert selectors.add_working_days(date(2026, 4, 10), 1) == date(2026, 4, 13)  # Friday → Monday
    assert selectors.deadlines(cast.leader, date(2026, 4, 15))


def test_kn_06_change_and_annul_give_back_what_was_taken(tree, system_user, people):
    case = decide(system_user, open_case(system_user, people.b1_cm, form="dismissal"), tree.du,
                  "inspection_committee", form="dismissal", delivered_on=date(2026, 4, 2))
    post = Post.objects.get(member=people.b1_cm)
    assert post.ends_on == date(2026, 3, 31)
    args = {"actor": system_user, "case": case, "content": "x", "received_on": date(2026, 4, 10),
            "handling_organisation": tree.du, "handling_actor": "standing_committee"}
    appeal = services.appeal_file(**args)
    refused("KN-06", services.appeal_resolve, actor=system_user, appeal=appeal, outcome="change",
            outcome_number="1", outcome_date=date(2026, 5, 1), new_form="dismissal")
    refused("FORM-03", services.appeal_resolve, actor=system_user, appeal=appeal, outcome="change",
            outcome_number="1", outcome_date=date(2026, 5, 1), new_form="dissolution")
    services.appeal_resolve(actor=system_user, appeal=appeal, outcome="change", outcome_number="1",
                            outcome_date=date(2026, 5, 1), new_form="warning")
    post.refresh_from_db()
    assert post.ends_on is None
    case.refresh_from_db()
    assert case.decided_form == "warning"
    refused("KN-06", services.appeal_resolve, actor=system_user, appeal=appeal, outcome="annul",
            outcome_number="2", outcome_date=date(2026, 5, 2))


def test_dissolution_moves_the_members_as_decided(tree, system_user, people):
    case = open_case(system_user, None, tree.b2, form="dissolution")
    decide(system_user, case, tree.du, "executive_committee", form="dissolution", members_to=tree.c1)
    tree.b2.refresh_from_db()
    people.b2m.refresh_from_db()
    assert tree.b2.ended_on == date(2026, 4, 1)
    assert people.b2m.organisation == tree.c1
    figures = oversight_figures(tree.du, date(2026, 1, 1), date(2026, 12, 31))
    assert figures["discipline.orgs.dissolution"] == 1 and figures["discipline.orgs.total"] == 1


def test_sus_02_grounds_and_committee_suspension(tree, system_user, people):
    args = {"actor": system_user, "deciding_organisation": tree.du, "deciding_actor": "standing_committee",
            "decision_number": "7-QĐ/ĐU", "starts_on": date(2026, 5, 1), "ends_on": date(2026, 7, 30)}
    refused("SUS-02", services.suspension_decide, member=people.plain, kind="party", ground="rumour", **args)
    refused("SUS-02", services.suspension_decide, member=people.plain, kind="committee", ground="prosecuted", **args)
    refused("SUS-02", services.suspension_decide, member=people.b1_cm, kind="committee", ground="obstruction", **args)
    assert services.suspension_decide(member=people.b1_cm, kind="committee", ground="prosecuted", **args).pk
    people.b1_cm.refresh_from_db()
    assert not people.b1_cm.is_suspended  # committee activity only: the party ledger is untouched


def test_sus_03_and_08_durations(tree, system_user, people):
    args = {"actor": system_user, "deciding_organisation": tree.du, "deciding_actor": "standing_committee",
            "decision_number": "7-QĐ/ĐU", "member": people.plain, "kind": "party", "ground": "detained"}
    refused("SUS-08", services.suspension_decide, starts_on=date(2026, 5, 1), ends_on=date(2026, 7, 31), **args)
    suspension = services.suspension_decide(starts_on=date(2026, 5, 1), ends_on=date(2026, 7, 30), **args)
    people.plain.refresh_from_db()
    assert people.plain.is_suspended and member_state_on(people.plain, date(2026, 5, 2)).is_suspended
    # Under QĐ 21 (from 11/04/2026): at most 120 days in all.
    refused("SUS-03", services.suspension_extend, actor=system_user, suspension=suspension,
            new_ends_on=date(2026, 8, 30))
    services.suspension_extend(actor=system_user, suspension=suspension, new_ends_on=date(2026, 8, 29))
    refused("SUS-08", services.suspension_extend, actor=system_user, suspension=suspension,
            new_ends_on=date(2026, 8, 29))
    services.suspension_end(actor=system_user, suspension=suspension, ended_on=date(2026, 8, 29))
    people.plain.refresh_from_db()
    assert not people.plain.is_suspended
    assert oversight_figures(tree.du, date(2026, 1, 1), date(2026, 12, 31))["discipline.members.suspended"] == 1


def test_sus_04_late_notification_is_flagged(tree, system_user, people):
    suspension = services.suspension_decide(
        actor=system_user, member=people.plain, kind="party", ground="prosecuted", deciding_organisation=tree.du,
        deciding_actor="standing_committee", decision_number="8", starts_on=date(2026, 5, 10),
        ends_on=date(2026, 6, 10), prosecuted_on=date(2026, 5, 1), notified_on=date(2026, 5, 4))
    assert not services.suspension_notified_late(suspension)
    suspension.notified_on = date(2026, 5, 5)
    assert services.suspension_notified_late(suspension)

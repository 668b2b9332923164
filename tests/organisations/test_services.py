"""Writes to the organisation tree: each service's effect on the tree as of dates before and after it,
on the members it moves, and each rule it checks (refused without leaving anything behind)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dangvu.access.policies import members_for
from dangvu.accounts.models import User
from dangvu.audit.models import AuditEntry
from dangvu.members.models import EventKind, LedgerEvent, Member, MembershipSpell, MemberStatus
from dangvu.members.selectors import member_ids_in_subtree_on, member_state_on
from dangvu.members.services import member_record_event
from dangvu.organisations.models import Organisation, OrganisationEvent, OrganisationSpell, OrgEventKind
from dangvu.organisations.selectors import flatten, organisation_tree
from dangvu.organisations.services import (
    Decision,
    body_create,
    organisation_change_type,
    organisation_dissolve,
    organisation_found,
    organisation_merge,
    organisation_move,
    organisation_rename,
    organisation_split,
    post_assign,
    term_create,
)
from dangvu.rules.engine import RuleViolation

pytestmark = pytest.mark.django_db


def dec(on: date) -> Decision:
    return Decision(f"{on:%d%m%Y}-QĐ/ĐU", on, "Ban Thường vụ Đảng ủy")


def _snapshot() -> tuple:
    return (
        list(Organisation.objects.order_by("pk").values_list("pk", "code", "name", "org_type", "parent_id", "path",
                                                              "ended_on", "successor_id")),
        OrganisationEvent.objects.count(), OrganisationSpell.objects.count(), AuditEntry.objects.count(),
        LedgerEvent.objects.count(), MembershipSpell.objects.count(),
        list(Member.objects.order_by("pk").values_list("pk", "status", "organisation_id", "org_path")),
    )


@contextmanager
def refused(rule_id: str):
    before = _snapshot()
    with pytest.raises(RuleViolation) as caught:
        yield caught
    assert caught.value.rule_id == rule_id, str(caught.value)
    assert _snapshot() == before


def nodes_on(user, day, **kwargs) -> dict[str, object]:
    return {node.code: node for node in flatten(organisation_tree(user=user, day=day, **kwargs))}


def parent_code(nodes, code) -> str | None:
    parent_id = nodes[code].parent_id
    return next((n.code for n in nodes.values() if n.organisation_id == parent_id), None)


@pytest.fixture
def rec(system_user):
    def _rec(member, kind, on, organisation=None, **extra):
        return member_record_event(actor=system_user, member=member, kind=kind, effective_date=on,
                                   decision=dec(on), organisation=organisation, **extra)

    return _rec


@pytest.fixture
def found(system_user):
    def _found(code, name, org_type, parent, on=date(2019, 1, 1)):
        return organisation_found(actor=system_user, code=code, name=name, org_type=org_type, parent=parent,
                                  founded_on=on, decision=dec(on))

    return _found


# Founding --------------------------------------------------------------------------------------

def test_found_appears_in_the_tree_from_its_founding_day(tree, found, system_user):
    c3 = found("c3", "  Chi bộ   Phân xưởng 3 ", "subordinate_cell", tree.b1, on=date(2019, 1, 1))
    assert c3.code == "C3" and c3.name == "Chi bộ Phân xưởng 3"
    assert c3.path == tree.b1.path + f"{c3.pk:07d}." and c3.depth == 2
    assert "C3" not in nodes_on(system_user, date(2018, 12, 31))
    on_day = nodes_on(system_user, date(2019, 1, 1))
    assert parent_code(on_day, "C3") == "B1" and on_day["C3"].name == "Chi bộ Phân xưởng 3"


def test_org_14_a_code_is_used_once(tree, found):
    with refused("ORG-14"):
        found(" c1 ", "Chi bộ khác", "subordinate_cell", tree.b1)
    assert found("C9", "Chi bộ khác", "subordinate_cell", tree.b1).code == "C9"


def test_org_12_type_must_fit_the_parent(tree, found):
    for code, org_type, parent in (("X1", "subordinate_cell", tree.du), ("X2", "base_cell", tree.b1),
                                   ("X3", "sub_committee", tree.du), ("X4", "subordinate_cell", None),
                                   ("X5", "party_group", tree.b1), ("X6", "base_party_committee", tree.b1)):
        with refused("ORG-12"):
            found(code, "Tổ chức thử", org_type, parent)
    assert found("S1", "Đảng bộ bộ phận 1", "sub_committee", tree.b1).parent == tree.b1
    assert found("G1", "Tổ đảng 1", "party_group", tree.b2).parent == tree.b2
    assert found("T1", "Đảng bộ Khu kinh tế", "superior_committee", None).parent is None


def test_org_10_cannot_found_under_a_parent_not_open_that_day(tree, found):
    with refused("ORG-10"):
        found("C3", "Chi bộ Phân xưởng 3", "subordinate_cell", tree.b1, on=date(2014, 12, 31))
    assert found("C3", "Chi bộ Phân xưởng 3", "subordinate_cell", tree.b1, on=date(2015, 1, 1)).pk


def test_life_06_an_organisation_event_cannot_be_dated_in_the_future(tree, found, system_user):
    with time_machine.travel(datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        with refused("LIFE-06"):
            found("C3", "Chi bộ Phân xưởng 3", "subordinate_cell", tree.b1, on=date(2026, 11, 28))
        with refused("LIFE-06"):
            organisation_rename(actor=system_user, organisation=tree.c1, new_name="Chi bộ mới",
                                effective_date=date(2026, 11, 27),
                                decision=Decision("1-QĐ", date(2026, 11, 28), "BTV"))
        organisation_rename(actor=system_user, organisation=tree.c1, new_name="Chi bộ mới",
                            effective_date=date(2026, 11, 27), decision=dec(date(2026, 11, 27)))
    assert tree.c1.name == "Chi bộ mới"


# Rename ----------------------------------------------------------------------------------------

def test_rename_changes_the_name_from_its_date_only(tree, system_user):
    renamed = organisation_rename(actor=system_user, organisation=tree.c1, new_name="Chi bộ Nhà máy 1",
                                  effective_date=date(2020, 7, 1), decision=dec(date(2020, 7, 1)))
    assert renamed.name == "Chi bộ Nhà máy 1"  # the object handed back is up to date
    assert Organisation.objects.get(pk=tree.c1.pk).name == "Chi bộ Nhà máy 1"
    assert nodes_on(system_user, date(2020, 6, 30))["C1"].name == "Chi bộ Phân xưởng 1"
    assert nodes_on(system_user, date(2020, 7, 1))["C1"].name == "Chi bộ Nhà máy 1"
    assert parent_code(nodes_on(system_user, date(2020, 7, 1)), "C1") == "B1"


def test_a_backdated_rename_is_placed_in_history(tree, system_user):
    organisation_rename(actor=system_user, organisation=tree.c1, new_name="Tên năm 2020",
                        effective_date=date(2020, 1, 1), decision=dec(date(2020, 1, 1)))
    organisation_rename(actor=system_user, organisation=tree.c1, new_name="Tên năm 2018",
                        effective_date=date(2018, 1, 1), decision=dec(date(2018, 1, 1)))
    assert tree.c1.name == "Tên năm 2020"
    assert nodes_on(system_user, date(2019, 1, 1))["C1"].name == "Tên năm 2018"
    assert nodes_on(system_user, date(2017, 12, 31))["C1"].name == "Chi bộ Phân xưởng 1"


def test_org_10_cannot_rename_before_founding_or_after_dissolution(tree, system_user):
    with refused("ORG-10"):
        organisation_rename(actor=system_user, organisation=tree.c1, new_name="Chi bộ X",
                            effective_date=date(2014, 12, 31), decision=dec(date(2014, 12, 31)))
    organisation_dissolve(actor=system_user, organisation=tree.c2, effective_date=date(2020, 1, 1),
                          decision=dec(date(2020, 1, 1)), members_to=None)
    with refused("ORG-10"):
        organisation_rename(actor=system_user, organisation=tree.c2, new_name="Chi bộ X",
                            effective_date=date(2020, 1, 1), decision=dec(date(2020, 1, 1)))
    organisation_rename(actor=system_user, organisation=tree.c2, new_name="Chi bộ X",
                        effective_date=date(2019, 12, 31), decision=dec(date(2019, 12, 31)))
    assert nodes_on(system_user, date(2019, 12, 31))["C2"].name == "Chi bộ X"


# Move ------------------------------------------------------------------------------------------

def test_move_changes_the_parent_from_its_date_and_scope_follows(tree, cast, admit, found, system_user):
    du2 = found("DU2", "Đảng bộ Khu công nghệ cao", "superior_committee", None, on=date(2018, 1, 1))
    member = admit(tree.c1, on=date(2016, 3, 1))
    staff = User.objects.get(pk=cast.committee_staff.pk)
    assert member in members_for(staff, for_write=False)

    moved = organisation_move(actor=system_user, organisation=tree.b1, new_parent=du2,
                              effective_date=date(2020, 1, 1), decision=dec(date(2020, 1, 1)))
    assert moved.parent == du2 and moved.path == du2.path + f"{tree.b1.pk:07d}."
    before, after = nodes_on(system_user, date(2019, 12, 31)), nodes_on(system_user, date(2020, 1, 1))
    assert parent_code(before, "B1") == "DU" and parent_code(after, "B1") == "DU2"
    assert parent_code(after, "C1") == "B1"
    assert after["C1"].path.startswith(du2.path) and before["C1"].path.startswith(tree.du.path)
    assert before["DU"].members == 1 and after["DU"].members == 0 and after["DU2"].members == 1
    # The members below follow: their path, and so who may see them.
    member.refresh_from_db()
    assert member.org_path == Organisation.objects.get(pk=tree.c1.pk).path
    assert member.org_path.startswith(du2.path)
    assert member not in members_for(User.objects.get(pk=cast.committee_staff.pk), for_write=False)
    assert member in members_for(User.objects.get(pk=cast.base_clerk.pk), for_write=False)
    # History keeps where the member's cell was.
    assert member.pk in set(member_ids_in_subtree_on(tree.du, date(2019, 12, 31)))
    assert member.pk not in set(member_ids_in_subtree_on(tree.du, date(2020, 1, 1)))
    assert member.pk in set(member_ids_in_subtree_on(du2, date(2020, 1, 1)))


def test_org_11_cannot_move_into_itself_or_below_itself(tree, system_user):
    for target in (tree.b1, tree.c1):
        with refused("ORG-11"):
            organisation_move(actor=system_user, organisation=tree.b1, new_parent=target,
                              effective_date=date(2020, 1, 1), decision=dec(date(2020, 1, 1)))


def test_org_12_move_must_fit_the_new_parent(tree, system_user, found):
    with refused("ORG-12"):
        organisation_move(actor=system_user, organisation=tree.c1, new_parent=tree.du,
                          effective_date=date(2020, 1, 1), decision=dec(date(2020, 1, 1)))
    s1 = found("S1", "Đảng bộ bộ phận 1", "sub_committee", tree.b1)
    organisation_move(actor=system_user, organisation=tree.c1, new_parent=s1,
                      effective_date=date(2020, 1, 1), decision=dec(date(2020, 1, 1)))
    assert parent_code(nodes_on(system_user, date(2020, 1, 1)), "C1") == "S1"


# Type change -----------------------------------------------------------------------------------

def test_change_type_from_its_date(tree, system_user):
    organisation_change_type(actor=system_user, organisation=tree.b2, new_type="base_party_committee",
                             effective_date=date(2021, 1, 1), decision=dec(date(2021, 1, 1)))
    assert nodes_on(system_user, date(2020, 12, 31))["B2"].org_type == "base_cell"
    assert nodes_on(system_user, date(2021, 1, 1))["B2"].org_type == "base_party_committee"
    assert tree.b2.org_type == "base_party_committee"


def test_org_12_type_change_must_fit_parent_and_children(tree, system_user):
    with refused("ORG-12"):  # a base cell cannot sit under a base party committee
        organisation_change_type(actor=system_user, organisation=tree.c1, new_type="base_cell",
                                 effective_date=date(2021, 1, 1), decision=dec(date(2021, 1, 1)))
    with refused("ORG-12"):  # B1's subordinate cells cannot sit under a base cell
        organisation_change_type(actor=system_user, organisation=tree.b1, new_type="base_cell",
                                 effective_date=date(2021, 1, 1), decision=dec(date(2021, 1, 1)))


# Merger ----------------------------------------------------------------------------------------

def test_merge_moves_the_members_with_events_linked_to_the_decision(tree, admit, rec, system_user):
    first = admit(tree.c2, name="Trần Thị Bình", on=date(2016, 3, 1))
    second = admit(tree.c2, name="Lê Văn Cường", on=date(2016, 3, 1))
    rec(second, EventKind.RECOGNITION, date(2017, 3, 1))
    left = admit(tree.c2, name="Phạm Văn Dũng", on=date(2016, 3, 1))
    rec(left, EventKind.PROBATION_REMOVAL, date(2016, 9, 1))

    moved = organisation_merge(actor=system_user, organisation=tree.c2, into=tree.c1,
                               effective_date=date(2021, 1, 1), decision=dec(date(2021, 1, 1)))
    assert moved == 2
    merger = OrganisationEvent.objects.get(organisation=tree.c2, kind=OrgEventKind.MERGER)
    transfers = LedgerEvent.objects.filter(kind=EventKind.ORG_TRANSFER)
    assert sorted(transfers.values_list("member_id", flat=True)) == sorted([first.pk, second.pk])
    for event in transfers:
        assert event.org_event == merger and event.organisation == tree.c1 and event.from_organisation == tree.c2
        assert event.effective_date == date(2021, 1, 1) and event.decision_number == merger.decision_number
    assert left.events.filter(kind=EventKind.ORG_TRANSFER).count() == 0

    tree.c2.refresh_from_db()
    assert tree.c2.ended_on == date(2021, 1, 1) and tree.c2.successor == tree.c1
    before, after = nodes_on(system_user, date(2020, 12, 31)), nodes_on(system_user, date(2021, 1, 1))
    assert before["C2"].own_members == 2 and before["C1"].own_members == 0
    assert "C2" not in after and after["C1"].own_members == 2 and after["B1"].members == 2
    assert member_state_on(first, date(2020, 12, 31)).organisation_id == tree.c2.pk
    assert member_state_on(first, date(2021, 1, 1)).organisation_id == tree.c1.pk
    first.refresh_from_db()
    assert first.organisation == tree.c1 and first.org_path == tree.c1.path


def test_void_01_a_transfer_made_by_a_merger_cannot_be_voided_alone(tree, admit, system_user):
    from dangvu.members.services import member_void_event

    member = admit(tree.c2, on=date(2016, 3, 1))
    organisation_merge(actor=system_user, organisation=tree.c2, into=tree.c1, effective_date=date(2021, 1, 1),
                       decision=dec(date(2021, 1, 1)))
    transfer = member.events.get(kind=EventKind.ORG_TRANSFER)
    with refused("VOID-01") as caught:  # the member would be left in the merged cell
        member_void_event(actor=system_user, event=transfer, reason="Nhập nhầm")
    assert str(caught.value).startswith("[VOID-01]") and "[ORG-10]" in str(caught.value)
    assert "Chi bộ Phân xưởng 2 đã kết thúc từ ngày 01/01/2021" in str(caught.value)


def test_merge_backdated_moves_those_on_the_roll_that_day(tree, admit, rec, system_user):
    stayed = admit(tree.c2, name="Trần Thị Bình", on=date(2016, 3, 1))
    went_on = admit(tree.c2, name="Lê Văn Cường", on=date(2016, 3, 1))
    rec(went_on, EventKind.TRANSFER, date(2022, 1, 1), organisation=tree.b2)  # left C2 after the merger date
    organisation_merge(actor=system_user, organisation=tree.c2, into=tree.c1,
                       effective_date=date(2021, 1, 1), decision=dec(date(2021, 1, 1)))
    assert member_state_on(went_on, date(2021, 6, 1)).organisation_id == tree.c1.pk
    went_on.refresh_from_db()
    assert went_on.organisation == tree.b2
    assert not MembershipSpell.objects.filter(organisation=tree.c2).exclude(valid_to__lte=date(2021, 1, 1)).exists()
    assert stayed.events.filter(kind=EventKind.ORG_TRANSFER).count() == 1


def test_org_10_merger_refused_while_members_arrive_after_it(tree, admit, system_user):
    admit(tree.c2, name="Trần Thị Bình", on=date(2022, 3, 1))
    with refused("ORG-10"):
        organisation_merge(actor=system_user, organisation=tree.c2, into=tree.c1,
                           effective_date=date(2021, 1, 1), decision=dec(date(2021, 1, 1)))
    organisation_merge(actor=system_user, organisation=tree.c2, into=tree.c1,
                       effective_date=date(2022, 3, 2), decision=dec(date(2022, 3, 2)))


def test_org_11_cannot_merge_into_itself_or_below(tree, system_user):
    with refused("ORG-11"):
        organisation_merge(actor=system_user, organisation=tree.c1, into=tree.c1,
                           effective_date=date(2021, 1, 1), decision=dec(date(2021, 1, 1)))


def test_org_10_cannot_merge_into_a_closed_organisation(tree, system_user):
    organisation_dissolve(actor=system_user, organisation=tree.c2, effective_date=date(2020, 1, 1),
                          decision=dec(date(2020, 1, 1)), members_to=None)
    with refused("ORG-10"):
        organisation_merge(actor=system_user, organisation=tree.c1, into=tree.c2,
                           effective_date=date(2021, 1, 1), decision=dec(date(2021, 1, 1)))


def test_org_13_no_merger_or_dissolution_with_open_children(tree, system_user):
    with refused("ORG-13"):
        organisation_merge(actor=system_user, organisation=tree.b1, into=tree.b2,
                           effective_date=date(2021, 1, 1), decision=dec(date(2021, 1, 1)))
    with refused("ORG-13"):
        organisation_dissolve(actor=system_user, organisation=tree.b1, effective_date=date(2021, 1, 1),
                              decision=dec(date(2021, 1, 1)), members_to=None)
    for cell in (tree.c1, tree.c2):
        organisation_dissolve(actor=system_user, organisation=cell, effective_date=date(2021, 6, 1),
                              decision=dec(date(2021, 6, 1)), members_to=None)
    # The cells were still open under B1 until 01/06/2021.
    with refused("ORG-13"):
        organisation_dissolve(actor=system_user, organisation=tree.b1, effective_date=date(2021, 1, 1),
                              decision=dec(date(2021, 1, 1)), members_to=None)
    organisation_dissolve(actor=system_user, organisation=tree.b1, effective_date=date(2021, 6, 1),
                          decision=dec(date(2021, 6, 1)), members_to=None)
    assert "B1" not in nodes_on(system_user, date(2021, 6, 1))


# Dissolution -----------------------------------------------------------------------------------

def test_org_15_dissolving_an_organisation_with_members_needs_a_receiver(tree, admit, system_user):
    member = admit(tree.c2, on=date(2016, 3, 1))
    with refused("ORG-15"):
        organisation_dissolve(actor=system_user, organisation=tree.c2, effective_date=date(2021, 1, 1),
                              decision=dec(date(2021, 1, 1)), members_to=None)
    moved = organisation_dissolve(actor=system_user, organisation=tree.c2, effective_date=date(2021, 1, 1),
                                  decision=dec(date(2021, 1, 1)), members_to=tree.b2)
    assert moved == 1
    dissolution = OrganisationEvent.objects.get(organisation=tree.c2, kind=OrgEventKind.DISSOLUTION)
    transfer = member.events.get(kind=EventKind.ORG_TRANSFER)
    assert transfer.org_event == dissolution and transfer.organisation == tree.b2
    member.refresh_from_db()
    assert member.organisation == tree.b2 and member.org_path == tree.b2.path
    assert "C2" in nodes_on(system_user, date(2020, 12, 31))
    assert "C2" not in nodes_on(system_user, date(2021, 1, 1))


def test_org_15_a_member_on_the_roll_on_the_day_counts_even_if_he_left_later(tree, admit, rec, system_user):
    member = admit(tree.c2, on=date(2016, 3, 1))
    rec(member, EventKind.TRANSFER, date(2022, 1, 1), organisation=tree.b2)
    with refused("ORG-15"):
        organisation_dissolve(actor=system_user, organisation=tree.c2, effective_date=date(2021, 1, 1),
                              decision=dec(date(2021, 1, 1)), members_to=None)


# Split -----------------------------------------------------------------------------------------

def test_org_16_a_split_makes_enough_new_organisations(tree, system_user):
    one = [{"code": "C21", "name": "Chi bộ 2A", "org_type": "subordinate_cell"}]
    with refused("ORG-16"):
        organisation_split(actor=system_user, organisation=tree.c2, effective_date=date(2021, 1, 1),
                           decision=dec(date(2021, 1, 1)), new_units=one)
    with refused("ORG-16"):
        organisation_split(actor=system_user, organisation=tree.c2, effective_date=date(2021, 1, 1),
                           decision=dec(date(2021, 1, 1)), new_units=[], end_original=False)
    created = organisation_split(actor=system_user, organisation=tree.c2, effective_date=date(2021, 1, 1),
                                 decision=dec(date(2021, 1, 1)), new_units=one, end_original=False)
    assert [c.code for c in created] == ["C21"]
    assert "C2" in nodes_on(system_user, date(2021, 1, 1))


def test_split_distributes_members_and_ends_the_original(tree, admit, system_user):
    a = admit(tree.c2, name="Trần Thị Bình", on=date(2016, 3, 1))
    b = admit(tree.c2, name="Lê Văn Cường", on=date(2016, 3, 1))
    c = admit(tree.c2, name="Phạm Văn Dũng", on=date(2016, 3, 1))
    created = organisation_split(
        actor=system_user, organisation=tree.c2, effective_date=date(2021, 1, 1), decision=dec(date(2021, 1, 1)),
        new_units=[{"code": "C21", "name": "Chi bộ 2A", "org_type": "subordinate_cell"},
                   {"code": "C22", "name": "Chi bộ 2B", "org_type": "subordinate_cell"}],
        assignments={b.pk: "c22"})
    c21, c22 = created
    for member, expected in ((a, c21), (b, c22), (c, c21)):
        member.refresh_from_db()
        assert member.organisation == expected, member
        assert member.events.get(kind=EventKind.ORG_TRANSFER).org_event.kind == OrgEventKind.SPLIT
    before, after = nodes_on(system_user, date(2020, 12, 31)), nodes_on(system_user, date(2021, 1, 1))
    assert "C21" not in before and before["C2"].own_members == 3
    assert "C2" not in after
    assert parent_code(after, "C21") == "B1" and after["C21"].own_members == 2 and after["C22"].own_members == 1


# Bodies and posts ------------------------------------------------------------------------------

def test_com_04_standing_committee_only_in_a_party_committee(tree, system_user):
    cell_term = term_create(actor=system_user, organisation=tree.b2, label="2020 – 2025",
                            starts_on=date(2020, 6, 1), ends_on=None)
    with refused("COM-04"):
        body_create(actor=system_user, term=cell_term, kind="standing_committee")
    base_term = term_create(actor=system_user, organisation=tree.b1, label="2020 – 2025",
                            starts_on=date(2020, 6, 1), ends_on=None)
    assert body_create(actor=system_user, term=base_term, kind="standing_committee").kind == "standing_committee"
    assert body_create(actor=system_user, term=cell_term, kind="executive_committee").kind == "executive_committee"


def test_com_05_inspection_committee_from_base_party_committee_up(tree, found, system_user):
    s1 = found("S1", "Đảng bộ bộ phận 1", "sub_committee", tree.b1)
    for org in (tree.b2, tree.c1, s1):
        term = term_create(actor=system_user, organisation=org, label="2020 – 2025", starts_on=date(2020, 6, 1),
                           ends_on=None)
        with refused("COM-05"):
            body_create(actor=system_user, term=term, kind="inspection_committee")
    for org in (tree.b1, tree.du):
        term = term_create(actor=system_user, organisation=org, label="2020 – 2025", starts_on=date(2020, 6, 1),
                           ends_on=None)
        assert body_create(actor=system_user, term=term, kind="inspection_committee").organisation == org


def test_com_05_post_must_match_its_body_and_post_01_needs_an_official(tree, admit, rec, system_user):
    term = term_create(actor=system_user, organisation=tree.b1, label="2020 – 2025", starts_on=date(2020, 6, 1),
                       ends_on=None)
    executive = body_create(actor=system_user, term=term, kind="executive_committee")
    inspection = body_create(actor=system_user, term=term, kind="inspection_committee")
    member = admit(tree.c1, on=date(2019, 9, 1))
    with refused("POST-01"):  # still probationary on 01/06/2020
        post_assign(actor=system_user, body=executive, member=member, kind="secretary", starts_on=date(2020, 6, 1))
    rec(member, EventKind.RECOGNITION, date(2020, 9, 1))
    with refused("COM-05"):
        post_assign(actor=system_user, body=executive, member=member, kind="inspection_chair",
                    starts_on=date(2020, 9, 1))
    with refused("COM-05"):
        post_assign(actor=system_user, body=inspection, member=member, kind="secretary", starts_on=date(2020, 9, 1))
    post = post_assign(actor=system_user, body=inspection, member=member, kind="inspection_chair",
                       starts_on=date(2020, 9, 1))
    assert post.member == member
    assert member_state_on(member, date(2020, 9, 1)).status == MemberStatus.OFFICIAL

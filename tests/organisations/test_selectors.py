"""Reads of the organisation tree: as of a date, as known on an earlier instant, with member counts and
the ORG-03 warning."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from dangvu.members.models import EventKind
from dangvu.members.services import member_record_event
from dangvu.organisations.models import OrgEventKind
from dangvu.organisations.selectors import (
    cells_below_minimum,
    flatten,
    organisation_history,
    organisation_ids_in_subtree_on,
    organisation_tree,
)
from dangvu.organisations.services import (
    Decision,
    organisation_dissolve,
    organisation_found,
    organisation_move,
    organisation_rename,
)

pytestmark = pytest.mark.django_db


def dec(on: date) -> Decision:
    return Decision(f"{on:%d%m%Y}-QĐ/ĐU", on, "Ban Thường vụ Đảng ủy")


def nodes_on(user, day, **kwargs):
    return {node.code: node for node in flatten(organisation_tree(user=user, day=day, **kwargs))}


@pytest.fixture
def rec(system_user):
    def _rec(member, kind, on, organisation=None, **extra):
        return member_record_event(actor=system_user, member=member, kind=kind, effective_date=on,
                                   decision=dec(on), organisation=organisation, **extra)

    return _rec


@pytest.fixture
def official(admit, rec):
    def _official(org, name, on=date(2016, 3, 1)):
        member = admit(org, name=name, on=on)
        rec(member, EventKind.RECOGNITION, date(on.year + 1, on.month, on.day))
        return member

    return _official


def test_tree_shape_on_a_date(tree, system_user):
    roots = organisation_tree(user=system_user, day=date(2020, 1, 1))
    assert [r.code for r in roots] == ["DU"]
    assert sorted(c.code for c in roots[0].children) == ["B1", "B2"]
    nodes = nodes_on(system_user, date(2020, 1, 1))
    assert sorted(c.code for c in nodes["B1"].children) == ["C1", "C2"]
    assert nodes["C1"].depth == 2 and nodes["C1"].org_type_label == "Chi bộ trực thuộc"
    assert nodes["C1"].path == tree.c1.path
    # Before the founding day there is no tree; the founding day is its first day.
    assert organisation_tree(user=system_user, day=date(2014, 12, 31)) == []
    assert len(nodes_on(system_user, date(2015, 1, 1))) == 5


def test_tree_is_limited_to_what_the_user_may_see_and_to_root(tree, cast, system_user):
    assert set(nodes_on(cast.outsider, date(2020, 1, 1))) == {"B2"}
    assert set(nodes_on(cast.base_clerk, date(2020, 1, 1))) == {"B1", "C1", "C2"}
    assert [r.code for r in organisation_tree(user=cast.base_clerk, day=date(2020, 1, 1))] == ["B1"]
    assert set(nodes_on(system_user, date(2020, 1, 1), root=tree.b1)) == {"B1", "C1", "C2"}


def test_member_counts_on_the_first_and_last_day(tree, admit, official, rec, system_user):
    official(tree.c1, "Trần Thị Bình")
    moving = official(tree.c1, "Lê Văn Cường")
    admit(tree.c2, name="Phạm Văn Dũng", on=date(2016, 3, 1))
    rec(moving, EventKind.TRANSFER, date(2020, 1, 1), organisation=tree.b2)

    probation = nodes_on(system_user, date(2016, 3, 1))
    assert probation["C1"].own_members == 2 and probation["C1"].official_members == 0
    last_day = nodes_on(system_user, date(2019, 12, 31))
    assert (last_day["C1"].own_members, last_day["C1"].official_members) == (2, 2)
    assert last_day["B1"].own_members == 0 and last_day["B1"].members == 3 and last_day["DU"].members == 3
    first_day = nodes_on(system_user, date(2020, 1, 1))
    assert first_day["C1"].own_members == 1 and first_day["B2"].own_members == 1
    assert first_day["B1"].members == 2 and first_day["DU"].members == 3
    assert nodes_on(system_user, date(2016, 2, 29))["DU"].members == 0


def test_org_03_warning_for_a_cell_under_three_official_members(tree, admit, official, system_user):
    official(tree.c1, "Trần Thị Bình")
    official(tree.c1, "Lê Văn Cường")
    admit(tree.c1, name="Phạm Văn Dũng", on=date(2016, 3, 1))  # probationary: does not count
    for name in ("Võ Văn Em", "Đỗ Thị Giang", "Huỳnh Văn Hải"):
        official(tree.c2, name)

    nodes = nodes_on(system_user, date(2017, 6, 1))
    assert len(nodes["C1"].warnings) == 1 and nodes["C1"].warnings[0].startswith("[ORG-03]")
    assert "dưới 3 đảng viên chính thức" in nodes["C1"].warnings[0]
    assert nodes["C2"].warnings == []  # exactly three
    assert nodes["B2"].warnings != []  # a base cell with none
    assert nodes["B1"].warnings == [] and nodes["DU"].warnings == []  # committees are not cells
    # While the three were still probationary, C2 was below the minimum too.
    assert nodes_on(system_user, date(2016, 6, 1))["C2"].warnings != []
    assert {n.code for n in cells_below_minimum(user=system_user, day=date(2017, 6, 1))} == {"C1", "B2"}


def test_tree_as_known_before_a_rename_shows_the_old_name(tree, system_user):
    base = timezone.now()
    with time_machine.travel(base + timedelta(days=10), tick=False):
        organisation_rename(actor=system_user, organisation=tree.c1, new_name="Chi bộ Nhà máy 1",
                            effective_date=date(2020, 7, 1), decision=dec(date(2020, 7, 1)))
    day = date(2021, 1, 1)
    assert nodes_on(system_user, day, known_at=base + timedelta(days=5))["C1"].name == "Chi bộ Phân xưởng 1"
    assert nodes_on(system_user, day, known_at=base + timedelta(days=10))["C1"].name == "Chi bộ Nhà máy 1"
    assert nodes_on(system_user, day)["C1"].name == "Chi bộ Nhà máy 1"
    # Before the founding was recorded nothing was known.
    assert organisation_tree(user=system_user, day=day, known_at=base - timedelta(days=1)) == []


def test_tree_as_known_before_a_move_and_a_dissolution(tree, system_user):
    base = timezone.now()
    with time_machine.travel(base + timedelta(days=1), tick=False):
        du2 = organisation_found(actor=system_user, code="DU2", name="Đảng bộ Khu công nghệ cao",
                                 org_type="superior_committee", parent=None, founded_on=date(2018, 1, 1),
                                 decision=dec(date(2018, 1, 1)))
    with time_machine.travel(base + timedelta(days=3), tick=False):
        organisation_move(actor=system_user, organisation=tree.b1, new_parent=du2,
                          effective_date=date(2020, 1, 1), decision=dec(date(2020, 1, 1)))
    with time_machine.travel(base + timedelta(days=5), tick=False):
        organisation_dissolve(actor=system_user, organisation=tree.b2, effective_date=date(2020, 1, 1),
                              decision=dec(date(2020, 1, 1)), members_to=None)
    day = date(2021, 1, 1)
    known = nodes_on(system_user, day, known_at=base + timedelta(days=2))
    assert known["B1"].parent_id == tree.du.pk and known["C1"].path.startswith(tree.du.path)
    assert "B2" in known and "DU2" in known
    known = nodes_on(system_user, day, known_at=base + timedelta(days=4))
    assert known["B1"].parent_id == du2.pk and known["C1"].path.startswith(known["DU2"].path)
    assert "B2" in known
    assert "B2" not in nodes_on(system_user, day, known_at=base + timedelta(days=6))
    assert "B2" not in nodes_on(system_user, day)


def test_member_counts_as_known_before_a_transfer_was_recorded(tree, admit, rec, system_user):
    base = timezone.now()
    with time_machine.travel(base + timedelta(days=1), tick=False):
        member = admit(tree.c1, on=date(2016, 3, 1))
    with time_machine.travel(base + timedelta(days=3), tick=False):
        rec(member, EventKind.TRANSFER, date(2020, 1, 1), organisation=tree.c2)
    day = date(2021, 1, 1)
    known = nodes_on(system_user, day, known_at=base + timedelta(days=2))
    assert known["C1"].own_members == 1 and known["C2"].own_members == 0
    known = nodes_on(system_user, day, known_at=base + timedelta(days=4))
    assert known["C1"].own_members == 0 and known["C2"].own_members == 1
    assert nodes_on(system_user, day, known_at=base)["C1"].own_members == 0  # not yet admitted as known then


def test_history_lists_events_in_date_order(tree, system_user):
    organisation_rename(actor=system_user, organisation=tree.c1, new_name="Tên 2020",
                        effective_date=date(2020, 1, 1), decision=dec(date(2020, 1, 1)))
    organisation_rename(actor=system_user, organisation=tree.c1, new_name="Tên 2018",
                        effective_date=date(2018, 1, 1), decision=dec(date(2018, 1, 1)))
    history = organisation_history(tree.c1)
    assert [(e.kind, e.effective_date) for e in history] == [
        (OrgEventKind.FOUNDING, date(2015, 1, 1)), (OrgEventKind.RENAMING, date(2018, 1, 1)),
        (OrgEventKind.RENAMING, date(2020, 1, 1))]


def test_subtree_ids_on_a_date(tree, system_user):
    organisation_dissolve(actor=system_user, organisation=tree.c2, effective_date=date(2020, 1, 1),
                          decision=dec(date(2020, 1, 1)), members_to=None)
    assert set(organisation_ids_in_subtree_on(tree.b1, date(2019, 12, 31))) == {tree.b1.pk, tree.c1.pk, tree.c2.pk}
    assert set(organisation_ids_in_subtree_on(tree.b1, date(2020, 1, 1))) == {tree.b1.pk, tree.c1.pk}
    assert organisation_ids_in_subtree_on(tree.b1, date(2014, 12, 31)) == []

"""The deadlines list (selectors.deadlines): appeals awaiting resolution, suspensions of members and of
organisations ending, limitation periods about to expire (TH-01), programme items overdue, postponed
cases whose until-date has passed (NOKL-01) — each in the user's oversight scope; 404 without a role."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from dangvu.oversight import services
from dangvu.oversight.selectors import deadlines
from tests.oversight.factory import activity, decide, open_case

pytestmark = pytest.mark.django_db


def _kinds(user, today):
    return {(d.kind, d.label, d.due) for d in deadlines(user, today)}


def test_appeals_awaiting_resolution_leave_the_list_when_resolved(tree, system_user, people, cast):
    case = decide(system_user, open_case(system_user, people.b2m), tree.b2, "cell", delivered_on=date(2026, 4, 2))
    appeal = services.appeal_file(actor=system_user, case=case, received_on=date(2026, 4, 10), content="x",
                                  handling_organisation=tree.du, handling_actor="standing_committee")
    assert any(k == "Khiếu nại chờ giải quyết" for k, _, _ in _kinds(cast.inspection_staff, date(2026, 4, 15)))
    services.appeal_resolve(actor=system_user, appeal=appeal, outcome="keep", outcome_number="1",
                            outcome_date=date(2026, 5, 4))
    assert not any(k == "Khiếu nại chờ giải quyết" for k, _, _ in _kinds(cast.inspection_staff, date(2026, 5, 5)))


def test_suspensions_of_members_and_organisations_ending(tree, system_user, people, cast):
    common = {"actor": system_user, "deciding_organisation": tree.du, "deciding_actor": "standing_committee",
              "decision_number": "7-QĐ/ĐU", "starts_on": date(2026, 5, 4)}
    services.suspension_decide(member=people.plain, kind="party", ground="detained", ends_on=date(2026, 7, 31),
                               **common)
    organisation = services.suspension_decide(organisation=tree.b2, kind="organisation", ground="obstruction",
                                              ends_on=date(2026, 6, 30), **common)
    items = _kinds(cast.inspection_staff, date(2026, 6, 15))  # horizon 30 days: 15/07
    assert ("Đình chỉ hoạt động của tổ chức đảng sắp hết hạn", "Chi bộ Công ty Beta", date(2026, 6, 30)) in items
    assert not any(label == "Nguyễn Văn An" for _, label, _ in items)
    items = _kinds(cast.leader, date(2026, 7, 10))
    assert ("Đình chỉ sinh hoạt đảng sắp hết hạn", "Nguyễn Văn An", date(2026, 7, 31)) in items
    services.suspension_end(actor=system_user, suspension=organisation, ended_on=date(2026, 6, 20))
    assert not any(label == "Chi bộ Công ty Beta" for _, label, _ in _kinds(cast.leader, date(2026, 7, 10)))


def test_th_01_limitation_periods_about_to_expire(tree, system_user, people, cast):
    open_case(system_user, people.plain, violation_from=date(2021, 9, 1))  # reprimand: expires 01/09/2026
    open_case(system_user, people.b2m, violation_from=date(2025, 1, 1))  # expires in 2030
    items = _kinds(cast.inspection_staff, date(2026, 7, 1))
    assert ("Thời hiệu kỷ luật sắp hết", "Nguyễn Văn An", date(2026, 9, 1)) in items
    assert not any(label == "Hoàng Thị Em" for _, label, _ in items)


def test_programme_items_overdue_until_done(tree, system_user, cast):
    programme = services.programme_create(actor=system_user, organisation=tree.du, actor_kind="inspection_committee",
                                          year=2026, title="Chương trình kiểm tra, giám sát năm 2026")
    item = services.programme_add_item(actor=system_user, programme=programme, activity_type="oversight_work",
                                       subjects="Đảng bộ Công ty Alpha", content="Kiểm tra",
                                       planned_from=date(2026, 3, 1), planned_to=date(2026, 3, 31))
    overdue = ("Nội dung chương trình quá hạn", "Đảng bộ Công ty Alpha", date(2026, 3, 31))
    assert overdue not in _kinds(cast.inspection_staff, date(2026, 3, 31))
    assert overdue in _kinds(cast.inspection_staff, date(2026, 4, 15))
    activity(system_user, tree.du, "inspection_committee", "oversight_work", orgs=[tree.b1], item=item,
             on=date(2026, 4, 20))
    assert overdue not in _kinds(cast.inspection_staff, date(2026, 4, 21))


def test_nokl_01_postponed_cases_whose_until_date_passed(tree, system_user, people, cast):
    case = open_case(system_user, people.b2m)
    services.case_postpone(actor=system_user, case=case, reason="maternity", until=date(2026, 5, 31))
    passed = ("Hết thời gian chưa xem xét kỷ luật (tạm hoãn)", "Hoàng Thị Em", date(2026, 5, 31))
    assert passed not in _kinds(cast.inspection_staff, date(2026, 5, 31))
    assert passed in _kinds(cast.inspection_staff, date(2026, 6, 1))
    services.case_resume(actor=system_user, case=case, resumed_on=date(2026, 6, 1))
    assert passed not in _kinds(cast.inspection_staff, date(2026, 6, 2))


def test_no_oversight_role_no_deadlines(tree, system_user, people, cast):
    open_case(system_user, people.plain, violation_from=date(2021, 9, 1))
    for user in (cast.base_clerk, cast.committee_staff, cast.outsider):
        with pytest.raises(Http404):
            deadlines(user, date(2026, 7, 1))

"""A hand-built committee whose true figures are known (not the demo data).

On the shared tree (DU ⊃ B1 ⊃ C1, C2; DU ⊃ B2) plus B3 ⊃ C3 founded here::

    A1  admitted C1 01/03/2016 (female, worker); transferred out to another province 01/06/2018
    A2  admitted C2 01/06/2016 (worker); moved C2 → C1 01/03/2018 (inside B1); reprimanded 02/05/2018
    A3  admitted B2 01/04/2017; recognised official 01/04/2018; moved B2 → C2 15/04/2018
    A4  admitted C1 01/02/2018 (female, Tày, youth union, business owner); a death on 01/11/2018
        recorded and later voided (a correction)
    A5  admitted B2 10/05/2018 (occupation "other")
    R1  received into C2 from outside (same province) 01/07/2018
    M6  admitted C3 (under B3) 01/09/2016; C3 moves from B3 to B1 01/08/2018
    Inspection Committee of DU: thematic supervision of B1 and A2 (02/03/2018)

True figures for 2018 (01/01–31/12):
    DU: opening 4 (A1 A2 A3 M6), admissions 2 (A4 A5), transferred in 1 (R1), out 1 (A1), closing 6
    B1: opening 2 (A1 A2), admissions 1 (A4), transferred in 2 (A3 R1), org moved in 1 (M6), out 1, closing 5
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from django.utils import timezone

from dangvu.members.models import EventKind, LedgerEvent, Member
from dangvu.members.services import member_receive, member_record_event, member_set_value, member_void_event
from dangvu.organisations.models import Organisation
from dangvu.organisations.services import Decision, organisation_found, organisation_move


@dataclass
class Committee:
    du: Organisation
    b1: Organisation
    b2: Organisation
    b3: Organisation
    c1: Organisation
    c2: Organisation
    c3: Organisation
    members: dict[str, Member]
    before_void: datetime


def _event(actor, member, kind, day, organisation=None, **extra):
    return member_record_event(actor=actor, member=member, kind=kind, effective_date=day,
                               decision=Decision(f"{kind}-{day:%Y%m%d}", day, "BTV"), organisation=organisation,
                               **extra)


@pytest.fixture
def committee(tree, system_user, admit) -> Committee:
    actor = system_user
    d = Decision("02-QĐ/ĐU", date(2015, 1, 1), "BTV")
    b3 = organisation_found(actor=actor, code="B3", name="Đảng bộ Công ty Gamma", org_type="base_party_committee",
                            parent=tree.du, founded_on=date(2015, 1, 1), decision=d)
    c3 = organisation_found(actor=actor, code="C3", name="Chi bộ Kho vận", org_type="subordinate_cell", parent=b3,
                            founded_on=date(2015, 1, 1), decision=d)
    a1 = admit(tree.c1, name="Trần Thị Lan", on=date(2016, 3, 1), gender="female")
    member_set_value(actor=actor, member=a1, attribute="occupation", value="worker", valid_from=date(2016, 3, 1))
    a2 = admit(tree.c2, name="Nguyễn Văn Hùng", on=date(2016, 6, 1))
    member_set_value(actor=actor, member=a2, attribute="occupation", value="worker", valid_from=date(2016, 6, 1))
    a3 = admit(tree.b2, name="Lê Văn Sơn", on=date(2017, 4, 1))
    m6 = admit(c3, name="Phạm Văn Đức", on=date(2016, 9, 1))
    a4 = admit(tree.c1, name="Hoàng Thị Mai", on=date(2018, 2, 1), gender="female", ethnicity="tay")
    for attribute, value in (("occupation", "worker"), ("is_youth_union_member", True), ("is_business_owner", True)):
        member_set_value(actor=actor, member=a4, attribute=attribute, value=value, valid_from=date(2018, 2, 1))
    a5 = admit(tree.b2, name="Đỗ Văn Tài", on=date(2018, 5, 10))
    member_set_value(actor=actor, member=a5, attribute="occupation", value="other", valid_from=date(2018, 5, 10))
    _event(actor, a2, EventKind.TRANSFER, date(2018, 3, 1), tree.c1)
    _event(actor, a3, EventKind.RECOGNITION, date(2018, 4, 1))
    _event(actor, a3, EventKind.TRANSFER, date(2018, 4, 15), tree.c2)
    _event(actor, a1, EventKind.RECOGNITION, date(2017, 3, 1))
    _event(actor, a1, EventKind.TRANSFER_OUT, date(2018, 6, 1), external_place="Đảng bộ tỉnh Bình Dương",
           other_province=True)
    r1 = member_receive(actor=actor, profile={"full_name": "Vũ Văn Nam", "gender": "male",
                                              "date_of_birth": date(1985, 2, 3), "citizen_id": "079085000777"},
                        organisation=tree.c2, decision=Decision("5-QĐ/ĐU", date(2018, 7, 1), "BTV"),
                        received_on=date(2018, 7, 1), from_place="Đảng bộ Quận 9", other_province=False,
                        status="official", admitted_on=date(2010, 5, 5), official_on=date(2011, 5, 5))
    organisation_move(actor=actor, organisation=c3, new_parent=tree.b1, effective_date=date(2018, 8, 1),
                      decision=Decision("7-QĐ/ĐU", date(2018, 8, 1), "BTV"))
    death = _event(actor, a4, EventKind.DEATH, date(2018, 11, 1))
    before_void = timezone.now()
    member_void_event(actor=actor, event=death, reason="Ghi nhầm đảng viên")

    from dangvu.oversight import services

    services.activity_create(
        actor=actor, organisation=tree.du, actor_kind="inspection_committee", activity_type="supervision_thematic",
        decision=Decision("12-QĐ/UBKT", date(2018, 3, 2)), topic="Giám sát chuyên đề",
        subject_organisations=[tree.b1], subject_members=[a2])
    case = services.case_open(actor=actor, member=a2, violation_from=date(2018, 1, 5), violation_content="party_duties",
                              violation_description="Vi phạm", proposed_form="reprimand")
    services.case_decide(actor=actor, case=case, deciding_organisation=tree.c1, deciding_actor="cell",
                         concluded_on=date(2018, 5, 2), votes={"reprimand": 5}, voting_members=7,
                         decision_number="3-QĐ/CB", decision_date=date(2018, 5, 2), delivered_on=date(2018, 5, 3))
    for m in (a1, a2, a3, a4, a5, r1, m6):
        m.refresh_from_db()
    tree.c3 = c3
    return Committee(du=tree.du, b1=tree.b1, b2=tree.b2, b3=b3, c1=tree.c1, c2=tree.c2, c3=c3,
                     members={"A1": a1, "A2": a2, "A3": a3, "A4": a4, "A5": a5, "R1": r1, "M6": m6},
                     before_void=before_void)


def voided_death(committee) -> LedgerEvent:
    return LedgerEvent.objects.get(member=committee.members["A4"], kind=EventKind.DEATH)

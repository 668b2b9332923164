"""Every rule of the member ledger, each refused on one side of its boundary and allowed on the other.

A refusal must leave nothing behind: no ledger row, member, audit row or spell, and the member's cached
state unchanged (``refused`` checks all of that).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dangvu.audit.models import AuditEntry
from dangvu.members.models import EventKind, LedgerEvent, Member, MembershipSpell, MemberStatus, MemberValue
from dangvu.members.selectors import member_party_age, member_state_on
from dangvu.members.services import (
    member_admit,
    member_receive,
    member_record_event,
    member_set_value,
    member_update_profile,
    member_void_event,
    member_void_value,
)
from dangvu.organisations.services import Decision, organisation_dissolve, organisation_found
from dangvu.rules.engine import RuleViolation
from tests.conftest import profile

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


# Helpers ---------------------------------------------------------------------------------------

def _cached(member: Member) -> tuple:
    return tuple(Member.objects.filter(pk=member.pk).values_list(
        "status", "organisation_id", "org_path", "temporary_organisation_id", "admitted_on", "official_on",
        "is_exempted", "is_suspended", "citizen_id", "card_number", "full_name", "date_of_birth").get())


def _snapshot(members) -> tuple:
    return (LedgerEvent.objects.count(), LedgerEvent.objects.filter(voided_at__isnull=False).count(),
            Member.objects.count(), AuditEntry.objects.count(), MembershipSpell.objects.count(),
            MemberValue.objects.count(), [_cached(m) for m in members])


@contextmanager
def refused(rule_id: str, *members: Member):
    """The block must raise RuleViolation(rule_id) and change nothing in the database."""
    before = _snapshot(members)
    with pytest.raises(RuleViolation) as caught:
        yield caught
    assert caught.value.rule_id == rule_id, str(caught.value)
    assert f"[{rule_id}]" in str(caught.value)
    assert _snapshot(members) == before


@pytest.fixture
def rec(system_user):
    """rec(member, kind, on, organisation=None, **extra) -> LedgerEvent, through the real service."""

    def _rec(member, kind, on, organisation=None, decision_date=None, **extra):
        return member_record_event(actor=system_user, member=member, kind=kind, effective_date=on,
                                   decision=Decision(f"{kind}-{on:%d%m%Y}", decision_date or on, "BTV Đảng ủy"),
                                   organisation=organisation, **extra)

    return _rec


@pytest.fixture
def official(admit, rec):
    """An official member of ``org``: admitted on ``on``, recognised 12 months after the ceremony."""

    def _official(org, on=date(2016, 3, 1), **extra):
        member = admit(org, on=on, **extra)
        rec(member, EventKind.RECOGNITION, date(on.year + 1, on.month, on.day))
        return member

    return _official


def _status(member) -> str:
    member.refresh_from_db()
    return member.status


# LIFE: order of events -------------------------------------------------------------------------

def test_life_01_event_before_admission_is_refused(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    with refused("LIFE-01", member):
        rec(member, EventKind.EXEMPTION, date(2016, 2, 29))
    with refused("LIFE-01", member):
        rec(member, EventKind.TRANSFER, date(2016, 2, 29), organisation=tree.c2)
    rec(member, EventKind.EXEMPTION, date(2016, 3, 1))  # the day of admission is fine
    assert member.is_exempted


def test_life_01_ceremony_before_the_admission_decision_is_refused(tree, admit):
    with refused("LIFE-01"):
        admit(tree.c1, on=date(2016, 3, 10), ceremony=date(2016, 3, 9))
    member = admit(tree.c1, on=date(2016, 3, 10), ceremony=date(2016, 3, 10))
    assert member.status == MemberStatus.PROBATIONARY


def test_life_01_transfer_in_dated_before_the_member_was_admitted_is_refused(tree, system_user):
    def receive(received_on):
        return member_receive(actor=system_user, profile=profile("Phạm Thị Dung", citizen_id="079190000777"),
                              organisation=tree.c1, decision=Decision("9-QĐ", received_on, "BTV"),
                              received_on=received_on, from_place="Đảng bộ tỉnh Bình Phước", other_province=True,
                              status=MemberStatus.OFFICIAL, admitted_on=date(2015, 2, 1),
                              official_on=date(2016, 2, 1))

    with refused("LIFE-01"):
        receive(date(2015, 1, 31))  # before the admission
    with refused("LIFE-01"):
        receive(date(2016, 1, 31))  # received as official before being recognised
    member = receive(date(2016, 2, 1))
    assert member.status == MemberStatus.OFFICIAL and member.admitted_on == date(2015, 2, 1)
    assert member.official_on == date(2016, 2, 1)


def test_life_02_event_after_death_is_refused(tree, official, rec):
    member = official(tree.c1)
    rec(member, EventKind.DEATH, date(2020, 5, 10))
    assert _status(member) == MemberStatus.DIED
    with refused("LIFE-02", member):
        rec(member, EventKind.EXEMPTION, date(2020, 5, 11))
    with refused("LIFE-02", member):
        rec(member, EventKind.READMISSION, date(2024, 5, 11), organisation=tree.c1)
    with refused("LIFE-02", member):
        rec(member, EventKind.TRANSFER_IN, date(2021, 1, 1), organisation=tree.c2)
    # An event of an earlier date, recorded late, still fits before the death.
    rec(member, EventKind.EXEMPTION, date(2020, 5, 9))
    assert _status(member) == MemberStatus.DIED


def test_life_03_event_for_someone_no_longer_a_member_is_refused(tree, official, rec, system_user):
    member = official(tree.c1)
    removal = rec(member, EventKind.REMOVAL, date(2019, 1, 1))
    with refused("LIFE-03", member):
        rec(member, EventKind.DEATH, date(2019, 6, 1))
    member_void_event(actor=system_user, event=removal, reason="Quyết định xóa tên bị thu hồi")
    rec(member, EventKind.DEATH, date(2019, 6, 1))
    assert _status(member) == MemberStatus.DIED


def test_life_03_transfer_in_must_bring_an_active_member(tree, system_user):
    def receive(status):
        return member_receive(actor=system_user, profile=profile("Đỗ Văn Em", citizen_id="079090000888"),
                              organisation=tree.c1, decision=Decision("9-QĐ", date(2020, 1, 2), "BTV"),
                              received_on=date(2020, 1, 2), from_place="Đảng bộ tỉnh Long An",
                              other_province=True, status=status, admitted_on=date(2015, 6, 1))

    with refused("LIFE-03"):
        receive(MemberStatus.REMOVED)
    assert receive(MemberStatus.PROBATIONARY).status == MemberStatus.PROBATIONARY


def test_life_04_admitting_a_current_member_again_is_refused(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    with refused("LIFE-04", member):
        rec(member, EventKind.ADMISSION, date(2017, 1, 1), organisation=tree.c2)
    with refused("LIFE-04", member):
        rec(member, EventKind.READMISSION, date(2020, 1, 1), organisation=tree.c2)
    with refused("LIFE-04", member):
        rec(member, EventKind.TRANSFER_IN, date(2020, 1, 1), organisation=tree.c2)


def test_life_04_a_former_member_is_readmitted_not_admitted(tree, official, rec):
    member = official(tree.c1)
    rec(member, EventKind.REMOVAL, date(2018, 1, 1))
    with refused("LIFE-04", member):
        rec(member, EventKind.ADMISSION, date(2022, 1, 1), organisation=tree.c1)
    rec(member, EventKind.READMISSION, date(2022, 1, 1), organisation=tree.c1)
    assert _status(member) == MemberStatus.PROBATIONARY


def test_life_05_editing_cannot_move_a_member(tree, admit, system_user):
    member = admit(tree.c1, on=date(2016, 3, 1))
    for changes in ({"organisation": tree.c2}, {"organisation_id": tree.c2.pk}, {"status": "official"},
                    {"org_path": tree.c2.path}, {"temporary_organisation_id": tree.c2.pk},
                    {"phone": "0901234567", "organisation": tree.c2}):
        with refused("LIFE-05", member):
            member_update_profile(actor=system_user, member=member, changes=changes)
        assert member.organisation_id == tree.c1.pk
    member_update_profile(actor=system_user, member=member, changes={"phone": "0901234567"})
    member.refresh_from_db()
    assert member.phone == "0901234567" and member.organisation_id == tree.c1.pk


def test_life_05_a_new_record_cannot_carry_ledger_fields(tree, system_user):
    with refused("LIFE-05"):
        member_admit(actor=system_user, profile=profile(status="official", citizen_id="079090000999"),
                     organisation=tree.c1, decision=Decision("1-QĐ", date(2016, 3, 1), "BTV"),
                     admitted_on=date(2016, 3, 1))


def test_life_06_future_dates_are_refused(tree, admit, rec, system_user):
    member = admit(tree.c1, on=date(2016, 3, 1))
    # 16:59 UTC on 27/11/2026 is 23:59 in Hà Nội: "today" is the 27th; at 17:00 UTC it is the 28th.
    with time_machine.travel(datetime(2026, 11, 27, 16, 59, tzinfo=ZoneInfo("UTC")), tick=False):
        with refused("LIFE-06", member):
            rec(member, EventKind.EXEMPTION, date(2026, 11, 28))
        with refused("LIFE-06", member):
            rec(member, EventKind.EXEMPTION, date(2026, 11, 27), decision_date=date(2026, 11, 28))
        with refused("LIFE-06", member):
            member_set_value(actor=system_user, member=member, attribute="occupation", value="worker",
                             valid_from=date(2026, 11, 28))
        with refused("LIFE-06"):
            admit(tree.c1, name="Võ Thị Giang", on=date(2026, 11, 28))
        with refused("LIFE-06"):
            admit(tree.c1, name="Võ Thị Giang", on=date(2026, 11, 27), ceremony=date(2026, 11, 28))
    with time_machine.travel(datetime(2026, 11, 27, 17, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        rec(member, EventKind.EXEMPTION, date(2026, 11, 28))
    assert member.is_exempted


def test_life_t05_date_of_birth_of_an_admitted_member_needs_a_basis(tree, admit, system_user):
    member = admit(tree.c1, on=date(2016, 3, 1))
    with refused("LIFE-T05", member):
        member_update_profile(actor=system_user, member=member, changes={"date_of_birth": date(1990, 6, 1)})
    assert member.date_of_birth == date(1990, 5, 1)  # the object in hand is not left half-edited
    member_update_profile(actor=system_user, member=member, changes={"date_of_birth": date(1990, 6, 1)},
                          correction_basis="Công văn 12-CV/ĐU đính chính lý lịch")
    member.refresh_from_db()
    assert member.date_of_birth == date(1990, 6, 1)


def test_name_01_name_gender_and_birth_date_are_required(tree, admit, system_user):
    with refused("NAME-01"):
        member_admit(actor=system_user, profile=profile(name="  ", citizen_id="079090000555"),
                     organisation=tree.c1, decision=Decision("1-QĐ", date(2016, 3, 1), "BTV"),
                     admitted_on=date(2016, 3, 1))
    with refused("NAME-01"):
        member_admit(actor=system_user, profile=profile(gender="", citizen_id="079090000555"),
                     organisation=tree.c1, decision=Decision("1-QĐ", date(2016, 3, 1), "BTV"),
                     admitted_on=date(2016, 3, 1))
    member = admit(tree.c1, on=date(2016, 3, 1))
    for changes in ({"full_name": ""}, {"gender": ""}, {"date_of_birth": None}):
        with refused("NAME-01", member):
            member_update_profile(actor=system_user, member=member, changes=changes,
                                  correction_basis="Đính chính theo lý lịch gốc")


# ID: identity numbers --------------------------------------------------------------------------

def test_id_01_citizen_id_has_12_digits_and_is_unique(tree, admit, system_user):
    first = admit(tree.c1, citizen_id="079090012345")
    for bad in ("07909001234", "0790900123456", "07909001234A"):
        with refused("ID-01"):
            admit(tree.c1, name="Trần Văn Bình", citizen_id=bad)
    with refused("ID-01"):
        admit(tree.c1, name="Trần Văn Bình", citizen_id="079090012345")
    with refused("ID-01"):
        admit(tree.c1, name="Trần Văn Bình", citizen_id=" 079090012345 ")
    second = admit(tree.c1, name="Trần Văn Bình", citizen_id="079090054321")
    with refused("ID-01", first, second):
        member_update_profile(actor=system_user, member=second, changes={"citizen_id": "079090012345"})
    # Saving one's own number again is not a clash with oneself.
    member_update_profile(actor=system_user, member=first, changes={"citizen_id": "079090012345",
                                                                    "phone": "0900000001"})
    # Several members may have no number yet.
    assert admit(tree.c1, name="Lê Văn Cường", citizen_id="").citizen_id is None
    assert admit(tree.c1, name="Lê Văn Dũng", citizen_id="").citizen_id is None


def test_id_02_card_number_is_digits_and_unique(tree, admit, system_user):
    first = admit(tree.c1, card_number="012345678901")
    for bad in ("0123456789012", "12345A"):
        with refused("ID-02"):
            admit(tree.c1, name="Trần Văn Bình", card_number=bad)
    with refused("ID-02"):
        admit(tree.c1, name="Trần Văn Bình", card_number="012345678901")
    second = admit(tree.c1, name="Trần Văn Bình", card_number="54321")  # old, shorter card
    with refused("ID-02", first, second):
        member_update_profile(actor=system_user, member=second, changes={"card_number": "012345678901"})
    assert second.card_number == "54321"


# ADM: admission --------------------------------------------------------------------------------

def test_adm_01_under_18_by_month_is_refused(tree, admit):
    born = date(2000, 5, 20)
    # Age counts by month: the whole month of the 18th birthday counts as 18.
    with refused("ADM-01"):
        admit(tree.c1, name="Huỳnh Văn Hải", born=born, on=date(2018, 4, 30))
    member = admit(tree.c1, name="Huỳnh Văn Hải", born=born, on=date(2018, 5, 1))
    assert member.status == MemberStatus.PROBATIONARY and member.admitted_on == date(2018, 5, 1)


def test_adm_01_refusal_cites_the_text_in_force_on_the_admission_date(tree, admit):
    born = date(2007, 8, 15)
    with refused("ADM-01") as caught:
        admit(tree.c1, name="Huỳnh Văn Hải", born=born, on=date(2025, 6, 30))
    assert "HD 01-HD/TW 2021" in str(caught.value)
    with refused("ADM-01") as caught:
        admit(tree.c1, name="Huỳnh Văn Hải", born=born, on=date(2025, 7, 1))
    assert "QĐ 294-QĐ/TW" in str(caught.value)
    assert admit(tree.c1, name="Huỳnh Văn Hải", born=born, on=date(2025, 8, 1)).status == MemberStatus.PROBATIONARY


def test_org_10_admission_into_an_organisation_not_open_that_day_is_refused(tree, admit, system_user):
    new_cell = organisation_found(actor=system_user, code="C3", name="Chi bộ Phân xưởng 3",
                                  org_type="subordinate_cell", parent=tree.b1, founded_on=date(2019, 1, 1),
                                  decision=Decision("5-QĐ", date(2019, 1, 1), "BTV"))
    with refused("ORG-10"):
        admit(new_cell, on=date(2018, 12, 31))
    assert admit(new_cell, on=date(2019, 1, 1)).organisation == new_cell


def test_org_10_a_backdated_admission_cannot_leave_a_member_in_a_closed_organisation(tree, admit, system_user):
    organisation_dissolve(actor=system_user, organisation=tree.c2, effective_date=date(2020, 1, 1),
                          decision=Decision("6-QĐ", date(2020, 1, 1), "BTV"), members_to=None)
    with refused("ORG-10"):
        admit(tree.c2, on=date(2020, 1, 1))
    # Open on 31/12/2019, but the member would still be on the roll of a dissolved cell today.
    with refused("ORG-10") as caught:
        admit(tree.c2, on=date(2019, 12, 31))
    assert "01/01/2020" in str(caught.value)
    assert admit(tree.c1, on=date(2019, 12, 31)).organisation == tree.c1


# PROB: probation and recognition ---------------------------------------------------------------

def test_prob_01_recognition_before_12_months_is_refused(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1), ceremony=date(2016, 3, 10))
    with refused("PROB-01", member) as caught:
        rec(member, EventKind.RECOGNITION, date(2017, 3, 9))
    assert "10/03/2017" in str(caught.value)
    # Counted from the ceremony, not from the admission decision.
    with refused("PROB-01", member):
        rec(member, EventKind.RECOGNITION, date(2017, 3, 1))
    rec(member, EventKind.RECOGNITION, date(2017, 3, 10))
    assert member.status == MemberStatus.OFFICIAL and member.official_on == date(2017, 3, 10)


def test_prob_04_recognition_must_be_dated_on_the_12_month_end(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1), ceremony=date(2016, 3, 10))
    with refused("PROB-04", member) as caught:
        rec(member, EventKind.RECOGNITION, date(2017, 3, 11))
    assert "10/03/2017" in str(caught.value)
    rec(member, EventKind.RECOGNITION, date(2017, 3, 10))
    assert member.official_on == date(2017, 3, 10)


def test_prob_04_twelve_months_from_29_february_end_on_28_february(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 2, 20), ceremony=date(2016, 2, 29))
    with refused("PROB-04", member):
        rec(member, EventKind.RECOGNITION, date(2017, 3, 1))
    rec(member, EventKind.RECOGNITION, date(2017, 2, 28))
    assert member.status == MemberStatus.OFFICIAL


def test_prob_06_probation_removal_only_for_probationary(tree, admit, official, rec):
    full = official(tree.c1)
    with refused("PROB-06", full):
        rec(full, EventKind.PROBATION_REMOVAL, date(2018, 1, 1))
    probationary = admit(tree.c1, name="Trần Văn Bình", on=date(2016, 3, 1))
    rec(probationary, EventKind.PROBATION_REMOVAL, date(2016, 9, 1))
    assert probationary.status == MemberStatus.PROBATION_REMOVED


def test_prob_09_only_a_probationary_member_is_recognised(tree, official, rec):
    member = official(tree.c1)
    with refused("PROB-09", member):
        rec(member, EventKind.RECOGNITION, date(2018, 3, 1))
    rec(member, EventKind.REMOVAL, date(2019, 1, 1))
    with refused("PROB-09", member):
        rec(member, EventKind.RECOGNITION, date(2019, 3, 1))


# TRF: transfers --------------------------------------------------------------------------------

def test_trf_01_transfer_of_someone_not_a_member_that_day_is_refused(tree, official, rec):
    member = official(tree.c1)
    rec(member, EventKind.REMOVAL, date(2018, 6, 1))
    with refused("TRF-01", member) as caught:
        rec(member, EventKind.TRANSFER, date(2018, 6, 1), organisation=tree.c2)
    assert "01/06/2018" in str(caught.value)
    with refused("TRF-01", member):
        rec(member, EventKind.TRANSFER_OUT, date(2018, 7, 1), external_place="Đảng bộ tỉnh Đồng Nai")
    rec(member, EventKind.TRANSFER, date(2018, 5, 31), organisation=tree.c2)  # the day before: still a member
    member.refresh_from_db()
    assert member.status == MemberStatus.REMOVED
    assert member_state_on(member, date(2018, 5, 31)).organisation_id == tree.c2.pk


def test_trf_01_transfer_needs_another_organisation_and_a_destination(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    with refused("TRF-01", member):
        rec(member, EventKind.TRANSFER, date(2017, 1, 1), organisation=tree.c1)
    with refused("TRF-01", member):
        rec(member, EventKind.TRANSFER_OUT, date(2017, 1, 1), external_place="  ")
    rec(member, EventKind.TRANSFER_OUT, date(2017, 1, 1), external_place="Đảng bộ tỉnh Đồng Nai")
    assert member.status == MemberStatus.TRANSFERRED_OUT


def test_org_10_transfer_into_an_organisation_not_open_that_day_is_refused(tree, admit, rec, system_user):
    member = admit(tree.c1, on=date(2016, 3, 1))
    new_cell = organisation_found(actor=system_user, code="C3", name="Chi bộ Phân xưởng 3",
                                  org_type="subordinate_cell", parent=tree.b1, founded_on=date(2019, 1, 1),
                                  decision=Decision("5-QĐ", date(2019, 1, 1), "BTV"))
    with refused("ORG-10", member):
        rec(member, EventKind.TRANSFER, date(2018, 12, 31), organisation=new_cell)
    rec(member, EventKind.TRANSFER, date(2019, 1, 1), organisation=new_cell)
    assert member.organisation == new_cell


def test_trf_03_one_temporary_transfer_at_a_time_and_not_to_ones_own_cell(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    with refused("TRF-03", member):
        rec(member, EventKind.TEMPORARY_AWAY, date(2016, 6, 1), organisation=tree.c1)
    with refused("TRF-03", member):
        rec(member, EventKind.TEMPORARY_AWAY, date(2016, 6, 1))
    rec(member, EventKind.TEMPORARY_AWAY, date(2016, 6, 1), organisation=tree.b2)
    assert member.temporary_organisation == tree.b2
    with refused("TRF-03", member):
        rec(member, EventKind.TEMPORARY_AWAY, date(2016, 7, 1), external_place="Trường Chính trị tỉnh")


def test_trf_04_return_only_from_a_temporary_transfer(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    with refused("TRF-04", member):
        rec(member, EventKind.TEMPORARY_RETURN, date(2016, 6, 1))
    rec(member, EventKind.TEMPORARY_AWAY, date(2016, 6, 1), external_place="Trường Chính trị tỉnh")
    rec(member, EventKind.TEMPORARY_RETURN, date(2016, 12, 1))
    assert member.temporary_organisation is None
    with refused("TRF-04", member):
        rec(member, EventKind.TEMPORARY_RETURN, date(2016, 12, 2))


# EXIT: leaving ---------------------------------------------------------------------------------

def test_exit_01_only_a_member_can_leave(tree, official, rec):
    member = official(tree.c1)
    rec(member, EventKind.RESIGNATION, date(2019, 1, 1))
    for kind in (EventKind.REMOVAL, EventKind.RESIGNATION, EventKind.EXPULSION):
        with refused("EXIT-01", member):
            rec(member, kind, date(2019, 2, 1))


def test_exit_05_probationary_member_cannot_be_expelled(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    with refused("EXIT-05", member):
        rec(member, EventKind.EXPULSION, date(2016, 12, 1))
    rec(member, EventKind.RECOGNITION, date(2017, 3, 1))
    rec(member, EventKind.EXPULSION, date(2017, 12, 1))
    assert member.status == MemberStatus.EXPELLED


# EXM / SUS: overlays ---------------------------------------------------------------------------

def test_exm_01_exemption_is_not_doubled_and_ends_only_when_running(tree, official, rec):
    member = official(tree.c1)
    with refused("EXM-01", member):
        rec(member, EventKind.EXEMPTION_END, date(2018, 1, 1))
    rec(member, EventKind.EXEMPTION, date(2018, 1, 1))
    with refused("EXM-01", member):
        rec(member, EventKind.EXEMPTION, date(2018, 6, 1))
    rec(member, EventKind.EXEMPTION_END, date(2018, 6, 1))
    assert not member.is_exempted


def test_sus_03_suspension_is_not_doubled_and_ends_only_when_running(tree, official, rec):
    member = official(tree.c1)
    with refused("SUS-03", member):
        rec(member, EventKind.SUSPENSION_END, date(2018, 1, 1))
    rec(member, EventKind.SUSPENSION, date(2018, 1, 1))
    assert member.is_suspended
    with refused("SUS-03", member):
        rec(member, EventKind.SUSPENSION, date(2018, 2, 1))


def test_sus_03_under_qd_22_a_suspension_lasts_at_most_180_days(tree, official, rec):
    member = official(tree.c1)
    rec(member, EventKind.SUSPENSION, date(2026, 4, 10))  # last day of QĐ 22
    with refused("SUS-03", member) as caught:
        rec(member, EventKind.SUSPENSION_END, date(2026, 10, 8))  # 181 days
    # Judged (and cited) under the text in force when the suspension began.
    assert "QĐ 22-QĐ/TW" in str(caught.value)
    rec(member, EventKind.SUSPENSION_END, date(2026, 10, 7))  # 180 days
    assert not member.is_suspended


def test_sus_03_under_qd_21_a_suspension_lasts_at_most_120_days(tree, official, rec):
    member = official(tree.c1)
    rec(member, EventKind.SUSPENSION, date(2026, 4, 11))  # first day of QĐ 21
    with refused("SUS-03", member) as caught:
        rec(member, EventKind.SUSPENSION_END, date(2026, 8, 10))  # 121 days
    assert "QĐ 21-QĐ/TW" in str(caught.value)
    rec(member, EventKind.SUSPENSION_END, date(2026, 8, 9))  # 120 days
    assert not member.is_suspended


# READM and RST ---------------------------------------------------------------------------------

def test_readm_01_readmission_within_36_months_is_refused(tree, official, rec):
    member = official(tree.c1)
    rec(member, EventKind.REMOVAL, date(2018, 3, 10))
    with refused("READM-01", member) as caught:
        rec(member, EventKind.READMISSION, date(2021, 3, 9), organisation=tree.c2)
    assert "10/03/2021" in str(caught.value)
    rec(member, EventKind.READMISSION, date(2021, 3, 10), organisation=tree.c2)  # the day 36 months end
    assert member.status == MemberStatus.PROBATIONARY and member.organisation == tree.c2


def test_readm_04_second_readmission_is_refused(tree, admit, rec):
    member = admit(tree.c1, on=date(2015, 2, 1))
    rec(member, EventKind.RECOGNITION, date(2016, 2, 1))
    rec(member, EventKind.REMOVAL, date(2016, 6, 1))
    rec(member, EventKind.READMISSION, date(2019, 6, 1), organisation=tree.c1)
    rec(member, EventKind.RECOGNITION, date(2020, 6, 1))
    rec(member, EventKind.REMOVAL, date(2021, 1, 1))
    with refused("READM-04", member):
        rec(member, EventKind.READMISSION, date(2025, 1, 1), organisation=tree.c1)


def test_readm_05_readmission_after_resignation_needs_exception(tree, official, rec):
    member = official(tree.c1)
    rec(member, EventKind.RESIGNATION, date(2018, 1, 1))
    with refused("READM-05", member):
        rec(member, EventKind.READMISSION, date(2021, 1, 1), organisation=tree.c1)
    rec(member, EventKind.READMISSION, date(2021, 1, 1), organisation=tree.c1,
        details={"exception_approval": "Văn bản 45-CV/TU đồng ý kết nạp lại"})
    assert member.status == MemberStatus.PROBATIONARY


def test_readm_readmission_is_only_for_those_who_left(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    rec(member, EventKind.TRANSFER_OUT, date(2017, 1, 1), external_place="Đảng bộ tỉnh Đồng Nai")
    with refused("LIFE-03", member):
        rec(member, EventKind.READMISSION, date(2021, 1, 1), organisation=tree.c1)


def test_rst_01_restoration_only_after_expulsion_or_removal(tree, official, rec):
    member = official(tree.c1)
    with refused("RST-01", member):
        rec(member, EventKind.RESTORATION, date(2018, 1, 1))
    rec(member, EventKind.RESIGNATION, date(2018, 1, 1))
    with refused("RST-01", member):
        rec(member, EventKind.RESTORATION, date(2019, 1, 1))


# LIFE-T: party age -----------------------------------------------------------------------------

def test_life_t01_party_age_counts_from_the_admission_decision(tree, admit, rec):
    member = admit(tree.c1, on=date(2017, 1, 1), ceremony=date(2017, 2, 15))
    rec(member, EventKind.RECOGNITION, date(2018, 2, 15))
    assert member_party_age(member, date(2018, 12, 31)) == 1
    assert member_party_age(member, date(2019, 1, 1)) == 2  # not from the ceremony nor the recognition
    assert member_party_age(member, date(2027, 1, 1)) == 10
    assert member_party_age(member, date(2026, 12, 31)) == 9


def test_life_t01_party_age_is_none_while_probationary(tree, admit, rec):
    member = admit(tree.c1, on=date(2017, 1, 1))
    assert member_party_age(member, date(2017, 12, 31)) is None
    assert member_party_age(member, date(2016, 12, 31)) is None  # not yet admitted
    rec(member, EventKind.RECOGNITION, date(2018, 1, 1))
    assert member_party_age(member, date(2017, 12, 31)) is None  # still probationary that day
    assert member_party_age(member, date(2018, 1, 1)) == 1


def test_life_t02_t03_readmission_deducts_the_time_outside_the_party(tree, admit, rec):
    member = admit(tree.c1, on=date(2015, 3, 1))
    rec(member, EventKind.RECOGNITION, date(2016, 3, 1))
    rec(member, EventKind.REMOVAL, date(2017, 3, 10))
    assert member_party_age(member, date(2018, 6, 1)) == 2  # frozen at the removal
    rec(member, EventKind.READMISSION, date(2020, 3, 10), organisation=tree.c1)
    assert member_party_age(member, date(2020, 6, 1)) is None  # a new probation
    rec(member, EventKind.RECOGNITION, date(2021, 3, 10))
    # From the first admission decision (01/03/2015), less the 36 months outside: 8 years on 01/03/2026
    # (the leap day of 2016 counts inside the party, none falls in the gap).
    assert member_party_age(member, date(2026, 2, 28)) == 7
    assert member_party_age(member, date(2026, 3, 1)) == 8
    member.refresh_from_db()
    assert member.admitted_on == date(2015, 3, 1)


def test_life_t04_restoration_makes_membership_continuous(tree, admit, rec):
    member = admit(tree.c1, on=date(2015, 1, 5))
    rec(member, EventKind.RECOGNITION, date(2016, 1, 5))
    rec(member, EventKind.EXPULSION, date(2019, 1, 5))
    assert member_party_age(member, date(2019, 6, 1)) == 4
    rec(member, EventKind.RESTORATION, date(2020, 6, 1))
    assert member.status == MemberStatus.OFFICIAL and member.organisation == tree.c1
    assert member.official_on == date(2016, 1, 5)
    assert member_party_age(member, date(2025, 1, 4)) == 9
    assert member_party_age(member, date(2025, 1, 5)) == 10  # no gap deducted
    assert member_state_on(member, date(2019, 6, 1)).status == MemberStatus.EXPELLED  # history is kept


def test_life_t04_restoration_after_the_old_cell_was_dissolved_goes_to_another_cell(tree, admit, rec,
                                                                                    system_user):
    member = admit(tree.c2, on=date(2015, 1, 5))
    rec(member, EventKind.RECOGNITION, date(2016, 1, 5))
    rec(member, EventKind.REMOVAL, date(2019, 1, 5))
    organisation_dissolve(actor=system_user, organisation=tree.c2, effective_date=date(2020, 1, 1),
                          decision=Decision("6-QĐ", date(2020, 1, 1), "BTV"), members_to=None)
    with refused("ORG-10", member):  # back on the roll of a dissolved cell
        rec(member, EventKind.RESTORATION, date(2020, 6, 1))
    rec(member, EventKind.RESTORATION, date(2020, 6, 1), organisation=tree.c1)
    assert member.status == MemberStatus.OFFICIAL and member.organisation == tree.c1
    assert member_party_age(member, date(2025, 1, 5)) == 10


# VOID and backdating ---------------------------------------------------------------------------

def test_void_01_needs_a_reason_and_a_live_event(tree, admit, rec, system_user):
    member = admit(tree.c1, on=date(2016, 3, 1))
    event = rec(member, EventKind.EXEMPTION, date(2017, 1, 1))
    with refused("VOID-01", member):
        member_void_event(actor=system_user, event=event, reason=" sai ")
    stale = LedgerEvent.objects.get(pk=event.pk)
    member_void_event(actor=system_user, event=event, reason="Ghi nhầm ngày")
    member.refresh_from_db()
    assert not member.is_exempted
    with refused("VOID-01", member):
        member_void_event(actor=system_user, event=event, reason="Ghi nhầm lần nữa")
    # A copy loaded before the first void must not void (and overwrite) it a second time.
    with refused("VOID-01", member):
        member_void_event(actor=system_user, event=stale, reason="Ghi nhầm lần nữa")
    assert LedgerEvent.objects.get(pk=event.pk).void_reason == "Ghi nhầm ngày"


def test_void_01_voiding_an_event_later_events_depend_on_is_refused(tree, admit, rec, system_user):
    member = admit(tree.c1, on=date(2016, 3, 1))
    recognition = rec(member, EventKind.RECOGNITION, date(2017, 3, 1))
    expulsion = rec(member, EventKind.EXPULSION, date(2018, 1, 1))
    admission = member.events.get(kind=EventKind.ADMISSION)
    with refused("VOID-01", member):
        member_void_event(actor=system_user, event=admission, reason="Nhập sai người")
    with refused("VOID-01", member) as caught:
        member_void_event(actor=system_user, event=recognition, reason="Nhập sai ngày")
    assert "Khai trừ" in str(caught.value) or "EXIT-05" in str(caught.value) or "khai trừ" in str(caught.value)
    # Undo from the end: first the expulsion, then the recognition.
    member_void_event(actor=system_user, event=expulsion, reason="Quyết định bị hủy")
    member_void_event(actor=system_user, event=recognition, reason="Nhập sai ngày")
    member.refresh_from_db()
    assert member.status == MemberStatus.PROBATIONARY and member.official_on is None


def test_backdated_insertion_that_invalidates_a_later_event_is_refused(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    rec(member, EventKind.RECOGNITION, date(2017, 3, 1))
    rec(member, EventKind.TRANSFER, date(2019, 5, 1), organisation=tree.c2)
    # A removal in 2018 would leave the 2019 transfer moving a non-member.
    with refused("TRF-01", member):
        rec(member, EventKind.REMOVAL, date(2018, 1, 1))
    # A probation removal dated before the recognition would break the recognition.
    with refused("PROB-09", member):
        rec(member, EventKind.PROBATION_REMOVAL, date(2016, 9, 1))
    # An exemption in the middle breaks nothing.
    rec(member, EventKind.EXEMPTION, date(2018, 1, 1))
    member.refresh_from_db()
    assert member.organisation == tree.c2 and member.is_exempted


def test_transfer_records_the_organisation_of_its_own_date(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    rec(member, EventKind.TRANSFER, date(2019, 5, 1), organisation=tree.c2)
    backdated = rec(member, EventKind.TEMPORARY_AWAY, date(2018, 1, 1), organisation=tree.b2)
    assert backdated.from_organisation == tree.c1
    later = rec(member, EventKind.TRANSFER, date(2020, 1, 1), organisation=tree.b2)
    assert later.from_organisation == tree.c2


def test_org_17_a_party_group_holds_no_members(tree, admit, system_user):
    """ORG-17: members are registered in a cell or committee, never in a party group (tổ đảng)."""
    from dangvu.members.models import LedgerEvent
    from dangvu.organisations.services import organisation_found
    from dangvu.rules.engine import RuleViolation

    group = organisation_found(actor=system_user, code="TD1", name="Tổ đảng ca 1", org_type="party_group",
                               parent=tree.c1, founded_on=date(2015, 1, 1), decision=Decision("1", None, ""))
    member = admit(tree.c1, on=date(2018, 1, 2))
    before = LedgerEvent.objects.count()
    with pytest.raises(RuleViolation) as refused:
        member_record_event(actor=system_user, member=member, kind="transfer", effective_date=date(2019, 1, 2),
                            decision=Decision("2", None, ""), organisation=group)
    assert refused.value.rule_id == "ORG-17"
    assert LedgerEvent.objects.count() == before


def test_a_value_without_a_current_column_is_kept_in_the_dated_history_only(tree, admit, system_user):
    """The academic title has no column on ``Member``: setting and voiding it writes the dated value and the
    audit, and leaves the member's columns alone (it used to fail on saving a field that does not exist)."""
    member = admit(tree.c1, on=date(2016, 3, 1))
    item = member_set_value(actor=system_user, member=member, attribute="academic_title", value="professor",
                            valid_from=date(2020, 1, 1))
    assert MemberValue.objects.filter(member=member, attribute="academic_title", voided_at__isnull=True).count() == 1
    assert AuditEntry.objects.filter(event_type="value:academic_title", target_id=str(member.pk)).exists()
    member_void_value(actor=system_user, item=item, reason="Ghi nhầm học hàm")
    item.refresh_from_db()
    assert item.voided_at is not None
    assert AuditEntry.objects.filter(event_type="value:academic_title", action="void").exists()

"""Reads of member records, tested on their boundaries: the first and last day of a period, the day
before/of/after an event, and the ledger "as known" before and after a correction."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dangvu.members.models import EventKind, MembershipSpell, MemberStatus
from dangvu.members.selectors import (
    MemberFilters,
    events_known_at,
    member_ids_in_subtree_on,
    member_list,
    member_party_age,
    member_state_on,
    member_timeline,
    member_values_on,
)
from dangvu.members.services import member_record_event, member_set_value, member_void_event
from dangvu.organisations.services import Decision

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def rec(system_user):
    def _rec(member, kind, on, organisation=None, **extra):
        return member_record_event(actor=system_user, member=member, kind=kind, effective_date=on,
                                   decision=Decision(f"{kind}-{on:%d%m%Y}", on, "BTV Đảng ủy"),
                                   organisation=organisation, **extra)

    return _rec


# member_state_on -------------------------------------------------------------------------------

def test_state_on_the_day_before_of_and_after_each_event(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    rec(member, EventKind.RECOGNITION, date(2017, 3, 1))
    rec(member, EventKind.TRANSFER, date(2019, 5, 1), organisation=tree.c2)
    rec(member, EventKind.REMOVAL, date(2021, 1, 1))

    before = member_state_on(member, date(2016, 2, 29))
    assert before.status == MemberStatus.NOT_MEMBER and not before.is_member and before.organisation_id is None
    for day in (date(2016, 3, 1), date(2016, 3, 2), date(2017, 2, 28)):
        state = member_state_on(member, day)
        assert (state.status, state.organisation_id) == (MemberStatus.PROBATIONARY, tree.c1.pk)
    assert member_state_on(member, date(2017, 3, 1)).status == MemberStatus.OFFICIAL
    # The transfer: first day of the C2 period, last day of the C1 period.
    assert member_state_on(member, date(2019, 4, 30)).organisation_id == tree.c1.pk
    assert member_state_on(member, date(2019, 5, 1)).organisation_id == tree.c2.pk
    assert member_state_on(member, date(2019, 5, 2)).organisation_id == tree.c2.pk
    # The removal: last day as a member, first day outside.
    assert member_state_on(member, date(2020, 12, 31)).is_member
    removed = member_state_on(member, date(2021, 1, 1))
    assert removed.status == MemberStatus.REMOVED and not removed.is_member
    assert removed.left_on == date(2021, 1, 1)
    assert member_state_on(member, date(2021, 1, 2)).status == MemberStatus.REMOVED


def test_spells_cover_each_period_with_an_exclusive_end(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    rec(member, EventKind.RECOGNITION, date(2017, 3, 1))
    rec(member, EventKind.TRANSFER, date(2019, 5, 1), organisation=tree.c2)
    spells = list(MembershipSpell.objects.filter(member=member).order_by("valid_from")
                  .values_list("status", "organisation_id", "valid_from", "valid_to"))
    assert spells == [
        (MemberStatus.PROBATIONARY, tree.c1.pk, date(2016, 3, 1), date(2017, 3, 1)),
        (MemberStatus.OFFICIAL, tree.c1.pk, date(2017, 3, 1), date(2019, 5, 1)),
        (MemberStatus.OFFICIAL, tree.c2.pk, date(2019, 5, 1), None),
    ]


def test_two_events_on_one_day_make_one_period(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    rec(member, EventKind.EXEMPTION, date(2016, 3, 1))
    spells = list(MembershipSpell.objects.filter(member=member).values_list("is_exempted", "valid_from", "valid_to"))
    assert spells == [(True, date(2016, 3, 1), None)]


def test_overlays_on_their_first_and_last_day(tree, admit, rec):
    member = admit(tree.c1, on=date(2016, 3, 1))
    rec(member, EventKind.SUSPENSION, date(2016, 6, 1))
    rec(member, EventKind.SUSPENSION_END, date(2016, 8, 30))
    rec(member, EventKind.TEMPORARY_AWAY, date(2016, 9, 1), organisation=tree.b2)
    rec(member, EventKind.TEMPORARY_RETURN, date(2017, 1, 1))
    assert not member_state_on(member, date(2016, 5, 31)).is_suspended
    assert member_state_on(member, date(2016, 6, 1)).is_suspended
    assert member_state_on(member, date(2016, 8, 29)).is_suspended
    assert not member_state_on(member, date(2016, 8, 30)).is_suspended
    assert member_state_on(member, date(2016, 8, 31)).temporary_organisation_id is None
    assert member_state_on(member, date(2016, 9, 1)).temporary_organisation_id == tree.b2.pk
    assert member_state_on(member, date(2016, 12, 31)).temporary_organisation_id == tree.b2.pk
    assert member_state_on(member, date(2017, 1, 1)).temporary_organisation_id is None
    # The official place does not change while away.
    assert member_state_on(member, date(2016, 10, 1)).organisation_id == tree.c1.pk


# "As known" ------------------------------------------------------------------------------------

def test_state_as_known_before_and_after_a_correction(tree, admit, rec, system_user):
    with time_machine.travel(datetime(2016, 3, 2, 9, 0, tzinfo=HCM), tick=False):
        member = admit(tree.c1, on=date(2016, 3, 1))
    with time_machine.travel(datetime(2019, 5, 2, 9, 0, tzinfo=HCM), tick=False):
        wrong = rec(member, EventKind.TRANSFER, date(2019, 5, 1), organisation=tree.c2)
    with time_machine.travel(datetime(2019, 6, 3, 9, 0, tzinfo=HCM), tick=False):
        member_void_event(actor=system_user, event=wrong, reason="Ghi nhầm nơi đến")
        right = rec(member, EventKind.TRANSFER, date(2019, 5, 1), organisation=tree.b2)

    day = date(2019, 5, 15)
    # Before the transfer was recorded: still in C1 as far as anyone knew.
    assert member_state_on(member, day, known_at=datetime(2019, 5, 2, 8, 59, tzinfo=HCM)).organisation_id == tree.c1.pk
    # From the instant it was recorded until the correction: the old (wrong) state.
    assert member_state_on(member, day, known_at=datetime(2019, 5, 2, 9, 0, tzinfo=HCM)).organisation_id == tree.c2.pk
    assert member_state_on(member, day, known_at=datetime(2019, 6, 3, 8, 59, tzinfo=HCM)).organisation_id == tree.c2.pk
    # From the correction on, and today: the new state.
    assert member_state_on(member, day, known_at=datetime(2019, 6, 3, 9, 0, tzinfo=HCM)).organisation_id == tree.b2.pk
    assert member_state_on(member, day).organisation_id == tree.b2.pk
    # The same instant expressed in UTC gives the same answer.
    assert member_state_on(member, day, known_at=datetime(2019, 6, 3, 1, 59, tzinfo=ZoneInfo("UTC"))
                           ).organisation_id == tree.c2.pk

    admission = member.events.get(kind=EventKind.ADMISSION)
    assert events_known_at(member, datetime(2016, 3, 2, 8, 59, tzinfo=HCM)) == []
    assert events_known_at(member, datetime(2019, 5, 2, 9, 0, tzinfo=HCM)) == [admission, wrong]
    assert events_known_at(member, datetime(2019, 6, 3, 9, 0, tzinfo=HCM)) == [admission, right]
    assert events_known_at(member) == [admission, right]
    # The timeline keeps the voided row, marked.
    timeline = member_timeline(member)
    assert [e.pk for e in timeline] == [admission.pk, wrong.pk, right.pk]
    assert timeline[1].voided_at is not None and timeline[1].void_reason == "Ghi nhầm nơi đến"


def test_party_age_as_known_before_a_late_recognition_was_recorded(tree, admit, rec):
    with time_machine.travel(datetime(2016, 3, 2, 9, 0, tzinfo=HCM), tick=False):
        member = admit(tree.c1, on=date(2016, 3, 1))
    with time_machine.travel(datetime(2018, 1, 5, 9, 0, tzinfo=HCM), tick=False):
        rec(member, EventKind.RECOGNITION, date(2017, 3, 1))
    assert member_party_age(member, date(2018, 3, 1), known_at=datetime(2018, 1, 4, tzinfo=HCM)) is None
    assert member_party_age(member, date(2018, 3, 1), known_at=datetime(2018, 1, 6, tzinfo=HCM)) == 2
    assert member_party_age(member, date(2018, 2, 28)) == 1


# Dated values ----------------------------------------------------------------------------------

def test_values_on_the_first_and_last_day_of_each_value(tree, admit, system_user):
    member = admit(tree.c1, on=date(2016, 3, 1))
    with time_machine.travel(datetime(2017, 1, 2, 9, 0, tzinfo=HCM), tick=False):
        member_set_value(actor=system_user, member=member, attribute="occupation", value="worker",
                         valid_from=date(2017, 1, 1))
        member_set_value(actor=system_user, member=member, attribute="is_youth_union_member", value=True,
                         valid_from=date(2017, 1, 1))
    with time_machine.travel(datetime(2020, 1, 2, 9, 0, tzinfo=HCM), tick=False):
        member_set_value(actor=system_user, member=member, attribute="occupation", value="state_official",
                         valid_from=date(2020, 1, 1))
    assert member_values_on(member, date(2016, 12, 31)) == {}
    assert member_values_on(member, date(2017, 1, 1)) == {"occupation": "worker", "is_youth_union_member": True}
    assert member_values_on(member, date(2019, 12, 31))["occupation"] == "worker"
    assert member_values_on(member, date(2020, 1, 1))["occupation"] == "state_official"
    # Known before the 2020 value was recorded: still a worker in 2021.
    assert member_values_on(member, date(2021, 1, 1),
                            known_at=datetime(2020, 1, 2, 8, 0, tzinfo=HCM))["occupation"] == "worker"
    member.refresh_from_db()
    assert member.occupation == "state_official" and member.is_youth_union_member


# member_list -----------------------------------------------------------------------------------

def _names(queryset) -> list[str]:
    return [m.full_name for m in queryset]


def test_list_is_scoped_to_the_users_subtree(tree, cast, admit):
    admit(tree.c1, name="Trần Thị Bình")
    admit(tree.c2, name="Lê Văn Cường")
    admit(tree.b2, name="Phạm Văn Dũng")
    assert _names(member_list(user=cast.base_clerk, filters=MemberFilters())) == ["Trần Thị Bình", "Lê Văn Cường"]
    assert _names(member_list(user=cast.outsider, filters=MemberFilters())) == ["Phạm Văn Dũng"]
    assert len(member_list(user=cast.leader, filters=MemberFilters())) == 3
    assert _names(member_list(user=cast.leader, filters=MemberFilters(organisation=tree.c2))) == ["Lê Văn Cường"]
    assert len(member_list(user=cast.leader, filters=MemberFilters(organisation=tree.b1))) == 2


def test_list_sorts_by_given_name_the_vietnamese_way(tree, cast, admit):
    for name in ("Trần Văn Bình", "Nguyễn Thị Ánh", "Phạm Ân", "Lê Văn An", "Đỗ Đức Anh"):
        admit(tree.c1, name=name)
    assert _names(member_list(user=cast.leader, filters=MemberFilters())) == [
        "Lê Văn An", "Đỗ Đức Anh", "Nguyễn Thị Ánh", "Phạm Ân", "Trần Văn Bình"]


def test_list_filters_by_status_group(tree, cast, admit, rec):
    probationary = admit(tree.c1, name="Trần Thị Bình")
    official = admit(tree.c1, name="Lê Văn Cường")
    rec(official, EventKind.RECOGNITION, date(2017, 3, 1))
    removed = admit(tree.c1, name="Phạm Văn Dũng")
    rec(removed, EventKind.PROBATION_REMOVAL, date(2016, 9, 1))
    gone = admit(tree.c1, name="Võ Văn Em")
    rec(gone, EventKind.TRANSFER_OUT, date(2017, 1, 1), external_place="Đảng bộ tỉnh Đồng Nai")

    def names(status):
        return set(_names(member_list(user=cast.leader, filters=MemberFilters(status=status))))

    assert names("active") == {"Trần Thị Bình", "Lê Văn Cường"}
    assert names("official") == {"Lê Văn Cường"}
    assert names("probationary") == {"Trần Thị Bình"}
    assert names("left") == {"Phạm Văn Dũng"}
    assert names("transferred_out") == {"Võ Văn Em"}
    assert names("all") == {"Trần Thị Bình", "Lê Văn Cường", "Phạm Văn Dũng", "Võ Văn Em"}
    assert names("nonsense") == names("active")
    assert probationary.status == MemberStatus.PROBATIONARY


def test_list_search_ignores_diacritics_and_finds_card_numbers(tree, cast, admit):
    admit(tree.c1, name="Nguyễn Văn Ân", card_number="790123456789")
    admit(tree.c1, name="Đặng Thị Đào")
    admit(tree.c1, name="Lê Văn Bình")

    def search(query):
        return _names(member_list(user=cast.leader, filters=MemberFilters(query=query)))

    assert search("nguyen van an") == ["Nguyễn Văn Ân"]
    assert search("NGUYỄN văn ÂN") == ["Nguyễn Văn Ân"]
    assert search("dao") == ["Đặng Thị Đào"]
    assert search("đặng") == ["Đặng Thị Đào"]
    assert search("7901") == ["Nguyễn Văn Ân"]
    assert search("790") == []  # fewer than 4 digits: a name search, which finds nothing
    assert search("9012") == []  # card numbers match from the start


def test_list_age_band_boundaries(tree, cast, admit):
    admit(tree.c1, name="Trần Văn Ba Mươi", born=date(1995, 11, 28))  # 30 on 27/11/2026
    admit(tree.c1, name="Lê Văn Ba Mốt", born=date(1995, 11, 27))  # 31 that day
    admit(tree.c1, name="Phạm Văn Sáu Mốt", born=date(1965, 11, 27), on=date(2016, 3, 1))  # 61

    def band(code):
        return set(_names(member_list(user=cast.leader,
                                      filters=MemberFilters(age_band=code, today=date(2026, 11, 27)))))

    assert band("18_30") == {"Trần Văn Ba Mươi"}
    assert band("31_35") == {"Lê Văn Ba Mốt"}
    assert band("56_60") == set()
    assert band("over_60") == {"Phạm Văn Sáu Mốt"}


def test_list_filters_by_admission_year_gender_and_flag(tree, cast, admit, rec):
    first = admit(tree.c1, name="Trần Thị Bình", gender="female", on=date(2016, 12, 31))
    admit(tree.c1, name="Lê Văn Cường", on=date(2017, 1, 1))
    rec(first, EventKind.EXEMPTION, date(2017, 5, 1))

    def names(**filters):
        return _names(member_list(user=cast.leader, filters=MemberFilters(**filters)))

    assert names(admission_year=2016) == ["Trần Thị Bình"]
    assert names(admission_year=2017) == ["Lê Văn Cường"]
    assert names(gender="female") == ["Trần Thị Bình"]
    assert names(flag="is_exempted") == ["Trần Thị Bình"]
    assert names(flag="not_a_flag") == ["Trần Thị Bình", "Lê Văn Cường"]


def test_member_ids_in_subtree_on_a_day(tree, admit, rec):
    moving = admit(tree.c1, name="Trần Thị Bình", on=date(2016, 3, 1))
    staying = admit(tree.c2, name="Lê Văn Cường", on=date(2016, 3, 1))
    rec(moving, EventKind.TRANSFER, date(2019, 5, 1), organisation=tree.b2)
    assert set(member_ids_in_subtree_on(tree.b1, date(2016, 2, 29))) == set()
    assert set(member_ids_in_subtree_on(tree.b1, date(2016, 3, 1))) == {moving.pk, staying.pk}
    assert set(member_ids_in_subtree_on(tree.b1, date(2019, 4, 30))) == {moving.pk, staying.pk}
    assert set(member_ids_in_subtree_on(tree.b1, date(2019, 5, 1))) == {staying.pk}
    assert set(member_ids_in_subtree_on(tree.b2, date(2019, 5, 1))) == {moving.pk}
    assert set(member_ids_in_subtree_on(tree.du, date(2019, 5, 1))) == {moving.pk, staying.pk}

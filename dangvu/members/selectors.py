"""Reads of member records: lists, state on a date, state as known on an instant, dated values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet

from dangvu.access.policies import members_for
from dangvu.codes.data import AGE_BANDS
from dangvu.common.dates import add_months
from dangvu.common.text import search_key
from dangvu.members.ledger import MemberState, Replay, party_age_years, replay
from dangvu.members.models import (
    ACTIVE_STATUSES,
    BOOLEAN_ATTRIBUTES,
    LEFT_STATUSES,
    LedgerEvent,
    Member,
    MembershipSpell,
    MemberStatus,
    MemberValue,
)
from dangvu.organisations.models import Organisation

STATUS_GROUPS = {
    "active": ("Đang sinh hoạt", ACTIVE_STATUSES),
    "official": ("Chính thức", (MemberStatus.OFFICIAL,)),
    "probationary": ("Dự bị", (MemberStatus.PROBATIONARY,)),
    "left": ("Đã ra khỏi Đảng", LEFT_STATUSES),
    "transferred_out": ("Đã chuyển đi", (MemberStatus.TRANSFERRED_OUT,)),
    "died": ("Đã từ trần", (MemberStatus.DIED,)),
    "all": ("Tất cả", None),
}

FLAG_FIELDS = {
    "is_business_owner": "Chủ doanh nghiệp tư nhân",
    "is_youth_union_member": "Đoàn viên",
    "has_foreign_spouse": "Có vợ/chồng người nước ngoài",
    "is_exempted": "Đang miễn sinh hoạt",
    "is_suspended": "Đang bị đình chỉ",
}


@dataclass
class MemberFilters:
    organisation: Organisation | None = None
    status: str = "active"
    gender: str = ""
    occupation: str = ""
    flag: str = ""
    age_band: str = ""
    admission_year: int | None = None
    query: str = ""
    today: date | None = None


def member_list(*, user, filters: MemberFilters) -> QuerySet[Member]:
    """The members a user may see, filtered and sorted the Vietnamese way (given name first)."""
    members = members_for(user, for_write=False)
    if filters.organisation is not None:
        members = members.filter(org_path__startswith=filters.organisation.path)
    group = STATUS_GROUPS.get(filters.status, STATUS_GROUPS["active"])[1]
    if group is not None:
        members = members.filter(status__in=group)
    if filters.gender:
        members = members.filter(gender=filters.gender)
    if filters.occupation:
        members = members.filter(occupation=filters.occupation)
    if filters.flag in FLAG_FIELDS:
        members = members.filter(**{filters.flag: True})
    if filters.age_band and filters.today:
        for code, _label, low, high in AGE_BANDS:
            if code == filters.age_band:
                # Age in whole years on ``today``: born after today-(high+1)y and on/before today-low y.
                members = members.filter(date_of_birth__gt=add_months(filters.today, -12 * (high + 1)),
                                         date_of_birth__lte=add_months(filters.today, -12 * low))
    if filters.admission_year:
        members = members.filter(admitted_on__year=filters.admission_year)
    if filters.query:
        key = search_key(filters.query)
        digits = key.replace(" ", "")
        condition = Q(search_name__contains=key)
        if digits.isdigit() and len(digits) >= 4:
            condition |= Q(card_number__startswith=digits) | Q(profile_number__startswith=digits)
        members = members.filter(condition)
    return members.select_related("organisation").order_by("sort_key", "id")


def events_known_at(member: Member, known_at: datetime | None = None) -> list[LedgerEvent]:
    """The ledger as it was known at ``known_at``: recorded by then and not yet voided then."""
    events = member.events.all()
    if known_at is not None:
        events = events.filter(recorded_at__lte=known_at).exclude(voided_at__lte=known_at)
    else:
        events = events.filter(voided_at__isnull=True)
    return list(events.select_related("organisation").order_by("effective_date", "id"))


def member_replay(member: Member, *, known_at: datetime | None = None) -> Replay:
    return replay(events_known_at(member, known_at))


def member_state_on(member: Member, day: date, *, known_at: datetime | None = None) -> MemberState:
    return member_replay(member, known_at=known_at).state_on(day)


def member_party_age(member: Member, day: date, *, known_at: datetime | None = None) -> int | None:
    """Party age in whole years on ``day`` (None while probationary)."""
    return party_age_years(member_state_on(member, day, known_at=known_at), day)


def member_values_on(member: Member, day: date, *, known_at: datetime | None = None) -> dict[str, object]:
    values = MemberValue.objects.filter(member=member, valid_from__lte=day)
    if known_at is not None:
        values = values.filter(recorded_at__lte=known_at).exclude(voided_at__lte=known_at)
    else:
        values = values.filter(voided_at__isnull=True)
    result: dict[str, object] = {}
    for item in values.order_by("attribute", "valid_from", "id"):
        result[item.attribute] = (item.value == "1") if item.attribute in BOOLEAN_ATTRIBUTES else item.value
    return result


def member_timeline(member: Member) -> list[LedgerEvent]:
    """Every ledger row, voided ones included, in date order: the member's history as recorded."""
    return list(member.events.select_related("organisation", "from_organisation", "recorded_by", "voided_by")
                .order_by("effective_date", "id"))


def member_ids_in_subtree_on(organisation: Organisation, day: date) -> QuerySet:
    """Members active on ``day`` in organisations that were inside ``organisation``'s subtree that day."""
    from dangvu.organisations.selectors import organisation_ids_in_subtree_on

    org_ids = organisation_ids_in_subtree_on(organisation, day)
    return (MembershipSpell.objects.filter(organisation_id__in=org_ids, status__in=ACTIVE_STATUSES,
                                           valid_from__lte=day)
            .exclude(valid_to__lte=day).values_list("member_id", flat=True))

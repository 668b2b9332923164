"""Replay a member's ledger: validate every event under the rules in force on its date, and derive
the state at any date (status, organisation, overlays, party age) and the spells over time.

Pure functions over plain event objects, so that the same code answers "what is true on day d" and
"what was known on instant t" (pass only the events recorded and not yet voided at t).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Protocol

from dangvu.common.dates import add_months, calendar_months, months_between
from dangvu.members.models import ACTIVE_STATUSES, LEFT_STATUSES, EventKind, MemberStatus
from dangvu.rules.engine import param, refuse, require


class EventLike(Protocol):
    kind: str
    effective_date: date
    organisation_id: int | None
    ceremony_date: date | None
    decision_date: date | None
    external_place: str
    details: dict


@dataclass(frozen=True)
class MemberState:
    status: str = MemberStatus.NOT_MEMBER
    organisation_id: int | None = None
    temporary_organisation_id: int | None = None
    temporary_external: str = ""
    is_exempted: bool = False
    is_suspended: bool = False
    suspended_since: date | None = None
    first_admitted_on: date | None = None  # first admission decision (LIFE-T01)
    admitted_on: date | None = None  # latest admission or readmission decision
    ceremony_on: date | None = None
    official_on: date | None = None
    left_on: date | None = None
    left_status: str = ""
    readmissions: int = 0
    # Periods outside the Party, deducted from party age (LIFE-T02); a restoration erases its gap.
    gaps: tuple[tuple[date, date], ...] = ()
    before_leaving: MemberState | None = None

    @property
    def is_member(self) -> bool:
        return self.status in ACTIVE_STATUSES


@dataclass
class Spell:
    state: MemberState
    valid_from: date
    valid_to: date | None = None


@dataclass
class Replay:
    states: list[tuple[date, MemberState]] = field(default_factory=list)

    @property
    def final(self) -> MemberState:
        return self.states[-1][1] if self.states else MemberState()

    def state_on(self, day: date) -> MemberState:
        current = MemberState()
        for effective, state in self.states:
            if effective > day:
                break
            current = state
        return current

    def spells(self) -> list[Spell]:
        spells: list[Spell] = []
        for effective, state in self.states:
            if spells and spells[-1].valid_from == effective:
                spells[-1].state = state
                continue
            if spells:
                spells[-1].valid_to = effective
            spells.append(Spell(state=state, valid_from=effective))
        return [s for s in spells if s.state.status != MemberStatus.NOT_MEMBER]


def party_age_days(state: MemberState, on: date) -> int | None:
    """LIFE-T01..T03: days from the first admission decision, less the time outside the Party.
    None while the member is probationary or was never official."""
    if state.first_admitted_on is None or state.official_on is None:
        return None
    end = on if state.is_member else (state.left_on or on)
    days = (end - state.first_admitted_on).days
    for start, stop in state.gaps:
        days -= (min(stop, end) - start).days if start < end else 0
    return max(days, 0)


def party_age_years(state: MemberState, on: date) -> int | None:
    """Party age in whole calendar years on ``on`` (None while probationary or never official).

    The start is the first admission decision moved later by each period outside the Party, measured in
    calendar months and days, so that an anniversary falls on the same day of the year whatever the leap
    days (counting days and dividing by 365.2425 loses a year on some anniversaries)."""
    if state.first_admitted_on is None or state.official_on is None:
        return None
    end = on if state.is_member else (state.left_on or on)
    gap_months = gap_days = 0
    for gap_start, gap_stop in state.gaps:
        gap_stop = min(gap_stop, end)
        if gap_start >= gap_stop:
            continue
        months = months_between(gap_start, gap_stop)
        gap_months += months
        gap_days += (gap_stop - add_months(gap_start, months)).days
    start = add_months(state.first_admitted_on, gap_months) + timedelta(days=gap_days)
    if start > end:
        return 0
    return months_between(start, end) // 12


def sort_events(events: Iterable[EventLike]) -> list[EventLike]:
    return sorted(events, key=lambda e: (e.effective_date, getattr(e, "id", None) or 10**18))


def replay(events: Sequence[EventLike], *, date_of_birth: date | None = None,
           is_active_org=None) -> Replay:
    """Apply events in date order, refusing (RuleViolation) the first one that breaks a rule.

    ``is_active_org(org_id, day)`` tells whether an organisation existed and was open that day.
    """
    result = Replay()
    state = MemberState()
    for event in sort_events(events):
        state = apply_event(state, event, date_of_birth=date_of_birth, is_active_org=is_active_org)
        result.states.append((event.effective_date, state))
    return result


def _require_member(state: MemberState, event: EventLike, rule_id: str = "LIFE-03") -> None:
    day = event.effective_date
    if state.status == MemberStatus.DIED:
        refuse("LIFE-02", on=day)
    if state.status == MemberStatus.NOT_MEMBER and state.first_admitted_on is None:
        refuse("LIFE-01", on=day)
    if not state.is_member:
        refuse(rule_id, on=day, detail=f"Tình trạng vào ngày {day:%d/%m/%Y}: {MemberStatus(state.status).label}.")


def _require_org(event: EventLike, is_active_org) -> None:
    if event.organisation_id is None or (is_active_org and not is_active_org(event.organisation_id, event.effective_date)):
        refuse("ORG-10", on=event.effective_date)


def _ceremony(event: EventLike, day: date) -> date:
    """The ceremony follows the admission decision; probation runs from it (PROB-01)."""
    ceremony = event.ceremony_date or day
    if ceremony < day:
        refuse("LIFE-01", on=day, detail=f"Lễ kết nạp ngày {ceremony:%d/%m/%Y} trước ngày quyết định kết nạp.")
    return ceremony


def _leave(state: MemberState, status: str, day: date) -> MemberState:
    return replace(state, status=status, left_on=day, left_status=status, temporary_organisation_id=None,
                   temporary_external="", is_exempted=False, is_suspended=False, suspended_since=None,
                   before_leaving=state)


def apply_event(state: MemberState, event: EventLike, *, date_of_birth: date | None = None,
                is_active_org=None) -> MemberState:
    day = event.effective_date
    kind = event.kind
    details = event.details or {}

    if kind in (EventKind.ADMISSION, EventKind.TRANSFER_IN) and state.status == MemberStatus.NOT_MEMBER:
        pass
    elif state.status == MemberStatus.DIED:
        refuse("LIFE-02", on=day)

    if kind == EventKind.ADMISSION:
        if state.status != MemberStatus.NOT_MEMBER or state.first_admitted_on is not None:
            refuse("LIFE-04", on=day, detail="Người đã ra khỏi Đảng chỉ có thể được kết nạp lại.")
        _require_org(event, is_active_org)
        if date_of_birth is not None:
            # "Tính theo tháng": the month of the 18th birthday counts whole, whatever the day.
            require("ADM-01", on=day,
                    ok=calendar_months(date_of_birth, day) >= param("ADM-01", "min_age_months", day))
        ceremony = _ceremony(event, day)
        return replace(state, status=MemberStatus.PROBATIONARY, organisation_id=event.organisation_id,
                       first_admitted_on=day, admitted_on=day, ceremony_on=ceremony)

    if kind == EventKind.TRANSFER_IN:
        if state.is_member:
            refuse("LIFE-04", on=day)
        if state.status not in (MemberStatus.NOT_MEMBER, MemberStatus.TRANSFERRED_OUT):
            refuse("LIFE-03", on=day, detail="Người đã ra khỏi Đảng chỉ có thể được kết nạp lại.")
        _require_org(event, is_active_org)
        incoming = details.get("status", MemberStatus.OFFICIAL)
        if incoming not in ACTIVE_STATUSES:
            refuse("LIFE-03", on=day, detail="Chỉ tiếp nhận đảng viên dự bị hoặc chính thức.")
        admitted = date.fromisoformat(details["admitted_on"]) if details.get("admitted_on") else state.first_admitted_on or day
        official = date.fromisoformat(details["official_on"]) if details.get("official_on") else state.official_on
        if incoming == MemberStatus.OFFICIAL and official is None:
            official = admitted
        if admitted > day or (incoming == MemberStatus.OFFICIAL and official is not None
                              and not admitted <= official <= day):
            refuse("LIFE-01", on=day, detail=f"Ngày vào Đảng {admitted:%d/%m/%Y}"
                   + (f", ngày chính thức {official:%d/%m/%Y}" if official else "") + ".")
        gaps = state.gaps  # time spent in another đảng bộ is still party age: no gap
        ceremony = event.ceremony_date or (date.fromisoformat(details["ceremony_on"]) if details.get("ceremony_on") else admitted)
        return replace(state, status=incoming, organisation_id=event.organisation_id,
                       first_admitted_on=state.first_admitted_on or admitted, admitted_on=admitted,
                       ceremony_on=ceremony, official_on=official if incoming == MemberStatus.OFFICIAL else None,
                       left_on=None, left_status="", gaps=gaps)

    if kind == EventKind.READMISSION:
        if state.is_member:
            refuse("LIFE-04", on=day)
        if state.status in (MemberStatus.NOT_MEMBER, MemberStatus.TRANSFERRED_OUT):
            refuse("LIFE-03", on=day, detail="Kết nạp lại chỉ dành cho người đã ra khỏi Đảng.")
        require("READM-04", on=day, ok=state.readmissions == 0)
        if state.left_status == MemberStatus.RESIGNED and not details.get("exception_approval"):
            refuse("READM-05", on=day)
        months = param("READM-01", "months", day)
        require("READM-01", on=day, ok=state.left_on is not None and day >= add_months(state.left_on, months),
                detail=f"Ra khỏi Đảng ngày {state.left_on:%d/%m/%Y}; sớm nhất được xét từ ngày "
                       f"{add_months(state.left_on, months):%d/%m/%Y}." if state.left_on else "")
        _require_org(event, is_active_org)
        ceremony = _ceremony(event, day)
        gaps = state.gaps + ((state.left_on, day),) if state.left_on else state.gaps
        return replace(state, status=MemberStatus.PROBATIONARY, organisation_id=event.organisation_id,
                       admitted_on=day, ceremony_on=ceremony, official_on=None, left_on=None, left_status="",
                       readmissions=state.readmissions + 1, gaps=gaps, before_leaving=None)

    if kind == EventKind.RECOGNITION:
        _require_member(state, event, "PROB-09")
        require("PROB-09", on=day, ok=state.status == MemberStatus.PROBATIONARY)
        months = param("PROB-01", "probation_months", day)
        due = add_months(state.ceremony_on or state.admitted_on or day, months)
        require("PROB-01", on=day, ok=day >= due,
                detail=f"Lễ kết nạp ngày {(state.ceremony_on or day):%d/%m/%Y}; đủ 12 tháng vào ngày {due:%d/%m/%Y}.")
        require("PROB-04", on=day, ok=day == due, detail=f"Ngày đúng là {due:%d/%m/%Y}.")
        return replace(state, status=MemberStatus.OFFICIAL, official_on=day)

    if kind in (EventKind.TRANSFER, EventKind.ORG_TRANSFER):
        _require_member(state, event, "TRF-01")
        _require_org(event, is_active_org)
        require("TRF-01", on=day, ok=event.organisation_id != state.organisation_id,
                detail="Nơi đến trùng với nơi đang sinh hoạt.")
        temporary = state.temporary_organisation_id
        if temporary == event.organisation_id:
            temporary = None
        return replace(state, organisation_id=event.organisation_id, temporary_organisation_id=temporary)

    if kind == EventKind.TRANSFER_OUT:
        _require_member(state, event, "TRF-01")
        require("TRF-01", on=day, ok=bool(event.external_place), detail="Cần ghi nơi chuyển đến.")
        return replace(state, status=MemberStatus.TRANSFERRED_OUT, left_on=day,
                       left_status=MemberStatus.TRANSFERRED_OUT, temporary_organisation_id=None,
                       temporary_external="", is_exempted=False, is_suspended=False,
                       before_leaving=state)

    if kind == EventKind.TEMPORARY_AWAY:
        _require_member(state, event, "TRF-03")
        already = state.temporary_organisation_id is not None or bool(state.temporary_external)
        require("TRF-03", on=day, ok=bool(not already and (event.organisation_id or event.external_place)
                                          and event.organisation_id != state.organisation_id))
        if event.organisation_id is not None:
            _require_org(event, is_active_org)
        return replace(state, temporary_organisation_id=event.organisation_id,
                       temporary_external=event.external_place if not event.organisation_id else "")

    if kind == EventKind.TEMPORARY_RETURN:
        _require_member(state, event, "TRF-04")
        require("TRF-04", on=day, ok=state.temporary_organisation_id is not None or bool(state.temporary_external))
        return replace(state, temporary_organisation_id=None, temporary_external="")

    if kind == EventKind.PROBATION_REMOVAL:
        _require_member(state, event, "PROB-06")
        require("PROB-06", on=day, ok=state.status == MemberStatus.PROBATIONARY)
        return _leave(state, MemberStatus.PROBATION_REMOVED, day)

    if kind in (EventKind.REMOVAL, EventKind.RESIGNATION):
        _require_member(state, event, "EXIT-01")
        status = MemberStatus.REMOVED if kind == EventKind.REMOVAL else MemberStatus.RESIGNED
        return _leave(state, status, day)

    if kind == EventKind.EXPULSION:
        _require_member(state, event, "EXIT-01")
        require("EXIT-05", on=day, ok=state.status == MemberStatus.OFFICIAL)
        return _leave(state, MemberStatus.EXPELLED, day)

    if kind == EventKind.DEATH:
        _require_member(state, event, "LIFE-03")
        return replace(_leave(state, MemberStatus.DIED, day), left_status=MemberStatus.DIED)

    if kind == EventKind.EXEMPTION:
        _require_member(state, event, "EXM-01")
        require("EXM-01", on=day, ok=not state.is_exempted)
        return replace(state, is_exempted=True)

    if kind == EventKind.EXEMPTION_END:
        _require_member(state, event, "EXM-01")
        require("EXM-01", on=day, ok=state.is_exempted)
        return replace(state, is_exempted=False)

    if kind == EventKind.SUSPENSION:
        _require_member(state, event, "SUS-03")
        require("SUS-03", on=day, ok=not state.is_suspended)
        return replace(state, is_suspended=True, suspended_since=day)

    if kind == EventKind.SUSPENSION_END:
        _require_member(state, event, "SUS-03")
        since = state.suspended_since
        require("SUS-03", on=day, ok=state.is_suspended and since is not None)
        assert since is not None
        # A suspension is judged, and its refusal cited, under the text in force when it was decided.
        max_days = param("SUS-03", "max_days", since)
        require("SUS-03", on=since, ok=(day - since) <= timedelta(days=max_days),
                detail=f"Đình chỉ từ ngày {since:%d/%m/%Y}: tối đa {max_days} ngày, "
                       f"đến ngày {since + timedelta(days=max_days):%d/%m/%Y}.")
        return replace(state, is_suspended=False, suspended_since=None)

    if kind == EventKind.RESTORATION:
        require("RST-01", on=day, ok=state.status in (MemberStatus.EXPELLED, MemberStatus.REMOVED)
                and state.before_leaving is not None)
        previous = state.before_leaving
        assert previous is not None
        if event.organisation_id is not None and event.organisation_id != previous.organisation_id:
            # Restored into another organisation (the old one may be gone by now).
            _require_org(event, is_active_org)
            previous = replace(previous, organisation_id=event.organisation_id, temporary_organisation_id=None,
                               temporary_external="")
        # LIFE-T04: membership annulled wrongly is treated as continuous.
        return replace(previous, before_leaving=None, gaps=previous.gaps)

    raise ValueError(f"unknown event kind {kind!r}")


def left_statuses() -> tuple[str, ...]:
    return tuple(LEFT_STATUSES)

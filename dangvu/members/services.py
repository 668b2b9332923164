"""Writes to member records. Every change is a ledger event or a dated value, validated by replaying
the whole ledger under the rules in force on each date, saved with its audit row in one transaction.
A refused change raises ``RuleViolation`` and leaves nothing behind."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record, audit_record_many
from dangvu.common.bulk import bulk_insert, copy_meanwhile, instance_factory, reserve_ids
from dangvu.common.text import clean, person_sort_key, search_key
from dangvu.members.ledger import replay
from dangvu.members.models import (
    BOOLEAN_ATTRIBUTES,
    EventKind,
    LedgerEvent,
    Member,
    MembershipSpell,
    MemberValue,
    ValueAttribute,
)
from dangvu.organisations.models import MEMBER_HOLDING_TYPES, Organisation
from dangvu.organisations.services import Decision, org_is_active
from dangvu.rules.engine import RuleViolation, refuse, require

PROFILE_FIELDS = (
    "full_name", "other_name", "gender", "date_of_birth", "place_of_birth", "home_town", "residence",
    "temporary_residence", "ethnicity", "religion", "citizen_id", "card_number", "profile_number",
    "family_background", "phone",
)
# Fields derived from the ledger: changing them by editing would cut a member out of a cell (LIFE-05).
LEDGER_FIELDS = ("status", "organisation", "organisation_id", "org_path", "temporary_organisation",
                 "temporary_organisation_id", "admitted_on", "official_on", "is_exempted", "is_suspended")

_DIGITS = re.compile(r"^\d+$")


def _validate_identity(member: Member, on: date) -> None:
    if member.citizen_id:
        member.citizen_id = member.citizen_id.strip()
        require("ID-01", on=on, ok=bool(_DIGITS.match(member.citizen_id)) and len(member.citizen_id) == 12)
        require("ID-01", on=on, ok=not Member.objects.filter(citizen_id=member.citizen_id).exclude(pk=member.pk).exists())
    else:
        member.citizen_id = None
    if member.card_number:
        member.card_number = member.card_number.strip()
        require("ID-02", on=on, ok=bool(_DIGITS.match(member.card_number)) and len(member.card_number) <= 12)
        require("ID-02", on=on, ok=not Member.objects.filter(card_number=member.card_number).exclude(pk=member.pk).exists())
    else:
        member.card_number = None


def _profile_snapshot(member: Member) -> dict[str, Any]:
    return {name: getattr(member, name) for name in PROFILE_FIELDS}


def _mask(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The audit trail keeps no full citizen ID (SEC-19): the last four digits identify the change."""
    masked = dict(snapshot)
    if masked.get("citizen_id"):
        masked["citizen_id"] = "********" + str(masked["citizen_id"])[-4:]
    return masked


def _event_snapshot(event: LedgerEvent) -> dict[str, Any]:
    return {
        "kind": event.kind, "effective_date": event.effective_date, "decision_number": event.decision_number,
        "decision_date": event.decision_date, "deciding_body": event.deciding_body,
        "organisation": event.organisation.code if event.organisation else None,
        "from_organisation": event.from_organisation.code if event.from_organisation else None,
        "external_place": event.external_place, "ceremony_date": event.ceremony_date, "details": event.details,
    }


def _event_snapshot_text(event: LedgerEvent) -> dict[str, Any]:
    """``_event_snapshot`` with its dates as text (``str``, as the audit's JSON writes a date); an organisation
    whose key is empty is None without asking the descriptor (it would answer the same)."""
    organisation = event.organisation if event.organisation_id is not None else None
    source = event.from_organisation if event.from_organisation_id is not None else None
    effective, decided, ceremony = event.effective_date, event.decision_date, event.ceremony_date
    return {
        "kind": event.kind, "effective_date": str(effective) if isinstance(effective, date) else effective,
        "decision_number": event.decision_number,
        "decision_date": str(decided) if isinstance(decided, date) else decided, "deciding_body": event.deciding_body,
        "organisation": organisation.code if organisation else None,
        "from_organisation": source.code if source else None,
        "external_place": event.external_place,
        "ceremony_date": str(ceremony) if isinstance(ceremony, date) else ceremony, "details": event.details,
    }


def _active_events(member: Member) -> list[LedgerEvent]:
    return list(member.events.filter(voided_at__isnull=True).order_by("effective_date", "id"))


def member_rebuild_state(member: Member, events: list[LedgerEvent] | None = None) -> None:
    """Recompute spells and current columns from the ledger (derived data; not audited itself)."""
    events = _active_events(member) if events is None else events
    result = replay(events, date_of_birth=None)
    MembershipSpell.objects.filter(member=member).delete()
    MembershipSpell.objects.bulk_create([
        MembershipSpell(member=member, status=spell.state.status, organisation_id=spell.state.organisation_id,
                        temporary_organisation_id=spell.state.temporary_organisation_id,
                        is_exempted=spell.state.is_exempted, is_suspended=spell.state.is_suspended,
                        valid_from=spell.valid_from, valid_to=spell.valid_to)
        for spell in result.spells()
    ])
    final = result.final
    member.status = final.status
    if final.organisation_id:
        member.organisation_id = final.organisation_id
    member.org_path = (Organisation.objects.values_list("path", flat=True).get(pk=member.organisation_id)
                       if member.organisation_id else "")
    member.temporary_organisation_id = final.temporary_organisation_id
    member.admitted_on = final.first_admitted_on
    member.official_on = final.official_on
    member.is_exempted = final.is_exempted
    member.is_suspended = final.is_suspended
    member.save(update_fields=["status", "organisation", "org_path", "temporary_organisation", "admitted_on",
                               "official_on", "is_exempted", "is_suspended"])


def _validate_ledger(member: Member, events: list[LedgerEvent]) -> None:
    """Replay the ledger under the rules of each date, then check that every period of membership stays
    inside the life of its organisation: an event that is valid on its own date must not leave the member
    on the roll of an organisation dissolved or merged later (ORG-10)."""
    result = replay(events, date_of_birth=member.date_of_birth, is_active_org=org_is_active)
    today = timezone.localdate()
    for spell in result.spells():
        org_id = spell.state.organisation_id
        if not spell.state.is_member or org_id is None:
            continue
        last_day = spell.valid_to - timedelta(days=1) if spell.valid_to else max(today, spell.valid_from)
        if last_day >= spell.valid_from and not org_is_active(org_id, last_day):
            organisation = Organisation.objects.filter(pk=org_id).first()
            ended = f" từ ngày {organisation.ended_on:%d/%m/%Y}" if organisation and organisation.ended_on else ""
            refuse("ORG-10", on=last_day,
                   detail=f"{organisation.name if organisation else 'Tổ chức'} đã kết thúc{ended}; "
                          "đảng viên phải được chuyển đi trước ngày đó.")


def _check_dates(day: date, decision: Decision, ceremony_date: date | None = None) -> None:
    today = timezone.localdate()
    require("LIFE-06", on=day, ok=day <= today and (decision.date is None or decision.date <= today)
            and (ceremony_date is None or ceremony_date <= today))


@transaction.atomic
def member_record_event(
    *, actor, member: Member, kind: str, effective_date: date, decision: Decision,
    organisation: Organisation | None = None, external_place: str = "", other_province: bool = False,
    ceremony_date: date | None = None, details: dict[str, Any] | None = None, org_event=None,
) -> LedgerEvent:
    """Append one event to the member's ledger, after replaying the whole ledger with it."""
    _check_dates(effective_date, decision, ceremony_date)
    if organisation is not None:
        require("ORG-17", on=effective_date, ok=organisation.org_type in MEMBER_HOLDING_TYPES)
    Member.objects.select_for_update().filter(pk=member.pk).first()
    state_before = member.organisation_id
    event = LedgerEvent(
        member=member, kind=kind, effective_date=effective_date, decision_number=clean(decision.number),
        decision_date=decision.date, deciding_body=clean(decision.body), organisation=organisation,
        from_organisation_id=state_before if kind in (EventKind.TRANSFER, EventKind.ORG_TRANSFER,
                                                      EventKind.TRANSFER_OUT, EventKind.TEMPORARY_AWAY) else None,
        external_place=clean(external_place), other_province=other_province, ceremony_date=ceremony_date,
        details=details or {}, org_event=org_event, recorded_at=timezone.now(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    events = _active_events(member)
    _validate_ledger(member, [*events, event])
    if kind in (EventKind.TRANSFER, EventKind.ORG_TRANSFER, EventKind.TRANSFER_OUT, EventKind.TEMPORARY_AWAY):
        # The source is the organisation on the event's date, which may differ from today's.
        on_day = replay(events).state_on(effective_date)
        event.from_organisation_id = on_day.organisation_id
    event.save(force_insert=True)
    member_rebuild_state(member, [*events, event])
    audit_record(actor=actor, action=AuditAction.LEDGER_EVENT, event_type=kind, target=member,
                 organisation=member.organisation, new=_event_snapshot(event), reason=decision.number)
    return event


@transaction.atomic
def member_void_event(*, actor, event: LedgerEvent, reason: str) -> LedgerEvent:
    """Correct a mistake: the event stays in the ledger, marked void with who, when and why."""
    reason = clean(reason)
    require("VOID-01", on=event.effective_date, ok=len(reason) >= 5)
    member = event.member
    Member.objects.select_for_update().filter(pk=member.pk).first()
    # Ask the database, not the object in hand: a copy loaded earlier must not void the event twice
    # (and overwrite who voided it, when and why).
    stored = LedgerEvent.objects.select_for_update().filter(pk=event.pk).values_list("voided_at", flat=True)
    require("VOID-01", on=event.effective_date, ok=event.voided_at is None and stored.first() is None)
    remaining = [e for e in _active_events(member) if e.pk != event.pk]
    try:
        _validate_ledger(member, remaining)
    except RuleViolation as later:
        refuse("VOID-01", on=event.effective_date,
               detail=f"Sự kiện sau sẽ không còn hợp lệ: [{later.rule_id}] {later.rule.message} {later.detail}".rstrip())
    event.voided_at = timezone.now()
    event.voided_by = actor if getattr(actor, "is_authenticated", False) else None
    event.void_reason = reason
    event.save(update_fields=["voided_at", "voided_by", "void_reason"])
    member_rebuild_state(member, remaining)
    audit_record(actor=actor, action=AuditAction.VOID, event_type=event.kind, target=member,
                 organisation=member.organisation, old=_event_snapshot(event), new={"voided": True},
                 reason=reason)
    return event


def _new_member(profile: dict[str, Any], on: date) -> Member:
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown & set(LEDGER_FIELDS):
        refuse("LIFE-05", on=on)
    member = Member(**{k: (clean(v) if isinstance(v, str) else v) for k, v in profile.items() if k in PROFILE_FIELDS})
    require("NAME-01", on=on, ok=bool(member.full_name) and member.date_of_birth is not None and bool(member.gender))
    member.search_name = search_key(member.full_name)
    member.sort_key = person_sort_key(member.full_name)
    _validate_identity(member, on)
    return member


@transaction.atomic
def member_admit(*, actor, profile: dict[str, Any], organisation: Organisation, decision: Decision,
                 admitted_on: date, ceremony_date: date | None = None,
                 values: dict[str, Any] | None = None, details: dict[str, Any] | None = None) -> Member:
    """A new member: create the record and write the admission event (decision date = admitted_on)."""
    member = _new_member(profile, admitted_on)
    member.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=member, organisation=organisation,
                 new=_mask(_profile_snapshot(member)))
    member_record_event(actor=actor, member=member, kind=EventKind.ADMISSION, effective_date=admitted_on,
                        decision=Decision(decision.number, decision.date or admitted_on, decision.body),
                        organisation=organisation, ceremony_date=ceremony_date, details=details)
    for attribute, value in (values or {}).items():
        member_set_value(actor=actor, member=member, attribute=attribute, value=value, valid_from=admitted_on)
    return member


@transaction.atomic
def member_receive(*, actor, profile: dict[str, Any], organisation: Organisation, decision: Decision,
                   received_on: date, from_place: str, other_province: bool, status: str,
                   admitted_on: date, official_on: date | None = None, ceremony_date: date | None = None,
                   values: dict[str, Any] | None = None) -> Member:
    """A member who arrives from outside the tenant with a transfer paper (tiếp nhận)."""
    member = _new_member(profile, received_on)
    member.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=member, organisation=organisation,
                 new=_mask(_profile_snapshot(member)))
    member_record_event(
        actor=actor, member=member, kind=EventKind.TRANSFER_IN, effective_date=received_on, decision=decision,
        organisation=organisation, external_place=from_place, other_province=other_province,
        ceremony_date=ceremony_date,
        details={"status": status, "admitted_on": admitted_on.isoformat(),
                 "official_on": official_on.isoformat() if official_on else None,
                 "ceremony_on": (ceremony_date or admitted_on).isoformat()})
    for attribute, value in (values or {}).items():
        member_set_value(actor=actor, member=member, attribute=attribute, value=value, valid_from=received_on)
    return member


@transaction.atomic
def member_update_profile(*, actor, member: Member, changes: dict[str, Any], correction_basis: str = "") -> Member:
    """Edit identity and profile fields. Organisation and status change only through ledger events."""
    today = timezone.localdate()
    if set(changes) & set(LEDGER_FIELDS):
        refuse("LIFE-05", on=today)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    Member.objects.select_for_update().filter(pk=member.pk).first()
    old = _profile_snapshot(member)
    try:
        for name, value in changes.items():
            setattr(member, name, clean(value) if isinstance(value, str) else value)
        if member.date_of_birth != old["date_of_birth"] and member.admitted_on:
            require("LIFE-T05", on=today, ok=len(clean(correction_basis)) >= 5)
        require("NAME-01", on=today,
                ok=bool(member.full_name) and member.date_of_birth is not None and bool(member.gender))
        _validate_identity(member, today)
    except RuleViolation:
        # Refused: the caller's object goes back to what is stored, as the database does.
        for name, value in old.items():
            setattr(member, name, value)
        raise
    member.search_name = search_key(member.full_name)
    member.sort_key = person_sort_key(member.full_name)
    new = _profile_snapshot(member)
    changed = [name for name in PROFILE_FIELDS if old[name] != new[name]]
    if not changed:
        return member
    member.save(update_fields=[*changed, "search_name", "sort_key"])
    audit_record(actor=actor, action=AuditAction.UPDATE, target=member, organisation=member.organisation,
                 old=_mask({k: old[k] for k in changed}), new=_mask({k: new[k] for k in changed}),
                 reason=clean(correction_basis))
    return member


def _has_current_column(attribute: ValueAttribute) -> bool:
    """Most dated attributes keep their latest value in a column of ``Member`` too; some (the academic
    title) live only in the dated history."""
    return any(f.name == attribute.value for f in Member._meta.concrete_fields)


@transaction.atomic
def member_set_value(*, actor, member: Member, attribute: str, value: Any, valid_from: date) -> MemberValue:
    """Record a dated value (occupation, education …) valid from ``valid_from``."""
    attribute = ValueAttribute(attribute)
    stored = ("1" if value else "0") if attribute in BOOLEAN_ATTRIBUTES else str(value)
    require("LIFE-06", on=valid_from, ok=valid_from <= timezone.localdate())
    # One writer per member at a time (as member_void_value): the current column below is then the latest value
    # even when two values of the member are recorded at once (reports read it as the value, reports.stock).
    Member.objects.select_for_update().filter(pk=member.pk).first()
    item = MemberValue.objects.create(member=member, attribute=attribute, value=stored, valid_from=valid_from,
                                      recorded_at=timezone.now(),
                                      recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    if _has_current_column(attribute):
        current = (MemberValue.objects.filter(member=member, attribute=attribute, voided_at__isnull=True)
                   .order_by("-valid_from", "-id").values_list("value", flat=True).first())
        setattr(member, attribute.value, (current == "1") if attribute in BOOLEAN_ATTRIBUTES else current)
        member.save(update_fields=[attribute.value])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type=f"value:{attribute.value}", target=member,
                 organisation=member.organisation, new={attribute.value: stored, "valid_from": valid_from})
    return item


@transaction.atomic
def member_void_value(*, actor, item: MemberValue, reason: str) -> MemberValue:
    """Correct a dated value recorded by mistake (e.g. rollback of an import batch): it stays, marked void with
    why; the member's current column falls back to the latest value still valid (or the field's default)."""
    reason = clean(reason)
    require("VOID-01", on=item.valid_from, ok=len(reason) >= 5)
    member = item.member
    Member.objects.select_for_update().filter(pk=member.pk).first()
    stored = MemberValue.objects.select_for_update().filter(pk=item.pk).values_list("voided_at", flat=True)
    require("VOID-01", on=item.valid_from, ok=item.voided_at is None and stored.first() is None)
    item.voided_at = timezone.now()
    item.void_reason = reason[:500]
    item.save(update_fields=["voided_at", "void_reason"])
    attribute = ValueAttribute(item.attribute)
    if _has_current_column(attribute):
        current = (MemberValue.objects.filter(member=member, attribute=attribute, voided_at__isnull=True)
                   .order_by("-valid_from", "-id").values_list("value", flat=True).first())
        if current is None:
            value = Member._meta.get_field(attribute.value).get_default()
        else:
            value = (current == "1") if attribute in BOOLEAN_ATTRIBUTES else current
        setattr(member, attribute.value, value)
        member.save(update_fields=[attribute.value])
    audit_record(actor=actor, action=AuditAction.VOID, event_type=f"value:{attribute.value}", target=member,
                 organisation=member.organisation,
                 old={attribute.value: item.value, "valid_from": item.valid_from}, new={"voided": True}, reason=reason)
    return item


# Bulk admission (imports) -----------------------------------------------------------------------------

@dataclass
class AdmitRow:
    """One new member for ``member_admit_many``: what ``member_admit`` takes, the dated values
    (``member_set_value`` from ``admitted_on``) and an optional recognition on ``official_on``
    (``member_record_event(kind=RECOGNITION)``). ``key`` is the caller's reference for the row (the file's
    row number), carried by the errors; ``reason`` goes on the audit row."""

    profile: dict[str, Any]
    organisation: Organisation
    admitted_on: date
    decision: Decision = field(default_factory=Decision)
    ceremony_date: date | None = None
    values: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] | None = None
    official_on: date | None = None
    official_decision: Decision | None = None
    key: Any = None
    reason: str = ""


class MemberRowsRefused(RuleViolation):
    """``member_admit_many`` refused some rows: ``errors`` lists every (key, RuleViolation), in row order.
    As a ``RuleViolation`` it reads as the first refusal, with its row."""

    def __init__(self, errors: list[tuple[Any, RuleViolation]]):
        self.errors = errors
        key, first = errors[0]
        more = f"; {len(errors) - 1} dòng khác cũng bị từ chối" if len(errors) > 1 else ""
        super().__init__(first.rule, detail=f"{first.detail} (dòng {key}{more})".lstrip())


class _OrgIntervals:
    """``is_active_org`` from OrganisationSpell rows loaded in one query (the same test as ``org_is_active``:
    a spell with valid_from <= day < valid_to)."""

    def __init__(self, org_ids):
        self.spells: dict[int, list[tuple[date, date | None]]] = {}
        if org_ids:
            self.load(org_ids)

    def load(self, org_ids) -> None:
        """Add the spells of more organisations (not loaded before)."""
        from dangvu.organisations.models import OrganisationSpell

        for org_id, start, end in OrganisationSpell.objects.filter(organisation_id__in=org_ids).values_list(
                "organisation_id", "valid_from", "valid_to"):
            self.spells.setdefault(org_id, []).append((start, end))

    def __call__(self, org_id: int, day: date) -> bool:
        return any(start <= day and (end is None or end > day) for start, end in self.spells.get(org_id, ()))


def _bulk_validate_ledger(member: Member, events: list[LedgerEvent], is_active_org, orgs: dict[int, Organisation],
                          today: date):
    """``_validate_ledger`` with the organisation lookups in memory."""
    result = replay(events, date_of_birth=member.date_of_birth, is_active_org=is_active_org)
    for spell in result.spells():
        org_id = spell.state.organisation_id
        if not spell.state.is_member or org_id is None:
            continue
        last_day = spell.valid_to - timedelta(days=1) if spell.valid_to else max(today, spell.valid_from)
        if last_day >= spell.valid_from and not is_active_org(org_id, last_day):
            organisation = orgs.get(org_id)
            ended = f" từ ngày {organisation.ended_on:%d/%m/%Y}" if organisation and organisation.ended_on else ""
            refuse("ORG-10", on=last_day,
                   detail=f"{organisation.name if organisation else 'Tổ chức'} đã kết thúc{ended}; "
                          "đảng viên phải được chuyển đi trước ngày đó.")
    return result


def _taken(field_name: str, keys: set[str]) -> set[str]:
    keys = sorted(keys)
    taken: set[str] = set()
    for start in range(0, len(keys), 500):
        taken.update(Member.objects.filter(**{f"{field_name}__in": keys[start:start + 500]})
                     .values_list(field_name, flat=True))
    return taken


@transaction.atomic
def member_admit_many(*, actor, rows: list[AdmitRow]) -> list[Member]:
    """Admit many new members at once, with the same rules and results as ``member_admit`` followed by
    ``member_set_value`` for each value and ``member_record_event(kind=RECOGNITION)`` on ``official_on``.

    Every row is validated in memory first (the pure ``replay`` of its ledger, organisation lives from one
    query of spells, CCCD / card numbers against the database in one query and within ``rows``); if any row
    is refused, ``MemberRowsRefused`` lists them all and nothing is written. Otherwise members (with their
    current-state columns), ledger events, spells and values are bulk-inserted, with one CREATE audit row
    per member carrying the profile (CCCD masked), the events and the values. Each returned member carries
    ``created_events`` and ``created_values`` (the rows written for it, in the order the per-row services
    would write them: admission, values, recognition).

    A caller writing many chunks in one transaction uses one ``BulkAdmission`` for all of them instead (it plans
    the next chunk while this one is written)."""
    return BulkAdmission(actor=actor).admit(rows)


class _Ahead:
    """The plan of the next chunk, made in a helper thread (``BulkAdmission.admit``)."""

    def __init__(self, rows: list[AdmitRow], run):
        self.rows = rows
        self.outcome: list = []

        def target():
            from django.db import connection  # this thread's own connection, outside the import's transaction

            def refuse(*_args):
                raise _NeedsQuery  # a read here would not see the chunks written so far: plan in the caller's thread

            try:
                with connection.execute_wrapper(refuse):
                    self.outcome.append(run())
            except BaseException as exc:  # noqa: BLE001 - the main thread plans again, and meets it itself
                self.outcome.append(exc)
            finally:
                connection.close()

        self.thread = threading.Thread(target=target, name="dangvu-bulk-plan", daemon=True)
        self.thread.start()

    def result(self):
        self.thread.join()
        outcome = self.outcome[0]
        return None if isinstance(outcome, BaseException) else outcome


class _NeedsQuery(Exception):
    """Raised by a plan made in the helper thread when it would need the database (it never has the
    connection): the chunk is planned again in the caller's thread."""


class BulkAdmission:
    """``member_admit_many`` for the chunks of one import, in one transaction: the same checks, in the same order,
    and the same rows written for each chunk, with the organisations and the rules loaded once.

    ``admit(rows, upcoming=next_rows)`` also plans the next chunk in a helper thread while this one is written
    (the writes mostly wait for PostgreSQL, so the two overlap). The next chunk's CCCD / card numbers are checked
    against the database before this chunk is written: this chunk writes none of them (when it would, the next
    chunk is planned again after it), so the answer is the one a query after the write would give. The helper
    thread runs only the pure part (``_plan_admission`` against what was loaded); anything else
    (``_NeedsQuery``, an unexpected error) and the chunk is planned again in the caller's thread. ``admit`` uses
    the plan made ahead only for the very rows it was made for (compared field by field)."""

    def __init__(self, *, actor):
        from dangvu.rules.engine import all_rules

        all_rules()  # loaded here, not in the helper thread
        self.actor = actor
        self.recorder = actor if getattr(actor, "is_authenticated", False) else None
        self.orgs: dict[int, Organisation] = {}
        self.is_active_org = _OrgIntervals(())
        self.context = _PlanContext()
        self.ahead: _Ahead | None = None

    def _load(self, rows: list[AdmitRow]):
        """The queries a plan needs (caller's thread): organisations and their lives, taken CCCD / card numbers."""
        missing = {row.organisation.pk for row in rows} - self.orgs.keys()
        if missing:
            self.orgs.update(Organisation.objects.in_bulk(missing))
            self.is_active_org.load(missing)
        cids = _keys(rows, "citizen_id")
        cards = _keys(rows, "card_number")
        return cids, cards, _taken("citizen_id", cids), _taken("card_number", cards)

    def _plan(self, rows: list[AdmitRow], taken_cids: set[str], taken_cards: set[str], *, in_thread: bool = False,
              today: date | None = None, now=None):
        today = today or timezone.localdate()
        now = now or timezone.now()
        errors: list[tuple[Any, RuleViolation]] = []
        planned = []
        for index, row in enumerate(rows):
            try:
                planned.append(_plan_admission(row, actor=self.recorder, now=now, today=today, orgs=self.orgs,
                                               is_active_org=self.is_active_org, taken_cids=taken_cids,
                                               taken_cards=taken_cards, context=self.context,
                                               in_thread=in_thread))
            except RuleViolation as exc:
                errors.append((row.key if row.key is not None else index + 1, exc))
        return planned, errors

    def _planned(self, rows: list[AdmitRow]):
        ahead, self.ahead = self.ahead, None
        if ahead is not None:
            outcome = ahead.result()
            if outcome is not None and ahead.rows == rows:
                return outcome
        _cids, _cards, taken_cids, taken_cards = self._load(rows)
        return self._plan(rows, taken_cids, taken_cards)

    def _plan_ahead(self, rows: list[AdmitRow], upcoming: list[AdmitRow]):
        """Load what the next chunk's plan needs (queries, now) and return the function that starts planning it (in
        the helper thread, once this chunk's rows are built: from then on this thread mostly waits for the
        database), or None when it must be planned after this chunk's writes."""
        cids, cards, taken_cids, taken_cards = self._load(upcoming)
        if cids & _keys(rows, "citizen_id") or cards & _keys(rows, "card_number"):
            return None  # the answer depends on this chunk's writes: planned after them
        today, now = timezone.localdate(), timezone.now()  # read here: the time zone is per thread

        def start() -> None:
            if self.ahead is None:
                self.ahead = _Ahead(upcoming, lambda: self._plan(upcoming, taken_cids, taken_cards, in_thread=True,
                                                                 today=today, now=now))

        return start

    def admit(self, rows: list[AdmitRow], *, upcoming: list[AdmitRow] | None = None) -> list[Member]:
        if not rows:
            return []
        with transaction.atomic():
            planned, errors = self._planned(rows)
            start = self._plan_ahead(rows, upcoming) if upcoming else None
            if errors:
                if start is not None:
                    start()
                raise MemberRowsRefused(errors)
            return _write_admissions(self.actor, rows, planned, built=start)


def _keys(rows: list[AdmitRow], name: str) -> set[str]:
    """The CCCD (or card) numbers of ``rows`` as ``_plan_admission`` will check them."""
    return {clean(r.profile[name]).strip() for r in rows if isinstance(r.profile.get(name), str) and r.profile.get(name)}


def _write_admissions(actor, rows: list[AdmitRow], planned: list, built=None) -> list[Member]:
    """The writes of ``member_admit_many`` for rows planned without a refusal. ``built`` (optional) is called once
    every row to write is built, before waiting for the writes."""
    members = [plan[0] for plan in planned]
    concurrent = connection.vendor == "postgresql"
    if concurrent:
        reserve_ids(Member, members)  # written below, with the events, values and spells
    else:
        bulk_insert(Member, members)
    make_spell = instance_factory(MembershipSpell)
    events, values, spells = [], [], []
    for member, member_events, member_values, result in planned:
        member_id = member.pk
        for item in (*member_events, *member_values):
            item.member_id = member_id
            item._state.fields_cache["member"] = member
        events.extend(member_events)
        values.extend(member_values)
        spells.extend(
            make_spell({"member_id": member_id, "status": spell.state.status,
                        "organisation_id": spell.state.organisation_id,
                        "temporary_organisation_id": spell.state.temporary_organisation_id,
                        "is_exempted": spell.state.is_exempted, "is_suspended": spell.state.is_suspended,
                        "valid_from": spell.valid_from, "valid_to": spell.valid_to}, {"member": member})
            for spell in result.spells())
        admission, *later = member_events
        member.created_events = member_events
        member.created_values = member_values
        member.created_records = [admission, *member_values, *later]
    records = [(LedgerEvent, events), (MemberValue, values), (MembershipSpell, spells)]
    if concurrent:
        # PostgreSQL: the members, events, values and spells are written (COPY, their keys checked) in a worker
        # thread on this connection while the audit rows are built here (``copy_meanwhile``).
        for model, objs in records:
            reserve_ids(model, objs)
        records = [(Member, members), *records]

        def meanwhile():
            wait = copy_meanwhile(records)
            if built is None:
                return wait

            def then():
                built()
                wait()

            return then
    else:
        for model, objs in records:
            bulk_insert(model, objs)
        meanwhile = None
        if built is not None:
            built()

    def audits():
        # The snapshots of the per-row services, their dates already as the audit's JSON writes them (``str``).
        for (member, member_events, member_values, _result), row in zip(planned, rows, strict=True):
            profile = _mask(_profile_snapshot(member))
            born = profile["date_of_birth"]
            if isinstance(born, date):
                profile["date_of_birth"] = str(born)
            yield {
                "actor": actor, "action": AuditAction.CREATE, "event_type": "bulk_admission", "target": member,
                "organisation": row.organisation, "reason": clean(row.reason),
                "new": {**profile,
                        "events": [_event_snapshot_text(event) for event in member_events],
                        "values": [{"attribute": item.attribute, "value": item.value,
                                    "valid_from": str(item.valid_from) if isinstance(item.valid_from, date)
                                    else item.valid_from}
                                   for item in member_values]},
            }

    audit_record_many(audits(), meanwhile=meanwhile)
    return members


def _bulk_check_dates(day: date, decision: Decision, today: date, ceremony_date: date | None = None) -> None:
    """``_check_dates`` with today's date read once per batch."""
    require("LIFE-06", on=day, ok=day <= today and (decision.date is None or decision.date <= today)
            and (ceremony_date is None or ceremony_date <= today))


class _PlanContext:
    """What ``_plan_admission`` computes once per call of ``member_admit_many`` instead of once per row: the
    model constructors and the ledger checks already made. The rules themselves are unchanged: a row's ledger
    (admission, then recognition) is replayed under the rules of its dates once for each distinct
    (organisation, admission date, ceremony date, date of birth, official date), and each row gets that
    result, or that refusal, as its own."""

    def __init__(self):
        self.make_member = instance_factory(Member)
        self.make_event = instance_factory(LedgerEvent)
        self.make_value = instance_factory(MemberValue)
        self.ledgers: dict[tuple, Any] = {}
        self.profile_fields = frozenset(PROFILE_FIELDS)
        self.ledger_fields = frozenset(LEDGER_FIELDS)

    def validate_ledger(self, key, member, events, is_active_org, orgs, today):
        if key is None:
            return _bulk_validate_ledger(member, events, is_active_org, orgs, today)
        known = self.ledgers.get(key)
        if known is None:
            try:
                known = self.ledgers[key] = _bulk_validate_ledger(member, events, is_active_org, orgs, today)
            except RuleViolation as exc:
                if type(exc) is not RuleViolation:
                    raise
                self.ledgers[key] = exc
                raise
        if isinstance(known, RuleViolation):
            raise RuleViolation(known.rule, known.detail)
        return known


_VALUE_ATTRIBUTES = {attribute.value: attribute for attribute in ValueAttribute}  # = ValueAttribute(name)


def _plan_admission(row: AdmitRow, *, actor, now, today, orgs, is_active_org, taken_cids, taken_cards,
                    context: _PlanContext | None = None, in_thread: bool = False):
    """The checks of ``member_admit`` + ``member_set_value`` + recognition, in their order, without queries.
    Returns (member with its current columns, events, values, replay); raises the first RuleViolation."""
    context = context or _PlanContext()
    admitted_on = row.admitted_on
    organisation = row.organisation
    # _new_member
    profile = row.profile
    if not context.profile_fields.issuperset(profile) and (profile.keys() & context.ledger_fields):
        refuse("LIFE-05", on=admitted_on)
    member = context.make_member({k: (clean(v) if isinstance(v, str) else v) for k, v in profile.items()
                                  if k in context.profile_fields})
    require("NAME-01", on=admitted_on,
            ok=bool(member.full_name) and member.date_of_birth is not None and bool(member.gender))
    member.search_name = search_key(member.full_name)
    member.sort_key = person_sort_key(member.full_name)
    # _validate_identity, against the database (one query for all rows) and the rows before this one
    if member.citizen_id:
        member.citizen_id = member.citizen_id.strip()
        require("ID-01", on=admitted_on, ok=bool(_DIGITS.match(member.citizen_id)) and len(member.citizen_id) == 12)
        require("ID-01", on=admitted_on, ok=member.citizen_id not in taken_cids)
    else:
        member.citizen_id = None
    if member.card_number:
        member.card_number = member.card_number.strip()
        require("ID-02", on=admitted_on, ok=bool(_DIGITS.match(member.card_number)) and len(member.card_number) <= 12)
        require("ID-02", on=admitted_on, ok=member.card_number not in taken_cards)
    else:
        member.card_number = None
    # member_record_event(kind=ADMISSION)
    decision = Decision(row.decision.number, row.decision.date or admitted_on, row.decision.body)
    _bulk_check_dates(admitted_on, decision, today, row.ceremony_date)
    require("ORG-17", on=admitted_on, ok=organisation.org_type in MEMBER_HOLDING_TYPES)
    recorder = {"recorded_by": actor} if actor is not None else None
    admission = context.make_event({
        "kind": EventKind.ADMISSION, "effective_date": admitted_on, "decision_number": clean(decision.number),
        "decision_date": decision.date, "deciding_body": clean(decision.body), "organisation_id": organisation.pk,
        "from_organisation_id": None, "external_place": "", "other_province": False,
        "ceremony_date": row.ceremony_date, "details": row.details or {}, "org_event_id": None, "recorded_at": now,
        "recorded_by_id": actor.pk if actor is not None else None,
    }, {"organisation": organisation, **(recorder or {})})
    events = [admission]
    # The replay reads only these of an admission and a recognition (details are read by other kinds only).
    key = None if row.details else (organisation.pk, admitted_on, row.ceremony_date, member.date_of_birth)
    result = context.validate_ledger(key, member, events, is_active_org, orgs, today)
    # member_set_value, from the admission date
    values = []
    for attribute, value in row.values.items():
        attribute = _VALUE_ATTRIBUTES.get(attribute) or ValueAttribute(attribute)
        stored = ("1" if value else "0") if attribute in BOOLEAN_ATTRIBUTES else str(value)
        require("LIFE-06", on=admitted_on, ok=admitted_on <= today)
        values.append(context.make_value({
            "attribute": attribute, "value": stored, "valid_from": admitted_on, "recorded_at": now,
            "recorded_by_id": actor.pk if actor is not None else None}, recorder))
        setattr(member, attribute.value, (stored == "1") if attribute in BOOLEAN_ATTRIBUTES else stored)
    # member_record_event(kind=RECOGNITION)
    if row.official_on is not None:
        official = row.official_decision or Decision("", row.official_on, "")
        _bulk_check_dates(row.official_on, official, today)
        recognition = context.make_event({
            "kind": EventKind.RECOGNITION, "effective_date": row.official_on,
            "decision_number": clean(official.number), "decision_date": official.date,
            "deciding_body": clean(official.body), "organisation_id": None, "from_organisation_id": None,
            "external_place": "", "other_province": False, "ceremony_date": None, "details": {},
            "org_event_id": None, "recorded_at": now, "recorded_by_id": actor.pk if actor is not None else None,
        }, recorder)
        events.append(recognition)
        result = context.validate_ledger(key and (*key, row.official_on), member, events, is_active_org, orgs,
                                         today)
    # member_rebuild_state: the current columns
    final = result.final
    member.status = final.status
    member.organisation_id = final.organisation_id
    if final.organisation_id in orgs:
        member.org_path = orgs[final.organisation_id].path
    elif in_thread and final.organisation_id:
        raise _NeedsQuery
    else:
        member.org_path = (Organisation.objects.values_list("path", flat=True).get(pk=final.organisation_id)
                           if final.organisation_id else "")
    member.temporary_organisation_id = final.temporary_organisation_id
    member.admitted_on = final.first_admitted_on
    member.official_on = final.official_on
    member.is_exempted = final.is_exempted
    member.is_suspended = final.is_suspended
    if member.citizen_id:
        taken_cids.add(member.citizen_id)
    if member.card_number:
        taken_cards.add(member.card_number)
    return member, events, values, result

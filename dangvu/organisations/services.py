"""Writes to the organisation tree. Each service validates its rules, records the dated event, rebuilds
the derived state of the affected subtree and writes the audit row, all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.common.text import clean
from dangvu.organisations.models import (
    ALLOWED_PARENTS,
    Body,
    BodyKind,
    HostUnit,
    Organisation,
    OrganisationEvent,
    OrganisationSpell,
    OrgEventKind,
    OrgType,
    Post,
    PostKind,
    Term,
)
from dangvu.rules.engine import refuse, require


@dataclass(frozen=True)
class Decision:
    """The decision behind an event: number, date and the body that took it."""

    number: str = ""
    date: date | None = None
    body: str = ""


def _pad(pk: int) -> str:
    return f"{pk:07d}."


# Derived state ---------------------------------------------------------------------------------

@dataclass
class _Period:
    valid_from: date
    valid_to: date | None
    parent_id: int | None
    name: str
    org_type: str


def _timeline(events: list[OrganisationEvent]) -> list[_Period]:
    """Periods of unchanged (parent, name, type) from an organisation's non-voided events."""
    periods: list[_Period] = []
    current: _Period | None = None
    for event in sorted(events, key=lambda e: (e.effective_date, e.id or 0)):
        day = event.effective_date
        if event.kind == OrgEventKind.FOUNDING:
            current = _Period(day, None, event.new_parent_id, event.new_name, event.new_type)
            periods = [current]
            continue
        if event.kind == OrgEventKind.RESTORATION:
            # An annulled dissolution: the organisation lives again from this day, in its last state.
            if current is None and periods:
                current = _Period(day, None, event.new_parent_id, event.new_name, event.new_type)
                periods.append(current)
            continue
        if current is None:
            continue
        if event.kind in (OrgEventKind.MERGER, OrgEventKind.DISSOLUTION):
            current.valid_to = day
            current = None
            continue
        if event.kind == OrgEventKind.SPLIT and event.ends_original:
            current.valid_to = day
            current = None
            continue
        changed = _Period(
            day, None,
            event.new_parent_id if event.kind == OrgEventKind.MOVE else current.parent_id,
            event.new_name if event.kind == OrgEventKind.RENAMING else current.name,
            event.new_type if event.kind == OrgEventKind.TYPE_CHANGE else current.org_type,
        )
        if current.valid_from == day:
            periods[-1] = changed
        else:
            current.valid_to = day
            periods.append(changed)
        current = changed
    return [p for p in periods if p.valid_to is None or p.valid_to > p.valid_from]


def _rebuild_subtree(root: Organisation) -> None:
    """Recompute spells and current columns for ``root`` and every organisation below it."""
    subtree = list(Organisation.objects.filter(path__startswith=root.path).order_by("depth", "id")) if root.path else [root]
    # Refresh the caller's own object, not a copy of it: services return it and audit its new state.
    subtree = [root if org.pk == root.pk else org for org in subtree]
    if root not in subtree:
        subtree.insert(0, root)
    ids = {org.pk for org in subtree}
    events_by_org: dict[int, list[OrganisationEvent]] = {pk: [] for pk in ids}
    for event in OrganisationEvent.objects.filter(organisation_id__in=ids, voided_at__isnull=True):
        events_by_org[event.organisation_id].append(event)

    spells_by_org: dict[int, list[OrganisationSpell]] = {}

    def parent_spells(parent_id: int) -> list[OrganisationSpell]:
        if parent_id not in spells_by_org:
            spells_by_org[parent_id] = list(OrganisationSpell.objects.filter(organisation_id=parent_id))
        return spells_by_org[parent_id]

    # Children may be processed before a moved-in parent only if depth ordering is stale; process
    # repeatedly in current depth order, which follows the new parent links after a move.
    pending = sorted(subtree, key=lambda o: (o.depth, o.pk))
    OrganisationSpell.objects.filter(organisation_id__in=ids).delete()
    done: set[int] = set()
    while pending:
        progressed = False
        for org in list(pending):
            timeline = _timeline(events_by_org[org.pk])
            parents = {p.parent_id for p in timeline if p.parent_id in ids} - done
            if parents:
                continue
            new_spells: list[OrganisationSpell] = []
            for period in timeline:
                if period.parent_id is None:
                    new_spells.append(OrganisationSpell(
                        organisation=org, valid_from=period.valid_from, valid_to=period.valid_to,
                        parent_id=None, name=period.name, org_type=period.org_type, path=_pad(org.pk)))
                    continue
                for ps in parent_spells(period.parent_id):
                    start = max(period.valid_from, ps.valid_from)
                    ends = [d for d in (period.valid_to, ps.valid_to) if d is not None]
                    stop = min(ends) if ends else None
                    if stop is not None and stop <= start:
                        continue
                    new_spells.append(OrganisationSpell(
                        organisation=org, valid_from=start, valid_to=stop, parent_id=period.parent_id,
                        name=period.name, org_type=period.org_type, path=ps.path + _pad(org.pk)))
            OrganisationSpell.objects.bulk_create(new_spells)
            spells_by_org[org.pk] = new_spells
            _refresh_current(org, timeline, new_spells)
            done.add(org.pk)
            pending.remove(org)
            progressed = True
        if not progressed:  # pragma: no cover - guarded by ORG-11 (no cycles)
            raise RuntimeError("organisation tree has a cycle")


def _refresh_current(org: Organisation, timeline: list[_Period], spells: list[OrganisationSpell]) -> None:
    from dangvu.members.models import Member

    last = timeline[-1] if timeline else None
    latest_spell = max(spells, key=lambda s: s.valid_from) if spells else None
    old_path = org.path
    org.parent_id = last.parent_id if last else org.parent_id
    org.name = last.name if last else org.name
    org.org_type = last.org_type if last else org.org_type
    org.ended_on = last.valid_to if last else org.ended_on
    org.path = latest_spell.path if latest_spell else (old_path or _pad(org.pk))
    org.depth = org.path.count(".") - 1
    org.save(update_fields=["parent", "name", "org_type", "ended_on", "path", "depth"])
    if old_path and old_path != org.path:
        Member.objects.filter(organisation=org).update(org_path=org.path)


def org_is_active(org_id: int, day: date) -> bool:
    return OrganisationSpell.objects.filter(
        organisation_id=org_id, valid_from__lte=day
    ).exclude(valid_to__lte=day).exists()


def _type_on(org: Organisation | None, day: date) -> str | None:
    if org is None:
        return None
    spell = OrganisationSpell.objects.filter(organisation=org, valid_from__lte=day).exclude(valid_to__lte=day).first()
    if spell is None:
        refuse("ORG-10", on=day, detail=f"Tổ chức cấp trên: {org.name}.")
    return spell.org_type


def _spell_on(org: Organisation, day: date) -> OrganisationSpell | None:
    return OrganisationSpell.objects.filter(organisation=org, valid_from__lte=day).exclude(valid_to__lte=day).first()


def _check_children(org_type: str, organisation: Organisation, day: date) -> None:
    """ORG-12 seen from below: every organisation under ``organisation`` on or after ``day`` must still
    be allowed under the new type."""
    child_types = set(OrganisationSpell.objects.filter(parent=organisation).exclude(valid_to__lte=day)
                      .values_list("org_type", flat=True))
    wrong = sorted(t for t in child_types if org_type not in ALLOWED_PARENTS[OrgType(t)])
    require("ORG-12", on=day, ok=not wrong,
            detail=f"{', '.join(OrgType(t).label for t in wrong)} không thể trực thuộc {OrgType(org_type).label}.")


def _check_parent(org_type: str, parent: Organisation | None, day: date) -> None:
    parent_type = _type_on(parent, day)
    require("ORG-12", on=day, ok=parent_type in ALLOWED_PARENTS[OrgType(org_type)],
            detail=f"{OrgType(org_type).label} không thể trực thuộc "
                   f"{OrgType(parent_type).label if parent_type else 'cấp cao nhất'}.")


def _event(org, kind, day, decision: Decision, actor, **fields) -> OrganisationEvent:
    require("LIFE-06", on=day, ok=day <= timezone.localdate() and (decision.date is None or decision.date <= timezone.localdate()))
    return OrganisationEvent.objects.create(
        organisation=org, kind=kind, effective_date=day, decision_number=clean(decision.number),
        decision_date=decision.date, deciding_body=clean(decision.body), recorded_at=timezone.now(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)


def _snapshot(org: Organisation) -> dict:
    return {"code": org.code, "name": org.name, "type": org.org_type, "parent": org.parent_id,
            "path": org.path, "ended_on": org.ended_on}


# Services --------------------------------------------------------------------------------------

@transaction.atomic
def host_unit_create(*, actor, name: str, unit_type: str, zone_kind: str = "none", zone_name: str = "",
                     address: str = "", workers: int | None = None) -> HostUnit:
    unit = HostUnit.objects.create(name=clean(name), unit_type=unit_type, zone_kind=zone_kind,
                                   zone_name=clean(zone_name), address=clean(address), workers=workers)
    audit_record(actor=actor, action=AuditAction.CREATE, target=unit, new={"name": unit.name, "type": unit_type})
    return unit


@transaction.atomic
def organisation_found(*, actor, code: str, name: str, org_type: str, parent: Organisation | None,
                       founded_on: date, decision: Decision, host_unit: HostUnit | None = None) -> Organisation:
    _check_parent(org_type, parent, founded_on)
    code = clean(code).upper()
    if Organisation.objects.filter(code=code).exists():
        refuse("ORG-14", on=founded_on, detail=f"Mã {code} đã được dùng.")
    org = Organisation.objects.create(code=code, name=clean(name), org_type=org_type, parent=parent,
                                      host_unit=host_unit, founded_on=founded_on, path="", depth=0)
    _event(org, OrgEventKind.FOUNDING, founded_on, decision, actor, new_name=org.name, new_parent=parent,
           new_type=org_type)
    _rebuild_subtree(org)
    audit_record(actor=actor, action=AuditAction.ORG_EVENT, event_type=OrgEventKind.FOUNDING, target=org,
                 organisation=org, new=_snapshot(org), reason=decision.number)
    return org


@transaction.atomic
def organisation_rename(*, actor, organisation: Organisation, new_name: str, effective_date: date,
                        decision: Decision) -> Organisation:
    _require_open(organisation, effective_date)
    old = _snapshot(organisation)
    _event(organisation, OrgEventKind.RENAMING, effective_date, decision, actor, new_name=clean(new_name))
    _rebuild_subtree(organisation)
    audit_record(actor=actor, action=AuditAction.ORG_EVENT, event_type=OrgEventKind.RENAMING, target=organisation,
                 organisation=organisation, old=old, new=_snapshot(organisation), reason=decision.number)
    return organisation


@transaction.atomic
def organisation_move(*, actor, organisation: Organisation, new_parent: Organisation, effective_date: date,
                      decision: Decision) -> Organisation:
    _require_open(organisation, effective_date)
    require("ORG-11", on=effective_date,
            ok=new_parent.pk != organisation.pk and not new_parent.path.startswith(organisation.path))
    spell = _spell_on(organisation, effective_date)
    _check_parent(spell.org_type if spell else organisation.org_type, new_parent, effective_date)
    old = _snapshot(organisation)
    _event(organisation, OrgEventKind.MOVE, effective_date, decision, actor, new_parent=new_parent)
    _rebuild_subtree(organisation)
    audit_record(actor=actor, action=AuditAction.ORG_EVENT, event_type=OrgEventKind.MOVE, target=organisation,
                 organisation=organisation, old=old, new=_snapshot(organisation), reason=decision.number)
    return organisation


@transaction.atomic
def organisation_change_type(*, actor, organisation: Organisation, new_type: str, effective_date: date,
                             decision: Decision) -> Organisation:
    _require_open(organisation, effective_date)
    spell = _spell_on(organisation, effective_date)
    _check_parent(new_type, spell.parent if spell else organisation.parent, effective_date)
    _check_children(new_type, organisation, effective_date)
    old = _snapshot(organisation)
    _event(organisation, OrgEventKind.TYPE_CHANGE, effective_date, decision, actor, new_type=new_type)
    _rebuild_subtree(organisation)
    audit_record(actor=actor, action=AuditAction.ORG_EVENT, event_type=OrgEventKind.TYPE_CHANGE,
                 target=organisation, organisation=organisation, old=old, new=_snapshot(organisation),
                 reason=decision.number)
    return organisation


def _require_open(organisation: Organisation, day: date) -> None:
    require("ORG-10", on=day, ok=org_is_active(organisation.pk, day))


def _require_no_open_children(organisation: Organisation, day: date) -> None:
    """No organisation may be under ``organisation`` on ``day`` or later: one that is dissolved only
    after ``day`` (or founded under it later) would otherwise hang under a closed parent."""
    open_children = (OrganisationSpell.objects.filter(parent=organisation).exclude(valid_to__lte=day)
                     .values("organisation_id").distinct().count())
    require("ORG-13", on=day, ok=open_children == 0, detail=f"Còn {open_children} tổ chức trực thuộc.")


def _members_on(organisation: Organisation, day: date):
    """Members on the roll of ``organisation`` on ``day`` (not today: the decision may be backdated)."""
    from dangvu.members.models import ACTIVE_STATUSES, Member, MembershipSpell

    on_roll = (MembershipSpell.objects.filter(organisation=organisation, status__in=ACTIVE_STATUSES,
                                              valid_from__lte=day)
               .exclude(valid_to__lte=day).values("member_id"))
    return Member.objects.filter(pk__in=on_roll)


def _require_no_later_member_events(organisation: Organisation, day: date) -> None:
    """An organisation that ends on ``day`` cannot receive members from that day on (ORG-10)."""
    from dangvu.members.models import LedgerEvent

    later = LedgerEvent.objects.filter(organisation=organisation, effective_date__gte=day, voided_at__isnull=True)
    count = later.values("member_id").distinct().count()
    require("ORG-10", on=day, ok=count == 0,
            detail=f"{count} đảng viên có sự kiện tại {organisation.name} từ ngày {day:%d/%m/%Y} trở đi; "
                   "hãy hủy hoặc sửa các sự kiện đó trước.")


def _move_members(*, actor, organisation: Organisation, to: Organisation, day: date, decision: Decision,
                  org_event: OrganisationEvent, members=None) -> int:
    from dangvu.members.models import EventKind
    from dangvu.members.services import member_record_event

    queryset = members if members is not None else _members_on(organisation, day)
    moved = 0
    for member in queryset.order_by("pk"):
        member_record_event(actor=actor, member=member, kind=EventKind.ORG_TRANSFER, effective_date=day,
                            decision=decision, organisation=to, org_event=org_event)
        moved += 1
    return moved


@transaction.atomic
def organisation_merge(*, actor, organisation: Organisation, into: Organisation, effective_date: date,
                       decision: Decision) -> int:
    """Merge ``organisation`` into ``into``: its members move there by the same decision."""
    _require_open(organisation, effective_date)
    _require_open(into, effective_date)
    require("ORG-11", on=effective_date, ok=into.pk != organisation.pk and not into.path.startswith(organisation.path))
    _require_no_open_children(organisation, effective_date)
    _require_no_later_member_events(organisation, effective_date)
    old = _snapshot(organisation)
    event = _event(organisation, OrgEventKind.MERGER, effective_date, decision, actor, related=into)
    moved = _move_members(actor=actor, organisation=organisation, to=into, day=effective_date,
                          decision=decision, org_event=event)
    organisation.successor = into
    organisation.save(update_fields=["successor"])
    _rebuild_subtree(organisation)
    audit_record(actor=actor, action=AuditAction.ORG_EVENT, event_type=OrgEventKind.MERGER, target=organisation,
                 organisation=organisation, old=old, new={**_snapshot(organisation), "into": into.code,
                                                          "members_moved": moved}, reason=decision.number)
    return moved


@transaction.atomic
def organisation_dissolve(*, actor, organisation: Organisation, effective_date: date, decision: Decision,
                          members_to: Organisation | None) -> int:
    """Dissolve; remaining members move to ``members_to``, which is required when any remain."""
    _require_open(organisation, effective_date)
    _require_no_open_children(organisation, effective_date)
    remaining = _members_on(organisation, effective_date).count()
    require("ORG-15", on=effective_date, ok=remaining == 0 or members_to is not None,
            detail=f"Còn {remaining} đảng viên.")
    _require_no_later_member_events(organisation, effective_date)
    old = _snapshot(organisation)
    event = _event(organisation, OrgEventKind.DISSOLUTION, effective_date, decision, actor, related=members_to)
    moved = 0
    if remaining and members_to is not None:
        _require_open(members_to, effective_date)
        moved = _move_members(actor=actor, organisation=organisation, to=members_to, day=effective_date,
                              decision=decision, org_event=event)
    _rebuild_subtree(organisation)
    audit_record(actor=actor, action=AuditAction.ORG_EVENT, event_type=OrgEventKind.DISSOLUTION,
                 target=organisation, organisation=organisation, old=old,
                 new={**_snapshot(organisation), "members_moved": moved}, reason=decision.number)
    return moved


@transaction.atomic
def organisation_split(*, actor, organisation: Organisation, effective_date: date, decision: Decision,
                       new_units: list[dict], assignments: dict[int, str] | None = None,
                       end_original: bool = True) -> list[Organisation]:
    """Split into new organisations (``new_units``: code, name, org_type, host_unit) under the same parent.

    ``assignments`` maps member id → new organisation code; unassigned members go to the first new one
    when the original ends, or stay when it continues.
    """
    _require_open(organisation, effective_date)
    require("ORG-16", on=effective_date, ok=len(new_units) >= (2 if end_original else 1))
    if end_original:
        _require_no_open_children(organisation, effective_date)
        _require_no_later_member_events(organisation, effective_date)
    spell = _spell_on(organisation, effective_date)
    parent = spell.parent if spell else organisation.parent
    old = _snapshot(organisation)
    created = [
        organisation_found(actor=actor, code=unit["code"], name=unit["name"], org_type=unit["org_type"],
                           parent=parent, founded_on=effective_date, decision=decision,
                           host_unit=unit.get("host_unit"))
        for unit in new_units
    ]
    by_code = {org.code: org for org in created}
    event = _event(organisation, OrgEventKind.SPLIT, effective_date, decision, actor,
                   note="Tách thành: " + ", ".join(by_code), related=created[0], ends_original=end_original)
    assignments = assignments or {}
    members = _members_on(organisation, effective_date)
    for target in created:
        codes = [pk for pk, code in assignments.items() if clean(code).upper() == target.code]
        chosen = members.filter(pk__in=codes)
        if target is created[0] and end_original:
            chosen = members.exclude(pk__in=[pk for pk, code in assignments.items()
                                            if clean(code).upper() in by_code and clean(code).upper() != target.code])
        _move_members(actor=actor, organisation=organisation, to=target, day=effective_date, decision=decision,
                      org_event=event, members=chosen)
    _rebuild_subtree(organisation)
    audit_record(actor=actor, action=AuditAction.ORG_EVENT, event_type=OrgEventKind.SPLIT, target=organisation,
                 organisation=organisation, old=old,
                 new={**_snapshot(organisation), "into": list(by_code), "ended": end_original},
                 reason=decision.number)
    return created


@transaction.atomic
def organisation_set_host_unit(*, actor, organisation: Organisation, host_unit: HostUnit | None) -> Organisation:
    old = {"host_unit": organisation.host_unit_id}
    organisation.host_unit = host_unit
    organisation.save(update_fields=["host_unit"])
    audit_record(actor=actor, action=AuditAction.UPDATE, target=organisation, organisation=organisation,
                 old=old, new={"host_unit": host_unit.pk if host_unit else None})
    return organisation


# Terms, bodies and posts -----------------------------------------------------------------------

@transaction.atomic
def term_create(*, actor, organisation: Organisation, label: str, starts_on: date, ends_on: date | None) -> Term:
    term = Term.objects.create(organisation=organisation, label=clean(label), starts_on=starts_on, ends_on=ends_on)
    audit_record(actor=actor, action=AuditAction.CREATE, target=term, organisation=organisation,
                 new={"label": term.label, "starts_on": starts_on, "ends_on": ends_on})
    return term


_COMMITTEE_TYPES = {OrgType.SUPERIOR_COMMITTEE, OrgType.BASE_PARTY_COMMITTEE, OrgType.SUB_COMMITTEE}
_INSPECTION_TYPES = {OrgType.SUPERIOR_COMMITTEE, OrgType.BASE_PARTY_COMMITTEE}


@transaction.atomic
def body_create(*, actor, term: Term, kind: str) -> Body:
    organisation = term.organisation
    if kind == BodyKind.INSPECTION_COMMITTEE:
        require("COM-05", on=term.starts_on, ok=organisation.org_type in _INSPECTION_TYPES)
    if kind == BodyKind.STANDING_COMMITTEE:
        require("COM-04", on=term.starts_on, ok=organisation.org_type in _INSPECTION_TYPES)
    body = Body.objects.create(organisation=organisation, term=term, kind=kind)
    audit_record(actor=actor, action=AuditAction.CREATE, target=body, organisation=organisation, new={"kind": kind})
    return body


@transaction.atomic
def post_assign(*, actor, body: Body, member, kind: str, starts_on: date, ends_on: date | None = None,
                appointment: str = "congress") -> Post:
    from dangvu.members.selectors import member_state_on

    state = member_state_on(member, starts_on)
    require("POST-01", on=starts_on, ok=state.is_member and state.status == "official",
            detail=f"{member.full_name} không phải đảng viên chính thức vào ngày {starts_on:%d/%m/%Y}.")
    inspection_posts = {PostKind.INSPECTION_CHAIR, PostKind.INSPECTION_VICE_CHAIR, PostKind.INSPECTION_MEMBER}
    require("COM-05", on=starts_on, ok=(kind in inspection_posts) == (body.kind == BodyKind.INSPECTION_COMMITTEE))
    post = Post.objects.create(body=body, member=member, kind=kind, starts_on=starts_on, ends_on=ends_on,
                               appointment=appointment)
    audit_record(actor=actor, action=AuditAction.CREATE, target=post, organisation=body.organisation,
                 new={"member": member.pk, "kind": kind, "starts_on": starts_on, "body": body.kind})
    return post


# Voiding a founding (rollback of an imported organisation) ----------------------------------------

# Relations that do not make an organisation "used": the log, and state derived from the events.
_FOUNDING_VOID_IGNORED = {"audit.auditentry", "organisations.organisationspell", "members.membershipspell"}


def organisation_founding_blockers(organisation: Organisation, *, voided_with: frozenset[int] = frozenset()
                                   ) -> list[str]:
    """What depends on ``organisation`` (Vietnamese, one line each); empty when its founding may be voided.
    ``voided_with``: organisations whose foundings are voided first in the same operation (a batch's own
    children), so they do not count as dependants."""
    from dangvu.members.models import LedgerEvent

    blockers: list[str] = []
    for relation in Organisation._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        model = relation.related_model
        if model._meta.label_lower in _FOUNDING_VOID_IGNORED:
            continue
        rows = model._default_manager.filter(**{relation.field.name: organisation})
        if model is OrganisationEvent:
            rows = rows.filter(voided_at__isnull=True)
            if relation.field.name == "organisation":
                rows = rows.exclude(kind=OrgEventKind.FOUNDING)
        elif model is LedgerEvent:
            rows = rows.filter(voided_at__isnull=True)
        if model is OrganisationEvent and relation.field.name != "organisation":
            rows = rows.exclude(organisation_id__in=voided_with)
        if model is Organisation:
            rows = rows.exclude(pk__in=voided_with).filter(  # a child whose own founding is void does not count
                events__kind=OrgEventKind.FOUNDING, events__voided_at__isnull=True).distinct()
            names = list(rows.values_list("code", flat=True)[:5])
            if names:
                blockers.append(("Có tổ chức trực thuộc: " if relation.field.name == "parent"
                                 else "Là tổ chức nhận sáp nhập của: ") + ", ".join(names) + ".")
            continue
        count = rows.count()
        if count:
            blockers.append(f"Có {count:,} {model._meta.verbose_name} gắn với tổ chức này".replace(",", ".")
                            + f" ({relation.field.verbose_name}).")
    return blockers


@transaction.atomic
def organisation_void_founding(*, actor, organisation: Organisation, reason: str) -> Organisation:
    """Void the founding of an organisation recorded by mistake (e.g. rollback of an import batch).

    Allowed only while nothing depends on it (ORG-18); the organisation row stays (its code remains
    taken), with no valid period and ``ended_on`` = its founding date, so it appears in no tree."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    reason = clean(reason)
    if not reason:
        raise ValueError("a reason is required to void a founding")
    founding = (OrganisationEvent.objects.filter(organisation=organisation, kind=OrgEventKind.FOUNDING,
                                                 voided_at__isnull=True).first())
    today = timezone.localdate()
    require("ORG-18", on=today, ok=founding is not None, detail="Quyết định thành lập đã được hủy trước đó.")
    blockers = organisation_founding_blockers(organisation)
    require("ORG-18", on=today, ok=not blockers, detail=" ".join(blockers))
    old = _snapshot(organisation)
    founding.voided_at = timezone.now()
    founding.voided_by = actor if getattr(actor, "is_authenticated", False) else None
    founding.void_reason = reason[:500]
    founding.save(update_fields=["voided_at", "voided_by", "void_reason"])
    _rebuild_subtree(organisation)
    organisation.ended_on = organisation.founded_on
    organisation.save(update_fields=["ended_on"])
    audit_record(actor=actor, action=AuditAction.VOID, event_type=OrgEventKind.FOUNDING, target=organisation,
                 organisation=organisation, old=old, new=_snapshot(organisation), reason=reason)
    return organisation


@transaction.atomic
def organisation_restore(*, actor, organisation: Organisation, effective_date: date, decision: Decision) -> int:
    """Restore a dissolved organisation (its dissolution annulled or changed on appeal): a RESTORATION
    event re-opens it from ``effective_date`` in the state it had before the dissolution, and the members
    the dissolution moved out, still on the roll where they were sent, come back by ORG_TRANSFER ledger
    events dated ``effective_date``. History stays history: the dissolved period remains. Returns the
    number of members brought back."""
    from dangvu.members.models import EventKind, LedgerEvent
    from dangvu.members.selectors import member_state_on
    from dangvu.members.services import member_record_event

    events = list(OrganisationEvent.objects.filter(organisation=organisation, voided_at__isnull=True)
                  .order_by("effective_date", "id"))
    last = events[-1] if events else None
    dissolution = last if last is not None and last.kind == OrgEventKind.DISSOLUTION else None
    require("ORG-19", on=effective_date, ok=dissolution is not None,
            detail=f"{organisation.name} không ở tình trạng bị giải thể.")
    assert dissolution is not None
    require("ORG-19", on=effective_date, ok=effective_date >= dissolution.effective_date,
            detail=f"Giải thể ngày {dissolution.effective_date:%d/%m/%Y}.")
    before = _timeline(events)[-1]
    parent = Organisation.objects.filter(pk=before.parent_id).first()
    if parent is not None:
        _check_parent(before.org_type, parent, effective_date)
    old = _snapshot(organisation)
    event = _event(organisation, OrgEventKind.RESTORATION, effective_date, decision, actor, new_name=before.name,
                   new_parent=parent, new_type=before.org_type, related=dissolution.related)
    _rebuild_subtree(organisation)
    moved = 0
    moved_out = (LedgerEvent.objects.filter(org_event=dissolution, kind=EventKind.ORG_TRANSFER, voided_at__isnull=True)
                 .select_related("member").order_by("member_id", "id"))
    for ledger_event in moved_out:
        member = ledger_event.member
        state = member_state_on(member, effective_date)
        if not state.is_member or state.organisation_id != ledger_event.organisation_id:
            continue  # left, or moved on since: not the dissolution's to undo
        member_record_event(actor=actor, member=member, kind=EventKind.ORG_TRANSFER, effective_date=effective_date,
                            decision=decision, organisation=organisation, org_event=event)
        moved += 1
    audit_record(actor=actor, action=AuditAction.ORG_EVENT, event_type=OrgEventKind.RESTORATION, target=organisation,
                 organisation=organisation, old=old, new={**_snapshot(organisation), "members_returned": moved},
                 reason=decision.number)
    return moved

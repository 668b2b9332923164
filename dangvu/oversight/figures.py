"""The oversight, programme and discipline figures of REPORTS.md, for a root R, a period and an instant.

Inspection and supervision count one per subject per activity (lượt) by the activity's decision date
(``.distinct`` counts distinct subjects); discipline counts decisions by decision date, leaving out those
annulled on appeal as of the instant. Only records entered at or before ``as_of`` count. Every figure has
a drill-down: ``figure_records`` returns the rows behind it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from dangvu.organisations.models import BodyKind, Organisation, OrgType, Post
from dangvu.organisations.selectors import organisation_ids_in_subtree_on, spells_on
from dangvu.oversight.models import (
    INSPECTION_TYPES,
    SUPERVISION_TYPES,
    ActivitySubject,
    ActivityType,
    ActorKind,
    Conclusion,
    DisciplineCase,
    DisciplineForm,
    Programme,
    Suspension,
    SuspensionKind,
    ViolationContent,
)

ACTORS = ("standing_committee", "executive_committee", "inspection_committee", "base_committees",
          "base_inspection_committees", "cells")
ACTIVITIES: dict[str, set[str]] = {
    "inspection": set(INSPECTION_TYPES),
    "inspection_compliance": {ActivityType.COMPLIANCE},
    "inspection_violation_signs": {ActivityType.VIOLATION_SIGNS},
    "inspection_oversight_work": {ActivityType.OVERSIGHT_WORK},
    "inspection_discipline_enforcement": {ActivityType.DISCIPLINE_ENFORCEMENT},
    "inspection_finance": {ActivityType.FINANCE},
    "inspection_asset_declaration": {ActivityType.ASSET_DECLARATION},
    "supervision": set(SUPERVISION_TYPES),
    "supervision_regular": {ActivityType.SUPERVISION_REGULAR},
    "supervision_thematic": {ActivityType.SUPERVISION_THEMATIC},
}
STAGES = ("violated", "discipline_required", "disciplined")
BODIES = {"cell": "Chi bộ", "base_committee": "Đảng ủy cơ sở",
          "superior_committee": "Cấp ủy, Ban Thường vụ cấp trên", "inspection_committee": "Ủy ban Kiểm tra"}
BASE_TYPES = {OrgType.BASE_PARTY_COMMITTEE, OrgType.BASE_CELL}
LOWER_TYPES = {OrgType.SUBORDINATE_CELL, OrgType.SUB_COMMITTEE}


def figure_ids() -> list[str]:
    """Every figure ID this module computes (0 where nothing counts)."""
    ids: list[str] = []
    for actor in ACTORS:
        for activity in ACTIVITIES:
            for subject in ("orgs", "members"):
                base = f"oversight.{actor}.{activity}.{subject}"
                ids += [base, f"{base}.distinct"]
                if activity in ("inspection", "inspection_violation_signs"):
                    ids += [f"{base}.{stage}" for stage in STAGES]
                if subject == "members":
                    ids.append(f"{base}.committee_members")
    ids.append("programmes.base_orgs_with_programme")
    ids += ["discipline.members.total", "discipline.members.persons", "discipline.members.committee_members",
            "discipline.orgs.total", "discipline.members.suspended"]
    ids += [f"discipline.members.{form}" for form in ("reprimand", "warning", "dismissal", "expulsion")]
    ids += [f"discipline.orgs.{form}" for form in ("reprimand", "warning", "dissolution")]
    ids += [f"discipline.members.by_body.{body}" for body in BODIES]
    ids += [f"discipline.members.content.{code}" for code in ViolationContent.values]
    return ids


@dataclass
class Row:
    """One counted record: a subject of an activity, a discipline decision, a suspension or a programme."""

    key: str  # the distinct subject ("m12", "o3")
    label: str
    day: date
    description: str
    figures: set[str] = field(default_factory=set)
    record: object = None


class _Subtree:
    def __init__(self, root: Organisation):
        self.root = root
        self._ids: dict[date, set[int]] = {}
        self._types: dict[date, dict[int, str]] = {}

    def ids(self, day: date) -> set[int]:
        if day not in self._ids:
            self._ids[day] = set(organisation_ids_in_subtree_on(self.root, day))
        return self._ids[day]

    def type_of(self, org_id: int, day: date) -> str | None:
        if day not in self._types:
            self._types[day] = dict(spells_on(day).values_list("organisation_id", "org_type"))
        return self._types[day].get(org_id)


def _actor_key(subtree: _Subtree, org_id: int, actor: str, day: date) -> str | None:
    if org_id not in subtree.ids(day):
        return None
    if org_id == subtree.root.pk:
        return {ActorKind.STANDING_COMMITTEE: "standing_committee", ActorKind.EXECUTIVE_COMMITTEE: "executive_committee",
                ActorKind.INSPECTION_COMMITTEE: "inspection_committee"}.get(actor)
    org_type = subtree.type_of(org_id, day)
    if org_type in BASE_TYPES:
        if actor == ActorKind.INSPECTION_COMMITTEE:
            return "base_inspection_committees"
        if actor in (ActorKind.EXECUTIVE_COMMITTEE, ActorKind.STANDING_COMMITTEE, ActorKind.CELL):
            return "base_committees"
    if org_type in LOWER_TYPES and actor in (ActorKind.EXECUTIVE_COMMITTEE, ActorKind.CELL):
        return "cells"
    return None


def _known(field_name: str, as_of: datetime) -> Q:
    return Q(**{f"{field_name}__isnull": False, f"{field_name}__lte": as_of})


def _not_annulled(as_of: datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}annulled_recorded_at__isnull": True}) | Q(**{f"{prefix}annulled_recorded_at__gt": as_of})


def _committee_member_ids(member_ids: set[int], day: date) -> set[int]:
    return set(Post.objects.filter(member_id__in=member_ids, starts_on__lte=day,
                                   body__kind__in=[BodyKind.EXECUTIVE_COMMITTEE, BodyKind.STANDING_COMMITTEE])
               .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).values_list("member_id", flat=True))


def _oversight_rows(subtree: _Subtree, date_from: date, date_to: date, as_of: datetime) -> list[Row]:
    subjects = (ActivitySubject.objects
                .filter(activity__decision_date__gte=date_from, activity__decision_date__lte=date_to,
                        activity__recorded_at__lte=as_of, recorded_at__lte=as_of)
                .select_related("activity", "activity__organisation", "member", "organisation")
                .order_by("activity__decision_date", "id"))
    disciplined = set(DisciplineCase.objects.filter(_known("decided_recorded_at", as_of), _not_annulled(as_of),
                                                    activity_subject__in=subjects)
                      .values_list("activity_subject_id", flat=True))
    rows: list[Row] = []
    for subject in subjects:
        activity = subject.activity
        day = activity.decision_date
        actor = _actor_key(subtree, activity.organisation_id, activity.actor, day)
        if actor is None:
            continue
        kind = "members" if subject.member_id else "orgs"
        conclusion = (subject.conclusion if subject.concluded_recorded_at and subject.concluded_recorded_at <= as_of
                      else Conclusion.PENDING)
        stages = set()
        if conclusion in (Conclusion.VIOLATION, Conclusion.DISCIPLINE_REQUIRED):
            stages.add("violated")
        if conclusion == Conclusion.DISCIPLINE_REQUIRED:
            stages.add("discipline_required")
            if subject.pk in disciplined:
                stages.add("disciplined")
        committee = kind == "members" and bool(_committee_member_ids({subject.member_id}, day))
        figures: set[str] = set()
        for group, types in ACTIVITIES.items():
            if activity.activity_type not in types:
                continue
            base = f"oversight.{actor}.{group}.{kind}"
            figures.add(base)
            if group in ("inspection", "inspection_violation_signs"):
                figures |= {f"{base}.{stage}" for stage in stages}
            if committee:
                figures.add(f"{base}.committee_members")
        rows.append(Row(key=f"m{subject.member_id}" if subject.member_id else f"o{subject.organisation_id}",
                        label=str(subject), day=day, record=subject, figures=figures,
                        description=f"{activity.get_activity_type_display()} – {activity.decision_number} – "
                                    f"{ActorKind(activity.actor).label} {activity.organisation.name}"))
    return rows


def _form_as_of(case: DisciplineCase, as_of: datetime) -> str:
    later = case.appeals.filter(outcome="change", outcome_recorded_at__gt=as_of).order_by("outcome_recorded_at").first()
    return later.previous_form if later else case.decided_form


def _body_key(case: DisciplineCase, subtree: _Subtree) -> str:
    if case.deciding_actor == ActorKind.CELL:
        return "cell"
    if case.deciding_actor == ActorKind.INSPECTION_COMMITTEE:
        return "inspection_committee"
    org_type = subtree.type_of(case.deciding_organisation_id, case.decision_date) or case.deciding_organisation.org_type
    return "base_committee" if org_type in BASE_TYPES | LOWER_TYPES else "superior_committee"


def _discipline_rows(subtree: _Subtree, date_from: date, date_to: date, as_of: datetime) -> list[Row]:
    cases = (DisciplineCase.objects.filter(_known("decided_recorded_at", as_of), _not_annulled(as_of),
                                           decision_date__gte=date_from, decision_date__lte=date_to)
             .select_related("member", "organisation", "deciding_organisation").order_by("decision_date", "id"))
    rows: list[Row] = []
    for case in cases:
        day = case.decision_date
        before = day - timedelta(days=1)
        if case.member_id:
            if case.subject_organisation_id not in subtree.ids(day) | subtree.ids(before):
                continue
            form = _form_as_of(case, as_of)
            figures = {"discipline.members.total", f"discipline.members.{form}",
                       f"discipline.members.by_body.{_body_key(case, subtree)}",
                       f"discipline.members.content.{case.violation_content}"}
            if case.was_committee_member:
                figures.add("discipline.members.committee_members")
            key = f"m{case.member_id}"
        else:
            # A dissolved organisation has left the tree on the decision date: look the day before.
            if case.organisation_id not in subtree.ids(day) | subtree.ids(before):
                continue
            form = _form_as_of(case, as_of)
            figures = {"discipline.orgs.total", f"discipline.orgs.{form}"}
            key = f"o{case.organisation_id}"
        rows.append(Row(key=key, label=case.subject_name, day=day, record=case, figures=figures,
                        description=f"{DisciplineForm(form).label} – {case.decision_number}"))
    suspensions = (Suspension.objects.filter(kind=SuspensionKind.PARTY, starts_on__gte=date_from,
                                             starts_on__lte=date_to, recorded_at__lte=as_of)
                   .select_related("member").order_by("starts_on", "id"))
    for suspension in suspensions:
        if suspension.subject_organisation_id in subtree.ids(suspension.starts_on):
            rows.append(Row(key=f"m{suspension.member_id}", label=str(suspension.member), day=suspension.starts_on,
                            record=suspension, figures={"discipline.members.suspended"},
                            description=f"Đình chỉ sinh hoạt đảng – {suspension.decision_number}"))
    return rows


def _programme_rows(subtree: _Subtree, date_to: date, as_of: datetime) -> list[Row]:
    base_ids = {org_id for org_id in subtree.ids(date_to) if subtree.type_of(org_id, date_to) in BASE_TYPES}
    programmes = (Programme.objects.filter(year=date_to.year, organisation_id__in=base_ids, recorded_at__lte=as_of)
                  .select_related("organisation").order_by("organisation_id", "id"))
    rows, seen = [], set()
    for programme in programmes:
        if programme.organisation_id in seen:
            continue
        seen.add(programme.organisation_id)
        rows.append(Row(key=f"o{programme.organisation_id}", label=programme.organisation.name, day=date_to,
                        record=programme, figures={"programmes.base_orgs_with_programme"},
                        description=programme.title))
    return rows


def _rows(root: Organisation, date_from: date, date_to: date, as_of: datetime | None) -> list[Row]:
    as_of = as_of or timezone.now()
    subtree = _Subtree(root)
    return (_oversight_rows(subtree, date_from, date_to, as_of) + _discipline_rows(subtree, date_from, date_to, as_of)
            + _programme_rows(subtree, date_to, as_of))


def oversight_figures(root: Organisation, date_from: date, date_to: date,
                      as_of: datetime | None = None) -> dict[str, int]:
    """Figure ID → count for R's subtree, the period [date_from, date_to] and the instant ``as_of``."""
    figures = dict.fromkeys(figure_ids(), 0)
    distinct: dict[str, set[str]] = defaultdict(set)
    persons: set[str] = set()
    for row in _rows(root, date_from, date_to, as_of):
        for figure in row.figures:
            figures[figure] = figures.get(figure, 0) + 1
            if figure.startswith("oversight.") and figure.count(".") == 3:
                distinct[f"{figure}.distinct"].add(row.key)
        if "discipline.members.total" in row.figures:
            persons.add(row.key)
    for figure, keys in distinct.items():
        figures[figure] = len(keys)
    figures["discipline.members.persons"] = len(persons)
    return figures


def figure_records(root: Organisation, date_from: date, date_to: date, figure_id: str,
                   as_of: datetime | None = None) -> list[Row]:
    """The records behind one figure (for ``.distinct``, one row per distinct subject)."""
    if figure_id == "discipline.members.persons":
        figure_id, distinct = "discipline.members.total", True
    elif figure_id.endswith(".distinct"):
        figure_id, distinct = figure_id.removesuffix(".distinct"), True
    else:
        distinct = False
    rows = [row for row in _rows(root, date_from, date_to, as_of) if figure_id in row.figures]
    if distinct:
        seen: set[str] = set()
        rows = [row for row in rows if not (row.key in seen or seen.add(row.key))]
    return rows

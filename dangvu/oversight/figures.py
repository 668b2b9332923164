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

from dangvu.common.sql import as_day, day_param, fetch, instant_param, table
from dangvu.organisations.models import Body, BodyKind, Organisation, OrgType, Post
from dangvu.oversight.models import (
    INSPECTION_TYPES,
    SUPERVISION_TYPES,
    Activity,
    ActivitySubject,
    ActivityType,
    ActorKind,
    Appeal,
    AppealOutcome,
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
    """R's subtree by lineage (REPORTS.md scope convention), the tree as known at ``as_of``: an
    organisation counts on day d when it was inside R on d, or was later merged into an organisation
    inside R on the merger date (``reports.scope.LineageScope``)."""

    def __init__(self, root: Organisation, as_of: datetime, scope=None):
        from dangvu.reports.scope import LineageScope

        self.root = root
        self.scope = scope if scope is not None else LineageScope(root, as_of)

    def contains(self, org_id: int | None, day: date) -> bool:
        return self.scope.contains(org_id, day)

    def ids(self, day: date) -> set[int]:
        return self.scope.ids_on(day)

    def type_of(self, org_id: int, day: date) -> str | None:
        return self.scope.type_on(org_id, day)

    def is_root(self, org_id: int, day: date) -> bool:
        """R itself, or a predecessor merged into R: its committees' past is R's committees' past."""
        return self.scope.lineage_root(org_id, day)

    def q(self, *fields: str) -> Q:
        """A prefilter on organisation columns (any of ``fields`` among the candidates); exact test in Python."""
        result = Q()
        for name in fields:
            candidates = self.scope.candidate_q(name)
            if candidates is None:
                return Q()
            result |= candidates
        return result


def _actor_key(subtree: _Subtree, org_id: int, actor: str, day: date) -> str | None:
    if not subtree.contains(org_id, day):
        return None
    if subtree.is_root(org_id, day):
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


def _committee_terms(members) -> dict[int, list[tuple[date, date | None]]]:
    """member → the (starts_on, ends_on) of their executive or standing committee posts (one query);
    ``members``: a ``values("member_id")`` queryset."""
    terms: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for member_id, starts, ends in (Post.objects.filter(
            member_id__in=members, body__kind__in=[BodyKind.EXECUTIVE_COMMITTEE, BodyKind.STANDING_COMMITTEE])
            .values_list("member_id", "starts_on", "ends_on")):
        terms[member_id].append((starts, ends))
    return terms


def _subjects_counted(subtree: _Subtree, date_from: date, date_to: date, as_of: datetime) -> list[tuple]:
    """The rows of ``_oversight_rows`` for counting, in one hand-built statement: each subject with its
    conclusion as known at ``as_of``, whether a discipline decision known then and not annulled followed it,
    and whether the member held an executive or standing committee post on the activity's decision day."""
    candidates, params = subtree.scope.candidate_sql("a.organisation_id")
    stamp = instant_param(as_of)
    sql = (f"SELECT s.member_id, s.organisation_id, "
           f"CASE WHEN s.concluded_recorded_at IS NOT NULL AND s.concluded_recorded_at <= %s THEN s.conclusion "
           f"ELSE %s END, a.organisation_id, a.actor, a.activity_type, a.decision_date, "
           f"CASE WHEN EXISTS (SELECT 1 FROM {table(DisciplineCase)} c WHERE c.activity_subject_id = s.id "
           f"AND c.decided_recorded_at IS NOT NULL AND c.decided_recorded_at <= %s "
           f"AND (c.annulled_recorded_at IS NULL OR c.annulled_recorded_at > %s)) THEN 1 ELSE 0 END, "
           f"CASE WHEN s.member_id IS NOT NULL AND EXISTS (SELECT 1 FROM {table(Post)} p "
           f"JOIN {table(Body)} b ON b.id = p.body_id WHERE p.member_id = s.member_id AND b.kind IN (%s, %s) "
           f"AND p.starts_on <= a.decision_date AND (p.ends_on IS NULL OR p.ends_on >= a.decision_date)) "
           f"THEN 1 ELSE 0 END "
           f"FROM {table(ActivitySubject)} s JOIN {table(Activity)} a ON a.id = s.activity_id "
           f"WHERE {candidates} AND a.decision_date >= %s AND a.decision_date <= %s AND a.recorded_at <= %s "
           f"AND s.recorded_at <= %s")
    params = [stamp, Conclusion.PENDING, stamp, stamp, BodyKind.EXECUTIVE_COMMITTEE, BodyKind.STANDING_COMMITTEE,
              *params, day_param(date_from), day_param(date_to), stamp, stamp]
    return [(member_id, org_id, conclusion, actor_org, actor, activity_type, as_day(day), bool(disciplined),
             bool(committee), None)
            for member_id, org_id, conclusion, actor_org, actor, activity_type, day, disciplined, committee
            in fetch(sql, params)]


def _oversight_rows(subtree: _Subtree, date_from: date, date_to: date, as_of: datetime, *,
                    records: bool = True) -> list[Row]:
    """One row per subject of an activity counted for R. ``records=False`` (counting only): plain tuples from
    one hand-built statement, rows without label, description or record."""
    if records:
        subjects = (ActivitySubject.objects
                    .filter(subtree.q("activity__organisation_id"), activity__decision_date__gte=date_from,
                            activity__decision_date__lte=date_to, activity__recorded_at__lte=as_of,
                            recorded_at__lte=as_of))
        disciplined = set(DisciplineCase.objects.filter(_known("decided_recorded_at", as_of), _not_annulled(as_of),
                                                        activity_subject__in=subjects.values("id"))
                          .values_list("activity_subject_id", flat=True))
        terms = _committee_terms(subjects.filter(member__isnull=False).values("member_id"))
        found = []
        for s in (subjects.select_related("activity", "activity__organisation", "member", "organisation")
                  .order_by("activity__decision_date", "id")):
            day = s.activity.decision_date
            conclusion = s.conclusion if s.concluded_recorded_at and s.concluded_recorded_at <= as_of \
                else Conclusion.PENDING
            committee = bool(s.member_id) and any(starts <= day and (ends is None or ends >= day)
                                                  for starts, ends in terms.get(s.member_id, ()))
            found.append((s.member_id, s.organisation_id, conclusion, s.activity.organisation_id,
                          s.activity.actor, s.activity.activity_type, day, s.pk in disciplined, committee, s))
    else:
        found = _subjects_counted(subtree, date_from, date_to, as_of)
    rows: list[Row] = []
    for (member_id, organisation_id, conclusion, actor_org, actor_kind, activity_type, day, disciplined, committee,
         subject) in found:
        actor = _actor_key(subtree, actor_org, actor_kind, day)
        if actor is None:
            continue
        kind = "members" if member_id else "orgs"
        stages = set()
        if conclusion in (Conclusion.VIOLATION, Conclusion.DISCIPLINE_REQUIRED):
            stages.add("violated")
        if conclusion == Conclusion.DISCIPLINE_REQUIRED:
            stages.add("discipline_required")
            if disciplined:
                stages.add("disciplined")
        committee = committee and kind == "members"
        figures: set[str] = set()
        for group, types in ACTIVITIES.items():
            if activity_type not in types:
                continue
            base = f"oversight.{actor}.{group}.{kind}"
            figures.add(base)
            if group in ("inspection", "inspection_violation_signs"):
                figures |= {f"{base}.{stage}" for stage in stages}
            if committee:
                figures.add(f"{base}.committee_members")
        key = f"m{member_id}" if member_id else f"o{organisation_id}"
        if subject is None:
            rows.append(Row(key=key, label="", day=day, figures=figures, description=""))
            continue
        activity = subject.activity
        rows.append(Row(key=key, label=str(subject), day=day, record=subject, figures=figures,
                        description=f"{activity.get_activity_type_display()} – {activity.decision_number} – "
                                    f"{ActorKind(activity.actor).label} {activity.organisation.name}"))
    return rows


def _form_as_of(case: DisciplineCase, as_of: datetime, changes: dict[int, str] | None = None) -> str:
    """The form in force at ``as_of``: before the first change on appeal entered after it, the form it changed."""
    if changes is not None:
        return changes.get(case.pk, case.decided_form)
    later = case.appeals.filter(outcome="change", outcome_recorded_at__gt=as_of).order_by("outcome_recorded_at").first()
    return later.previous_form if later else case.decided_form


def _forms_changed_after(case_ids: list[int], as_of: datetime) -> dict[int, str]:
    """case → the form it had before the first change on appeal entered after ``as_of`` (one query)."""
    result: dict[int, str] = {}
    if case_ids:
        for case_id, previous in (Appeal.objects.filter(case_id__in=case_ids, outcome="change",
                                                        outcome_recorded_at__gt=as_of)
                                  .order_by("case_id", "outcome_recorded_at", "id")
                                  .values_list("case_id", "previous_form")):
            result.setdefault(case_id, previous)
    return result


def _body_key(subtree: _Subtree, deciding_actor: str, deciding_org_id: int | None, deciding_org_type: str | None,
              day: date) -> str:
    if deciding_actor == ActorKind.CELL:
        return "cell"
    if deciding_actor == ActorKind.INSPECTION_COMMITTEE:
        return "inspection_committee"
    org_type = subtree.type_of(deciding_org_id, day) or deciding_org_type
    return "base_committee" if org_type in BASE_TYPES | LOWER_TYPES else "superior_committee"


# A discipline decision as ``_case_figures`` reads it (from a model or straight from a hand-built statement).
CaseFacts = tuple  # (member_id, organisation_id, subject_organisation_id, decision_date, form in force,
#                     was_committee_member, deciding_actor, deciding_organisation_id, its org_type, violation_content)


def _case_figures(subtree: _Subtree, facts: CaseFacts) -> tuple[str, set[str]] | None:
    """(distinct key, figures) of one decision counted for R, ``None`` when it is outside R."""
    (member_id, organisation_id, subject_org_id, day, form, committee, deciding_actor, deciding_org_id,
     deciding_org_type, content) = facts
    before = day - timedelta(days=1)
    if member_id:
        if not (subtree.contains(subject_org_id, day) or subtree.contains(subject_org_id, before)):
            return None
        figures = {"discipline.members.total", f"discipline.members.{form}",
                   f"discipline.members.by_body.{_body_key(subtree, deciding_actor, deciding_org_id, deciding_org_type, day)}",
                   f"discipline.members.content.{content}"}
        if committee:
            figures.add("discipline.members.committee_members")
        return f"m{member_id}", figures
    # A dissolved organisation has left the tree on the decision date: look the day before.
    if not (subtree.contains(organisation_id, day) or subtree.contains(organisation_id, before)):
        return None
    return f"o{organisation_id}", {"discipline.orgs.total", f"discipline.orgs.{form}"}


def _discipline_counted(subtree: _Subtree, date_from: date, date_to: date, as_of: datetime) -> list[Row]:
    """``_discipline_rows`` for counting: two hand-built statements, rows without label, description or record."""
    stamp = instant_param(as_of)
    candidates, candidate_params = subtree.scope.candidate_sql("c.subject_organisation_id", "c.organisation_id")
    cases = fetch(
        f"SELECT c.member_id, c.organisation_id, c.subject_organisation_id, c.decision_date, "
        f"COALESCE((SELECT ap.previous_form FROM {table(Appeal)} ap WHERE ap.case_id = c.id AND ap.outcome = %s "
        f"AND ap.outcome_recorded_at > %s ORDER BY ap.outcome_recorded_at, ap.id LIMIT 1), c.decided_form), "
        f"c.was_committee_member, c.deciding_actor, c.deciding_organisation_id, d.org_type, c.violation_content "
        f"FROM {table(DisciplineCase)} c LEFT JOIN {table(Organisation)} d ON d.id = c.deciding_organisation_id "
        f"WHERE {candidates} AND c.decided_recorded_at IS NOT NULL AND c.decided_recorded_at <= %s "
        f"AND (c.annulled_recorded_at IS NULL OR c.annulled_recorded_at > %s) "
        f"AND c.decision_date >= %s AND c.decision_date <= %s",
        [AppealOutcome.CHANGE, stamp, *candidate_params, stamp, stamp, day_param(date_from), day_param(date_to)])
    rows: list[Row] = []
    for member_id, org_id, subject_org_id, day, *rest in cases:
        day = as_day(day)
        counted = _case_figures(subtree, (member_id, org_id, subject_org_id, day, *rest))
        if counted:
            rows.append(Row(key=counted[0], label="", day=day, figures=counted[1], description=""))
    candidates, candidate_params = subtree.scope.candidate_sql("su.subject_organisation_id")
    for member_id, org_id, starts in fetch(
            f"SELECT su.member_id, su.subject_organisation_id, su.starts_on FROM {table(Suspension)} su "
            f"WHERE {candidates} AND su.kind = %s AND su.starts_on >= %s AND su.starts_on <= %s "
            f"AND su.recorded_at <= %s",
            [*candidate_params, SuspensionKind.PARTY, day_param(date_from), day_param(date_to), stamp]):
        starts = as_day(starts)
        if subtree.contains(org_id, starts):
            rows.append(Row(key=f"m{member_id}", label="", day=starts, description="",
                            figures={"discipline.members.suspended"}))
    return rows


def _discipline_rows(subtree: _Subtree, date_from: date, date_to: date, as_of: datetime, *,
                     records: bool = True) -> list[Row]:
    if not records:
        return _discipline_counted(subtree, date_from, date_to, as_of)
    cases = list(DisciplineCase.objects.filter(subtree.q("subject_organisation_id", "organisation_id"),
                                               _known("decided_recorded_at", as_of), _not_annulled(as_of),
                                               decision_date__gte=date_from, decision_date__lte=date_to)
                 .select_related("member", "organisation", "deciding_organisation").order_by("decision_date", "id"))
    changes = _forms_changed_after([case.pk for case in cases], as_of)
    rows: list[Row] = []
    for case in cases:
        form = _form_as_of(case, as_of, changes)
        deciding = case.deciding_organisation
        counted = _case_figures(subtree, (case.member_id, case.organisation_id, case.subject_organisation_id,
                                          case.decision_date, form, case.was_committee_member, case.deciding_actor,
                                          case.deciding_organisation_id, deciding.org_type if deciding else None,
                                          case.violation_content))
        if counted:
            rows.append(Row(key=counted[0], label=case.subject_name, day=case.decision_date, record=case,
                            figures=counted[1], description=f"{DisciplineForm(form).label} – {case.decision_number}"))
    suspensions = (Suspension.objects.filter(subtree.q("subject_organisation_id"), kind=SuspensionKind.PARTY,
                                             starts_on__gte=date_from, starts_on__lte=date_to, recorded_at__lte=as_of)
                   .select_related("member").order_by("starts_on", "id"))
    for suspension in suspensions:
        if subtree.contains(suspension.subject_organisation_id, suspension.starts_on):
            rows.append(Row(key=f"m{suspension.member_id}", label=str(suspension.member), day=suspension.starts_on,
                            record=suspension, figures={"discipline.members.suspended"},
                            description=f"Đình chỉ sinh hoạt đảng – {suspension.decision_number}"))
    return rows


def _programme_rows(subtree: _Subtree, date_to: date, as_of: datetime, *, records: bool = True) -> list[Row]:
    """One row per base organisation inside R on ``date_to`` with a programme for that year. The candidates
    prefilter in SQL (no list of every base organisation's id), the exact test here; ``records=False``
    (counting only): ids from the database, rows without label, description or record."""
    base_ids = {org_id for org_id in subtree.ids(date_to) if subtree.type_of(org_id, date_to) in BASE_TYPES}
    rows, seen = [], set()
    if not records:
        candidates, params = subtree.scope.candidate_sql("pg.organisation_id")
        for (org_id,) in fetch(f"SELECT pg.organisation_id FROM {table(Programme)} pg WHERE {candidates} "
                               f"AND pg.year = %s AND pg.recorded_at <= %s",
                               [*params, date_to.year, instant_param(as_of)]):
            if org_id in base_ids and org_id not in seen:
                seen.add(org_id)
                rows.append(Row(key=f"o{org_id}", label="", day=date_to, description="",
                                figures={"programmes.base_orgs_with_programme"}))
        return rows
    programmes = (Programme.objects.filter(subtree.q("organisation_id"), year=date_to.year, recorded_at__lte=as_of)
                  .order_by("organisation_id", "id"))
    for programme in programmes.select_related("organisation"):
        if programme.organisation_id not in base_ids or programme.organisation_id in seen:
            continue
        seen.add(programme.organisation_id)
        rows.append(Row(key=f"o{programme.organisation_id}", label=programme.organisation.name, day=date_to,
                        record=programme, figures={"programmes.base_orgs_with_programme"},
                        description=programme.title))
    return rows


def _rows(root: Organisation, date_from: date, date_to: date, as_of: datetime | None, scope=None, *,
          records: bool = True) -> list[Row]:
    as_of = as_of or timezone.now()
    subtree = _Subtree(root, as_of, scope)
    return (_oversight_rows(subtree, date_from, date_to, as_of, records=records)
            + _discipline_rows(subtree, date_from, date_to, as_of, records=records)
            + _programme_rows(subtree, date_to, as_of, records=records))


def oversight_figures(root: Organisation, date_from: date, date_to: date,
                      as_of: datetime | None = None, *, scope=None) -> dict[str, int]:
    """Figure ID → count for R's subtree (by lineage), the period [date_from, date_to] and the instant
    ``as_of``. ``scope``: the caller's ``reports.scope.LineageScope`` for R and ``as_of``, to reuse."""
    figures = dict.fromkeys(figure_ids(), 0)
    distinct: dict[str, set[str]] = defaultdict(set)
    persons: set[str] = set()
    for row in _rows(root, date_from, date_to, as_of, scope, records=False):
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
                   as_of: datetime | None = None, *, scope=None) -> list[Row]:
    """The records behind one figure (for ``.distinct``, one row per distinct subject)."""
    if figure_id == "discipline.members.persons":
        figure_id, distinct = "discipline.members.total", True
    elif figure_id.endswith(".distinct"):
        figure_id, distinct = figure_id.removesuffix(".distinct"), True
    else:
        distinct = False
    rows = [row for row in _rows(root, date_from, date_to, as_of, scope) if figure_id in row.figures]
    if distinct:
        seen: set[str] = set()
        rows = [row for row in rows if not (row.key in seen or seen.add(row.key))]
    return rows

"""Writes to inspection, supervision and discipline records.

Each service checks its rules (``dangvu.rules.engine``), writes its rows and the audit row in one
transaction. Effects on members and organisations go only through the records core's services:
expulsion and restoration are ledger events, suspension is a ledger overlay, dismissal ends posts
(``post_end`` below), dissolution is ``organisation_dissolve``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.common.dates import add_months
from dangvu.common.text import clean
from dangvu.members.models import EventKind, Member, MemberStatus
from dangvu.members.selectors import member_state_on
from dangvu.members.services import member_record_event
from dangvu.organisations.models import CELL_TYPES, Organisation, OrganisationSpell, OrgType, Post
from dangvu.organisations.services import Decision, org_is_active, organisation_dissolve, organisation_restore
from dangvu.oversight.models import (
    MEMBER_FORMS,
    ORGANISATION_FORMS,
    SEVERITY,
    SUPERVISION_TYPES,
    Activity,
    ActivitySubject,
    ActivityType,
    ActorKind,
    Appeal,
    AppealOutcome,
    CaseStatus,
    Conclusion,
    DisciplineCase,
    DisciplineForm,
    PostponementReason,
    Programme,
    ProgrammeItem,
    Suspension,
    SuspensionGround,
    SuspensionKind,
)
from dangvu.rules.engine import param, refuse, require

# Which organisation types each acting body can belong to (COM-04/COM-05 for the committees).
ACTOR_ORG_TYPES: dict[str, set[str]] = {
    ActorKind.EXECUTIVE_COMMITTEE: {OrgType.SUPERIOR_COMMITTEE, OrgType.BASE_PARTY_COMMITTEE, OrgType.SUB_COMMITTEE,
                                    OrgType.BASE_CELL, OrgType.SUBORDINATE_CELL},
    ActorKind.STANDING_COMMITTEE: {OrgType.SUPERIOR_COMMITTEE, OrgType.BASE_PARTY_COMMITTEE},
    ActorKind.INSPECTION_COMMITTEE: {OrgType.SUPERIOR_COMMITTEE, OrgType.BASE_PARTY_COMMITTEE},
    ActorKind.CELL: set(CELL_TYPES),
    ActorKind.STAFF_DEPARTMENT: {OrgType.SUPERIOR_COMMITTEE, OrgType.BASE_PARTY_COMMITTEE},
}
_COMMITTEE_TYPES = {ActivityType.COMPLIANCE, ActivityType.VIOLATION_SIGNS, ActivityType.FINANCE,
                    ActivityType.SUPERVISION_REGULAR, ActivityType.SUPERVISION_THEMATIC, ActivityType.DENUNCIATION}
# Who may do what (DOMAIN §4.2–4.3).
ACTOR_ACTIVITIES: dict[str, set[str]] = {
    ActorKind.EXECUTIVE_COMMITTEE: _COMMITTEE_TYPES,
    ActorKind.STANDING_COMMITTEE: _COMMITTEE_TYPES,
    ActorKind.INSPECTION_COMMITTEE: {ActivityType.VIOLATION_SIGNS, ActivityType.OVERSIGHT_WORK,
                                     ActivityType.DISCIPLINE_ENFORCEMENT, ActivityType.FINANCE,
                                     ActivityType.ASSET_DECLARATION, ActivityType.SUPERVISION_REGULAR,
                                     ActivityType.SUPERVISION_THEMATIC, ActivityType.DENUNCIATION},
    ActorKind.CELL: {ActivityType.COMPLIANCE, ActivityType.VIOLATION_SIGNS, ActivityType.SUPERVISION_REGULAR,
                     ActivityType.SUPERVISION_THEMATIC, ActivityType.DENUNCIATION},
    ActorKind.STAFF_DEPARTMENT: {ActivityType.SUPERVISION_REGULAR, ActivityType.SUPERVISION_THEMATIC},
}
ORG_ONLY_TYPES = {ActivityType.OVERSIGHT_WORK, ActivityType.DISCIPLINE_ENFORCEMENT}
MEMBER_ONLY_TYPES = {ActivityType.ASSET_DECLARATION}


def _today() -> date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def body_label(organisation: Organisation, actor_kind: str) -> str:
    return f"{ActorKind(actor_kind).label} {organisation.name}"


# Tree on a date --------------------------------------------------------------------------------

def _spell(organisation: Organisation, day: date) -> OrganisationSpell | None:
    return (OrganisationSpell.objects.filter(organisation=organisation, valid_from__lte=day)
            .exclude(valid_to__lte=day).first())


def org_type_on(organisation: Organisation, day: date) -> str:
    spell = _spell(organisation, day)
    return spell.org_type if spell else organisation.org_type


def path_on(organisation: Organisation, day: date) -> str:
    spell = _spell(organisation, day)
    if spell is None:  # the day it ended: its last path
        spell = (OrganisationSpell.objects.filter(organisation=organisation, valid_from__lte=day)
                 .order_by("-valid_from").first())
    return spell.path if spell else organisation.path


def parent_on(organisation: Organisation, day: date) -> int | None:
    spell = _spell(organisation, day)
    return spell.parent_id if spell else organisation.parent_id


def in_subtree(organisation_id: int | None, root: Organisation, day: date, *, strict: bool = False) -> bool:
    if organisation_id is None:
        return False
    organisation = Organisation.objects.get(pk=organisation_id)
    inside = path_on(organisation, day).startswith(path_on(root, day))
    return inside and not (strict and organisation.pk == root.pk)


def posts_on(member: Member, day: date):
    return (Post.objects.filter(member=member, starts_on__lte=day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).select_related("body", "body__organisation"))


def _check_actor(organisation: Organisation, actor_kind: str, day: date) -> None:
    org_type = org_type_on(organisation, day)
    if actor_kind == ActorKind.STANDING_COMMITTEE:
        require("COM-04", on=day, ok=org_type in ACTOR_ORG_TYPES[actor_kind])
    if actor_kind == ActorKind.INSPECTION_COMMITTEE:
        require("COM-05", on=day, ok=org_type in ACTOR_ORG_TYPES[actor_kind])
    require("KTGS-01", on=day, ok=org_type in ACTOR_ORG_TYPES[ActorKind(actor_kind)],
            detail=f"{ActorKind(actor_kind).label} không có ở {OrgType(org_type).label.lower()}.")


def _check_activity_type(actor_kind: str, activity_type: str, day: date) -> None:
    if actor_kind == ActorKind.STAFF_DEPARTMENT and activity_type == ActivityType.VIOLATION_SIGNS:
        refuse("KTGS-02", on=day)
    require("KTGS-01", on=day, ok=activity_type in ACTOR_ACTIVITIES[actor_kind],
            detail=f"{ActorKind(actor_kind).label} – {ActivityType(activity_type).label.lower()}.")


# Programmes ------------------------------------------------------------------------------------

@transaction.atomic
def programme_create(*, actor, organisation: Organisation, actor_kind: str, year: int, title: str,
                     decision_number: str = "") -> Programme:
    day = date(year, 1, 1)
    _check_actor(organisation, actor_kind, max(day, organisation.founded_on))
    programme = Programme.objects.create(organisation=organisation, actor=actor_kind, year=year, title=clean(title),
                                         decision_number=clean(decision_number), recorded_at=timezone.now(),
                                         recorded_by=_user(actor))
    audit_record(actor=actor, action=AuditAction.CREATE, target=programme, organisation=organisation,
                 new={"actor": actor_kind, "year": year, "title": programme.title})
    return programme


@transaction.atomic
def programme_add_item(*, actor, programme: Programme, activity_type: str, subjects: str, content: str,
                       planned_from: date, planned_to: date) -> ProgrammeItem:
    _check_activity_type(programme.actor, activity_type, planned_from)
    require("PLAN-01", on=planned_from, ok=planned_from <= planned_to
            and planned_from.year == programme.year == planned_to.year,
            detail=f"Thời gian phải nằm trong năm {programme.year}.")
    item = ProgrammeItem.objects.create(programme=programme, activity_type=activity_type, subjects=clean(subjects),
                                        content=clean(content), planned_from=planned_from, planned_to=planned_to,
                                        recorded_at=timezone.now())
    audit_record(actor=actor, action=AuditAction.CREATE, target=item, organisation=programme.organisation,
                 new={"programme": programme.pk, "type": activity_type, "from": planned_from, "to": planned_to})
    return item


# Activities ------------------------------------------------------------------------------------

def _check_subjects(organisation: Organisation, actor_kind: str, activity_type: str, day: date,
                    organisations: list[Organisation], members: list[Member]) -> None:
    require("KTGS-06", on=day, ok=bool(organisations or members), detail="Chưa chọn đối tượng.")
    if activity_type in ORG_ONLY_TYPES:
        require("KTGS-04", on=day, ok=not members, detail="Loại này chỉ áp dụng với tổ chức đảng cấp dưới.")
    if activity_type in MEMBER_ONLY_TYPES or actor_kind == ActorKind.CELL:
        require("KTGS-04", on=day, ok=not organisations, detail="Loại này chỉ áp dụng với đảng viên.")
    for subject in organisations:
        if (activity_type == ActivityType.FINANCE and actor_kind == ActorKind.INSPECTION_COMMITTEE
                and subject.pk == organisation.pk):
            refuse("KTGS-03", on=day)
        require("KTGS-04", on=day, ok=in_subtree(subject.pk, organisation, day, strict=True),
                detail=f"{subject.name} không phải tổ chức đảng cấp dưới của {organisation.name}.")
    for member in members:
        state = member_state_on(member, day)
        require("KTGS-04", on=day, ok=state.is_member and in_subtree(state.organisation_id, organisation, day),
                detail=f"{member.full_name} không sinh hoạt trong {organisation.name} vào ngày {day:%d/%m/%Y}.")


@transaction.atomic
def activity_create(*, actor, organisation: Organisation, actor_kind: str, activity_type: str, decision: Decision,
                    topic: str, plan: str = "", team: str = "", period_from: date | None = None,
                    period_to: date | None = None, programme_item: ProgrammeItem | None = None,
                    subject_organisations: Iterable[Organisation] = (), subject_members: Iterable[Member] = (),
                    origin: Activity | None = None) -> Activity:
    """Record a decision to inspect or supervise, with its subjects (one per organisation or member)."""
    day = decision.date
    assert day is not None
    require("LIFE-06", on=day, ok=day <= _today())
    _check_actor(organisation, actor_kind, day)
    _check_activity_type(actor_kind, activity_type, day)
    organisations, members = list(subject_organisations), list(subject_members)
    _check_subjects(organisation, actor_kind, activity_type, day, organisations, members)
    if programme_item is not None:
        programme = programme_item.programme
        require("PLAN-01", on=day, ok=programme.organisation_id == organisation.pk and programme.actor == actor_kind
                and programme.year == day.year and programme_item.activity_type == activity_type)
    now = timezone.now()
    activity = Activity.objects.create(
        organisation=organisation, actor=actor_kind, activity_type=activity_type,
        decision_number=clean(decision.number), decision_date=day, topic=clean(topic), plan=clean(plan),
        team=clean(team), period_from=period_from, period_to=period_to, programme_item=programme_item,
        origin=origin, recorded_at=now, recorded_by=_user(actor))
    ActivitySubject.objects.bulk_create(
        [ActivitySubject(activity=activity, organisation=o, recorded_at=now) for o in organisations]
        + [ActivitySubject(activity=activity, member=m, recorded_at=now) for m in members])
    audit_record(actor=actor, action=AuditAction.CREATE, target=activity, organisation=organisation,
                 new={"type": activity_type, "actor": actor_kind, "decision": activity.decision_number,
                      "date": day, "organisations": [o.code for o in organisations],
                      "members": [m.pk for m in members], "origin": origin.pk if origin else None},
                 reason=activity.decision_number)
    return activity


@transaction.atomic
def subject_conclude(*, actor, subject: ActivitySubject, conclusion: str, findings: str, concluded_on: date,
                     signs_of_violation: bool = False) -> ActivitySubject:
    activity = subject.activity
    require("KTGS-06", on=concluded_on, ok=activity.decision_date <= concluded_on <= _today(),
            detail=f"Quyết định ngày {activity.decision_date:%d/%m/%Y}.")
    Conclusion(conclusion)
    old = {"conclusion": subject.conclusion, "concluded_on": subject.concluded_on}
    subject.conclusion = conclusion
    subject.findings = clean(findings)
    subject.concluded_on = concluded_on
    subject.signs_of_violation = signs_of_violation
    subject.concluded_recorded_at = timezone.now()
    subject.save(update_fields=["conclusion", "findings", "concluded_on", "signs_of_violation",
                                "concluded_recorded_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="conclusion", target=activity,
                 organisation=activity.organisation, old=old,
                 new={"subject": str(subject), "conclusion": conclusion, "concluded_on": concluded_on,
                      "signs_of_violation": signs_of_violation})
    return subject


@transaction.atomic
def activity_escalate(*, actor, activity: Activity, subjects: Iterable[ActivitySubject], organisation: Organisation,
                      actor_kind: str, decision: Decision, topic: str, team: str = "") -> Activity:
    """A supervision that found signs of violation opens an inspection on them (KTGS-05)."""
    chosen = list(subjects)
    day = decision.date or _today()
    require("KTGS-05", on=day, ok=activity.activity_type in SUPERVISION_TYPES and bool(chosen)
            and all(s.activity_id == activity.pk and s.signs_of_violation for s in chosen))
    require("KTGS-06", on=day, ok=day >= activity.decision_date)
    return activity_create(actor=actor, organisation=organisation, actor_kind=actor_kind,
                           activity_type=ActivityType.VIOLATION_SIGNS, decision=decision, topic=topic, team=team,
                           subject_organisations=[s.organisation for s in chosen if s.organisation_id],
                           subject_members=[s.member for s in chosen if s.member_id], origin=activity)


# Posts (dismissal) -----------------------------------------------------------------------------

@transaction.atomic
def post_end(*, actor, post: Post, ends_on: date, reason: str) -> Post:
    """End a post (last day ``ends_on``), e.g. on dismissal; audited."""
    old = {"ends_on": post.ends_on}
    post.ends_on = max(ends_on, post.starts_on)
    post.save(update_fields=["ends_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="post_end", target=post,
                 organisation=post.body.organisation, old=old, new={"ends_on": post.ends_on}, reason=reason)
    return post


@transaction.atomic
def post_restore(*, actor, post: Post, ends_on: date | None, reason: str) -> Post:
    """Give back a post taken by a dismissal that was annulled."""
    old = {"ends_on": post.ends_on}
    post.ends_on = ends_on
    post.save(update_fields=["ends_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="post_restore", target=post,
                 organisation=post.body.organisation, old=old, new={"ends_on": ends_on}, reason=reason)
    return post


# Discipline ------------------------------------------------------------------------------------

def _member_org(member: Member, day: date) -> Organisation | None:
    state = member_state_on(member, day)
    org_id = state.organisation_id or (state.before_leaving.organisation_id if state.before_leaving else None)
    return Organisation.objects.filter(pk=org_id or member.organisation_id).first()


@transaction.atomic
def case_open(*, actor, violation_from: date, violation_content: str, violation_description: str,
              proposed_form: str, member: Member | None = None, organisation: Organisation | None = None,
              activity_subject: ActivitySubject | None = None, violation_to: date | None = None,
              new_violation_on: date | None = None, no_limitation_ground: bool = False,
              especially_serious: bool = False, third_child: bool = False, judgment_number: str = "",
              judgment_date: date | None = None) -> DisciplineCase:
    """Open a case on a subject concluded "discipline required" by an activity (CASE-02), or on a member
    directly; under QĐ 21 (DIS-13) on a final judgment of imprisonment, without an inspection."""
    today = _today()
    judgment_number = clean(judgment_number)
    if activity_subject is not None:
        require("CASE-02", on=today, ok=activity_subject.conclusion == Conclusion.DISCIPLINE_REQUIRED)
        member, organisation = activity_subject.member, activity_subject.organisation
    require("FORM-03", on=today, ok=(member is None) != (organisation is None))
    require("FORM-03", on=today, ok=proposed_form in (MEMBER_FORMS if member else ORGANISATION_FORMS))
    require("KTGS-06", on=violation_from, ok=violation_from <= today
            and (violation_to is None or violation_from <= violation_to <= today)
            and (new_violation_on is None or violation_from <= new_violation_on <= today))
    if judgment_number or judgment_date is not None:
        check_judgment_ground(member=member, activity_subject=activity_subject, proposed_form=proposed_form,
                              judgment_number=judgment_number, judgment_date=judgment_date, day=today)
    if third_child:
        check_third_child(today)
    if member is not None:
        require("NOKL-02", on=today, ok=member.status != MemberStatus.DIED or especially_serious)
        subject_org = _member_org(member, today)
    else:
        subject_org = organisation
    case = DisciplineCase.objects.create(
        member=member, organisation=organisation, subject_organisation=subject_org, activity_subject=activity_subject,
        violation_from=violation_from, violation_to=violation_to, new_violation_on=new_violation_on,
        violation_content=violation_content, violation_description=clean(violation_description),
        no_limitation_ground=no_limitation_ground, especially_serious=especially_serious,
        proposed_form=proposed_form, third_child=third_child, judgment_number=judgment_number,
        judgment_date=judgment_date, recorded_at=timezone.now(), recorded_by=_user(actor))
    audit_record(actor=actor, action=AuditAction.CREATE, target=case, organisation=subject_org,
                 new={"subject": case.subject_name, "proposed_form": proposed_form,
                      "violation_from": violation_from, "content": violation_content,
                      **({"judgment": judgment_number, "judgment_date": judgment_date} if judgment_number else {})})
    return case


def check_judgment_ground(*, member: Member | None, activity_subject: ActivitySubject | None, proposed_form: str,
                          judgment_number: str, judgment_date: date | None, day: date) -> None:
    """DIS-13 (QĐ 21, from 11/04/2026): a member sentenced to imprisonment by a final judgment is expelled
    on the basis of the judgment, without an inspection. Before QĐ 21 there is no such path."""
    require("DIS-13", on=day, ok=bool(param("DIS-13", "without_inspection", day)),
            detail=f"Văn bản có hiệu lực ngày {day:%d/%m/%Y} chưa cho phép: hãy mở vụ việc từ kết luận kiểm tra.")
    require("DIS-13", on=day, ok=member is not None and activity_subject is None,
            detail="Chỉ áp dụng với đảng viên, không kèm cuộc kiểm tra.")
    require("DIS-13", on=day, ok=bool(clean(judgment_number)) and judgment_date is not None and judgment_date <= day,
            detail="Cần số bản án và ngày bản án có hiệu lực pháp luật (không sau ngày hôm nay).")
    require("DIS-13", on=day, ok=proposed_form == DisciplineForm.EXPULSION, detail="Hình thức phải là khai trừ.")


def check_third_child(day: date) -> None:
    """NOKL-04: from 20/3/2025 a member is no longer disciplined for having a third child."""
    require("NOKL-04", on=day, ok=bool(param("NOKL-04", "disciplined", day)))


@transaction.atomic
def case_postpone(*, actor, case: DisciplineCase, reason: str, until: date) -> DisciplineCase:
    """NOKL-01: the member is in a situation where discipline is not yet considered."""
    PostponementReason(reason)
    require("CASE-01", on=until, ok=case.status in (CaseStatus.OPEN, CaseStatus.POSTPONED) and case.member_id)
    case.status, case.postponement_reason, case.postponed_until = CaseStatus.POSTPONED, reason, until
    case.resumed_on = None
    case.save(update_fields=["status", "postponement_reason", "postponed_until", "resumed_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="postpone", target=case,
                 organisation=case.subject_organisation, new={"reason": reason, "until": until})
    return case


@transaction.atomic
def case_resume(*, actor, case: DisciplineCase, resumed_on: date) -> DisciplineCase:
    """The ground of a postponement (NOKL-01) has ended: the case is considered again from ``resumed_on``.
    The reason and the planned until-date stay on the case as its history."""
    require("CASE-01", on=resumed_on, ok=case.status == CaseStatus.POSTPONED)
    require("LIFE-06", on=resumed_on, ok=resumed_on <= _today())
    old = {"status": case.status, "until": case.postponed_until}
    case.status, case.resumed_on = CaseStatus.OPEN, resumed_on
    case.save(update_fields=["status", "resumed_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="resume", target=case,
                 organisation=case.subject_organisation, old=old, new={"status": case.status, "resumed_on": resumed_on})
    return case


def cumulative_result(votes: dict[str, int], members: int, forms: Iterable[str]) -> str | None:
    """DIS-06: from the heaviest form down, add the votes until one reaches more than half of ``members``."""
    total = 0
    for form in sorted(forms, key=lambda f: -SEVERITY[f]):
        total += int(votes.get(form, 0) or 0)
        if total * 2 > members:
            return form
    return None


def limitation_expiry(case: DisciplineCase, form: str, on: date) -> date | None:
    """TH-01..05: last day on which the competent body may conclude that discipline is required.
    None when no limitation applies (expulsion, dissolution, political/security grounds)."""
    if case.no_limitation_ground or form in (DisciplineForm.EXPULSION, DisciplineForm.DISSOLUTION):
        return None
    rule_id = "TH-01" if case.member_id else "TH-03"
    months = param(rule_id, f"{form}_months", on)
    start = case.violation_to or case.violation_from  # a long-running violation counts from its end
    expiry = add_months(start, months)
    if case.new_violation_on and start <= case.new_violation_on <= expiry:
        expiry = add_months(case.new_violation_on, months)  # a new violation restarts the period
    return expiry


def check_limitation(case: DisciplineCase, form: str, concluded_on: date) -> None:
    expiry = limitation_expiry(case, form, concluded_on)
    if expiry is not None:
        require("TH-01" if case.member_id else "TH-03", on=concluded_on, ok=concluded_on <= expiry,
                detail=f"Thời hiệu hết ngày {expiry:%d/%m/%Y}; kết luận ngày {concluded_on:%d/%m/%Y}.")


def check_form(case_member: Member | None, case_organisation: Organisation | None, form: str, day: date) -> None:
    """FORM-01..03: forms the subject can receive on ``day``."""
    if case_member is None:
        require("FORM-03", on=day, ok=form in ORGANISATION_FORMS)
        return
    require("FORM-03", on=day, ok=form in MEMBER_FORMS)
    state = member_state_on(case_member, day)
    if state.status == MemberStatus.PROBATIONARY:
        require("FORM-02", on=day, ok=form in (DisciplineForm.REPRIMAND, DisciplineForm.WARNING))
    if form == DisciplineForm.DISMISSAL:
        require("FORM-01", on=day, ok=posts_on(case_member, day).exists(),
                detail=f"{case_member.full_name} không giữ chức vụ nào vào ngày {day:%d/%m/%Y}.")


def check_authority(*, deciding_organisation: Organisation, deciding_actor: str, form: str, day: date,
                    member: Member | None = None, organisation: Organisation | None = None,
                    authorised_to_admit: bool = False) -> None:
    """AUTH-01 (members, DOMAIN §4.5) and AUTH-02 (organisations, §4.6): refuse a form beyond the body."""
    d_type = org_type_on(deciding_organisation, day)
    light = form in (DisciplineForm.REPRIMAND, DisciplineForm.WARNING)
    if organisation is not None:
        direct = parent_on(organisation, day) == deciding_organisation.pk
        committee = deciding_actor in (ActorKind.EXECUTIVE_COMMITTEE, ActorKind.STANDING_COMMITTEE)
        if form == DisciplineForm.DISSOLUTION:
            ok = direct and deciding_actor == ActorKind.EXECUTIVE_COMMITTEE and d_type == OrgType.SUPERIOR_COMMITTEE
        else:
            ok = direct and light and committee and (
                d_type == OrgType.SUPERIOR_COMMITTEE
                or (d_type == OrgType.BASE_PARTY_COMMITTEE and deciding_actor == ActorKind.EXECUTIVE_COMMITTEE))
        require("AUTH-02", on=day, ok=ok, detail=f"{body_label(deciding_organisation, deciding_actor)} – "
                f"{DisciplineForm(form).label.lower()} {organisation.name}.")
        return
    assert member is not None
    member_org = _member_org(member, day)
    detail = f"{body_label(deciding_organisation, deciding_actor)} – {DisciplineForm(form).label.lower()}."
    require("AUTH-01", on=day, ok=member_org is not None and in_subtree(member_org.pk, deciding_organisation, day),
            detail=f"{member.full_name} không thuộc {deciding_organisation.name}.")
    own_committee = any(p.body.organisation_id == deciding_organisation.pk for p in posts_on(member, day))
    ok = False
    if deciding_actor == ActorKind.CELL and d_type in CELL_TYPES:
        ok = light and member_org.pk == deciding_organisation.pk
    elif deciding_actor == ActorKind.EXECUTIVE_COMMITTEE and d_type == OrgType.BASE_PARTY_COMMITTEE:
        if light:
            ok = True
        elif form == DisciplineForm.DISMISSAL:
            ok = not own_committee  # cách chức cấp ủy viên cấp dưới
        elif form == DisciplineForm.EXPULSION:
            ok = authorised_to_admit and not own_committee
    elif (deciding_actor in (ActorKind.EXECUTIVE_COMMITTEE, ActorKind.STANDING_COMMITTEE,
                             ActorKind.INSPECTION_COMMITTEE) and d_type == OrgType.SUPERIOR_COMMITTEE):
        ok = light or not own_committee  # heavier forms for its own committee members go to the superior
    require("AUTH-01", on=day, ok=ok, detail=detail)


@transaction.atomic
def case_decide(*, actor, case: DisciplineCase, deciding_organisation: Organisation, deciding_actor: str,
                concluded_on: date, votes: dict[str, int], voting_members: int, decision_number: str,
                decision_date: date, decided_form: str | None = None, secret_ballot: bool = True,
                proposal_votes: int | None = None, proposal_members: int | None = None,
                authorised_to_admit: bool = False, delivered_on: date | None = None,
                members_to: Organisation | None = None) -> DisciplineCase:
    """Decide the case: vote, form, authority, limitation; then apply the form through the records core."""
    day = decision_date
    require("CASE-01", on=day, ok=case.status in (CaseStatus.OPEN, CaseStatus.POSTPONED))
    require("LIFE-06", on=day, ok=day <= _today())
    require("KTGS-06", on=day, ok=case.violation_from <= concluded_on <= day,
            detail=f"Kết luận ngày {concluded_on:%d/%m/%Y}, quyết định ngày {day:%d/%m/%Y}.")
    blocked_until = case.postponement_ends
    if blocked_until is not None:
        require("NOKL-01", on=day, ok=day > blocked_until,
                detail=f"{PostponementReason(case.postponement_reason).label} đến ngày {blocked_until:%d/%m/%Y}.")
    if case.member_id:
        require("NOKL-02", on=day, ok=member_state_on(case.member, day).status != MemberStatus.DIED
                or case.especially_serious, detail=f"{case.member.full_name} đã từ trần.")
    if case.third_child:
        check_third_child(day)
    forms = MEMBER_FORMS if case.member_id else ORGANISATION_FORMS
    votes = {k: int(v or 0) for k, v in votes.items() if k in forms}
    require("DIS-03", on=day, ok=secret_ballot and voting_members > 0 and bool(votes)
            and sum(votes.values()) <= voting_members)
    result = cumulative_result(votes, voting_members, forms)
    if result is None:
        refuse("DIS-04", on=day, detail=f"Tổng số thành viên: {voting_members}; phiếu: "
               + ", ".join(f"{DisciplineForm(f).label.lower()} {n}" for f, n in votes.items()) + ".")
    assert result is not None
    if decided_form and decided_form != result:
        refuse("DIS-06", on=day, detail=f"Kết quả cộng dồn: {DisciplineForm(result).label.lower()}.")
    if case.on_judgment:
        check_judgment_ground(member=case.member, activity_subject=case.activity_subject,
                              proposed_form=result, judgment_number=case.judgment_number,
                              judgment_date=case.judgment_date, day=day)
    if result == DisciplineForm.EXPULSION and deciding_actor != ActorKind.CELL:
        num, den = param("DIS-05", "proposal_numerator", day), param("DIS-05", "proposal_denominator", day)
        require("DIS-05", on=day, ok=bool(proposal_members) and proposal_votes is not None
                and proposal_votes * den >= num * proposal_members,
                detail=f"Chi bộ đề nghị: {proposal_votes or 0}/{proposal_members or 0}.")
    check_form(case.member, case.organisation, result, day)
    check_authority(deciding_organisation=deciding_organisation, deciding_actor=deciding_actor, form=result,
                    day=day, member=case.member, organisation=case.organisation,
                    authorised_to_admit=authorised_to_admit)
    check_limitation(case, result, concluded_on)
    if delivered_on is not None:
        require("DIS-09", on=day, ok=day <= delivered_on <= _today())
    decision = Decision(clean(decision_number), day, body_label(deciding_organisation, deciding_actor))
    if case.member_id:
        case.was_committee_member = posts_on(case.member, day).exists()
        case.subject_organisation = _member_org(case.member, day) or case.subject_organisation
    case.status = CaseStatus.DECIDED
    case.concluded_on, case.deciding_organisation, case.deciding_actor = concluded_on, deciding_organisation, deciding_actor
    case.authorised_to_admit, case.votes, case.voting_members = authorised_to_admit, votes, voting_members
    case.proposal_votes, case.proposal_members = proposal_votes, proposal_members
    case.decided_form, case.decision_number, case.decision_date = result, decision.number, day
    case.delivered_on, case.decided_recorded_at = delivered_on, timezone.now()
    _apply_form(actor=actor, case=case, form=result, day=day, decision=decision, members_to=members_to)
    case.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="discipline_decision", target=case,
                 organisation=case.subject_organisation,
                 new={"form": result, "votes": votes, "members": voting_members, "decision": decision.number,
                      "date": day, "body": decision.body}, reason=decision.number)
    return case


def _apply_form(*, actor, case: DisciplineCase, form: str, day: date, decision: Decision,
                members_to: Organisation | None = None) -> None:
    if form == DisciplineForm.EXPULSION:
        case.ledger_event = member_record_event(actor=actor, member=case.member, kind=EventKind.EXPULSION,
                                                effective_date=day, decision=decision)
    elif form == DisciplineForm.DISMISSAL:
        ended = []
        for post in posts_on(case.member, day):
            ended.append({"post": post.pk, "ends_on": post.ends_on.isoformat() if post.ends_on else None})
            post_end(actor=actor, post=post, ends_on=day - timedelta(days=1), reason=decision.number)
        case.ended_posts = ended
    elif form == DisciplineForm.DISSOLUTION:
        organisation_dissolve(actor=actor, organisation=case.organisation, effective_date=day, decision=decision,
                              members_to=members_to)


def _undo_form(*, actor, case: DisciplineCase, form: str, day: date, decision: Decision) -> None:
    """Give back what a form took: membership (restoration, LIFE-T04) or posts."""
    if form == DisciplineForm.EXPULSION:
        member_record_event(actor=actor, member=case.member, kind=EventKind.RESTORATION, effective_date=day,
                            decision=decision)
    elif form == DisciplineForm.DISMISSAL:
        for item in case.ended_posts:
            post = Post.objects.select_related("body__organisation").get(pk=item["post"])
            post_restore(actor=actor, post=post,
                         ends_on=date.fromisoformat(item["ends_on"]) if item["ends_on"] else None,
                         reason=decision.number)
        case.ended_posts = []


@transaction.atomic
def case_deliver(*, actor, case: DisciplineCase, delivered_on: date) -> DisciplineCase:
    require("CASE-01", on=delivered_on, ok=case.status == CaseStatus.DECIDED)
    require("DIS-09", on=delivered_on, ok=case.decision_date <= delivered_on <= _today())
    case.delivered_on = delivered_on
    case.save(update_fields=["delivered_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="delivery", target=case,
                 organisation=case.subject_organisation, new={"delivered_on": delivered_on})
    return case


# Appeals ---------------------------------------------------------------------------------------

def check_appeal_level(case: DisciplineCase, handling_organisation: Organisation | None, handling_actor: str,
                       external_body: str, day: date) -> None:
    """KN-03: the body directly above the deciding body; the same-level committee first for its UBKT."""
    deciding = case.deciding_organisation
    parent_id = parent_on(deciding, day)
    if handling_organisation is None:
        require("KN-03", on=day, ok=bool(clean(external_body)) and parent_id is None
                and case.deciding_actor != ActorKind.INSPECTION_COMMITTEE,
                detail="Cơ quan cấp trên ngoài Đảng bộ chỉ giải quyết khiếu nại quyết định của cấp cao nhất trong Đảng bộ.")
        return
    committees = (ActorKind.EXECUTIVE_COMMITTEE, ActorKind.STANDING_COMMITTEE)
    if case.deciding_actor == ActorKind.INSPECTION_COMMITTEE:
        ok = handling_organisation.pk == deciding.pk and handling_actor in committees
    elif case.deciding_actor == ActorKind.CELL:
        ok = handling_organisation.pk == parent_id and handling_actor in (*committees, ActorKind.INSPECTION_COMMITTEE)
    else:
        ok = handling_organisation.pk == parent_id and handling_actor in (*committees, ActorKind.INSPECTION_COMMITTEE)
    require("KN-03", on=day, ok=ok, detail=f"Quyết định của {body_label(deciding, case.deciding_actor)}.")


@transaction.atomic
def appeal_file(*, actor, case: DisciplineCase, received_on: date, content: str,
                handling_organisation: Organisation | None = None, handling_actor: str = "",
                external_body: str = "", on_behalf: bool = False) -> Appeal:
    """Receive an appeal. The decision stays in force while it is pending (KN-02): nothing changes."""
    require("CASE-01", on=received_on, ok=case.status == CaseStatus.DECIDED)
    require("LIFE-06", on=received_on, ok=received_on <= _today())
    require("KN-04", on=received_on, ok=case.delivered_on is not None, detail="Đương sự chưa nhận quyết định.")
    require("KN-04", on=received_on, ok=not on_behalf, detail="Không giải quyết khiếu nại thay cho người khác.")
    require("KN-04", on=received_on, ok=not case.appeals.filter(outcome="").exists(),
            detail="Khiếu nại đang được giải quyết.")
    months = param("KN-01", "months", received_on)
    last_day = add_months(case.delivered_on, months)
    require("KN-01", on=received_on, ok=case.delivered_on <= received_on <= last_day,
            detail=f"Nhận quyết định ngày {case.delivered_on:%d/%m/%Y}; hạn cuối {last_day:%d/%m/%Y}.")
    check_appeal_level(case, handling_organisation, handling_actor, external_body, received_on)
    appeal = Appeal.objects.create(case=case, received_on=received_on, handling_organisation=handling_organisation,
                                   handling_actor=handling_actor, external_body=clean(external_body),
                                   content=clean(content), recorded_at=timezone.now(), recorded_by=_user(actor))
    audit_record(actor=actor, action=AuditAction.CREATE, target=appeal, organisation=case.subject_organisation,
                 new={"case": case.pk, "received_on": received_on})
    return appeal


@transaction.atomic
def appeal_resolve(*, actor, appeal: Appeal, outcome: str, outcome_number: str, outcome_date: date,
                   new_form: str = "", authorised_to_admit: bool = False) -> Appeal:
    """Keep, change or annul (KN-06); an annulment gives back what the decision took, through the ledger
    (membership, posts) or the organisations' history (a dissolved organisation is restored and its
    members return). A change needs a body with authority for the new form (AUTH-01/AUTH-02)."""
    case = appeal.case
    require("KN-06", on=outcome_date, ok=appeal.outcome == "" and outcome in (
        AppealOutcome.KEEP, AppealOutcome.CHANGE, AppealOutcome.ANNUL) and case.status == CaseStatus.DECIDED)
    require("KTGS-06", on=outcome_date, ok=appeal.received_on <= outcome_date <= _today())
    old_form = case.decided_form
    if outcome == AppealOutcome.CHANGE:
        require("KN-06", on=outcome_date, ok=bool(new_form) and new_form != old_form)
        check_form(case.member, case.organisation, new_form, case.decision_date)
        require("KN-06", on=outcome_date, ok=new_form != DisciplineForm.DISSOLUTION,
                detail="Giải tán tổ chức đảng cần một quyết định kỷ luật riêng, không thay đổi qua khiếu nại.")
        if appeal.handling_organisation is not None:
            check_authority(deciding_organisation=appeal.handling_organisation, deciding_actor=appeal.handling_actor,
                            form=new_form, day=outcome_date, member=case.member, organisation=case.organisation,
                            authorised_to_admit=authorised_to_admit)
    body = (body_label(appeal.handling_organisation, appeal.handling_actor) if appeal.handling_organisation
            else appeal.external_body)
    decision = Decision(clean(outcome_number), outcome_date, body)
    if outcome in (AppealOutcome.CHANGE, AppealOutcome.ANNUL):
        takes = {DisciplineForm.EXPULSION, DisciplineForm.DISMISSAL}
        if old_form in takes and (outcome == AppealOutcome.ANNUL or new_form != old_form):
            _undo_form(actor=actor, case=case, form=old_form, day=outcome_date, decision=decision)
        if outcome == AppealOutcome.CHANGE and new_form in takes:
            _apply_form(actor=actor, case=case, form=new_form, day=outcome_date, decision=decision)
        if old_form == DisciplineForm.DISSOLUTION:
            organisation_restore(actor=actor, organisation=case.organisation, effective_date=outcome_date,
                                 decision=decision)
    now = timezone.now()
    appeal.outcome, appeal.outcome_number, appeal.outcome_date = outcome, decision.number, outcome_date
    appeal.new_form, appeal.previous_form, appeal.outcome_recorded_at = new_form, old_form, now
    appeal.save()
    if outcome == AppealOutcome.ANNUL:
        case.status, case.annulled_recorded_at = CaseStatus.ANNULLED, now
    elif outcome == AppealOutcome.CHANGE:
        case.decided_form = new_form
    case.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type=f"appeal_{outcome}", target=case,
                 organisation=case.subject_organisation, old={"form": old_form},
                 new={"outcome": outcome, "form": case.decided_form, "status": case.status}, reason=decision.number)
    return appeal


# Suspension ------------------------------------------------------------------------------------

@transaction.atomic
def suspension_decide(*, actor, kind: str, ground: str, deciding_organisation: Organisation, deciding_actor: str,
                      decision_number: str, starts_on: date, ends_on: date, member: Member | None = None,
                      organisation: Organisation | None = None, prosecuted_on: date | None = None,
                      notified_on: date | None = None) -> Suspension:
    """SUS-02..04, SUS-08: suspend a member's party (or committee) activity, or an organisation's activity
    (SUS-03: at most 90 days), for a limited time. Exactly one of ``member`` and ``organisation``."""
    require("LIFE-06", on=starts_on, ok=starts_on <= _today())
    require("SUS-02", on=starts_on, ok=ground in SuspensionGround.values and kind in SuspensionKind.values
            and (member is None) != (organisation is None), detail="Chọn một đảng viên hoặc một tổ chức đảng.")
    require("SUS-08", on=starts_on, ok=starts_on <= ends_on, detail=f"Từ {starts_on:%d/%m/%Y} đến {ends_on:%d/%m/%Y}.")
    if organisation is not None:
        require("SUS-02", on=starts_on, ok=kind == SuspensionKind.ORGANISATION
                and ground == SuspensionGround.OBSTRUCTION,
                detail="Tổ chức đảng chỉ bị đình chỉ hoạt động khi vi phạm nghiêm trọng, cản trở kiểm tra, kỷ luật.")
        require("ORG-10", on=starts_on, ok=org_is_active(organisation.pk, starts_on))
        org_max = param("SUS-03", "org_max_days", starts_on)
        require("SUS-03", on=starts_on, ok=(ends_on - starts_on).days <= org_max,
                detail=f"Tổ chức đảng: tối đa {org_max} ngày, đến ngày {starts_on + timedelta(days=org_max):%d/%m/%Y}.")
        require("AUTH-02", on=starts_on, ok=in_subtree(organisation.pk, deciding_organisation, starts_on, strict=True)
                and deciding_actor in (ActorKind.EXECUTIVE_COMMITTEE, ActorKind.STANDING_COMMITTEE),
                detail=f"{body_label(deciding_organisation, deciding_actor)} – đình chỉ hoạt động {organisation.name}.")
        subject_org = organisation
    else:
        assert member is not None
        require("SUS-02", on=starts_on, ok=kind != SuspensionKind.ORGANISATION,
                detail="Đình chỉ hoạt động chỉ áp dụng với tổ chức đảng.")
        if kind == SuspensionKind.COMMITTEE:
            require("SUS-02", on=starts_on, ok=ground in (SuspensionGround.PROSECUTED, SuspensionGround.DETAINED)
                    and posts_on(member, starts_on).exists(), detail=f"{member.full_name} không phải cấp ủy viên.")
        subject_org = _member_org(member, starts_on)
        require("AUTH-01", on=starts_on, ok=subject_org is not None
                and in_subtree(subject_org.pk, deciding_organisation, starts_on))
    initial = param("SUS-08", "initial_days", starts_on)
    require("SUS-08", on=starts_on, ok=(ends_on - starts_on).days <= initial,
            detail=f"Từ {starts_on:%d/%m/%Y} đến {ends_on:%d/%m/%Y}.")
    decision = Decision(clean(decision_number), starts_on, body_label(deciding_organisation, deciding_actor))
    if kind == SuspensionKind.PARTY:
        member_record_event(actor=actor, member=member, kind=EventKind.SUSPENSION, effective_date=starts_on,
                            decision=decision)
    suspension = Suspension.objects.create(
        member=member, organisation=organisation, subject_organisation=subject_org, kind=kind, ground=ground,
        deciding_organisation=deciding_organisation, deciding_actor=deciding_actor, decision_number=decision.number,
        starts_on=starts_on, ends_on=ends_on, prosecuted_on=prosecuted_on, notified_on=notified_on,
        recorded_at=timezone.now(), recorded_by=_user(actor))
    audit_record(actor=actor, action=AuditAction.CREATE, target=suspension, organisation=subject_org,
                 new={"subject": suspension.subject_name, "kind": kind, "ground": ground, "from": starts_on,
                      "to": ends_on}, reason=decision.number)
    return suspension


@transaction.atomic
def suspension_extend(*, actor, suspension: Suspension, new_ends_on: date) -> Suspension:
    """Extend once (SUS-08), within the total maximum of SUS-03 (members; organisations at most 90 days)."""
    start = suspension.starts_on
    max_days = param("SUS-03", "org_max_days" if suspension.organisation_id else "max_days", start)
    require("SUS-08", on=start, ok=not suspension.extended and suspension.ended_on is None
            and new_ends_on > suspension.ends_on, detail="Chỉ gia hạn một lần.")
    require("SUS-03", on=start, ok=(new_ends_on - start).days <= max_days,
            detail=f"Tối đa {max_days} ngày, đến ngày {start + timedelta(days=max_days):%d/%m/%Y}.")
    old = {"ends_on": suspension.ends_on}
    suspension.ends_on, suspension.extended = new_ends_on, True
    suspension.save(update_fields=["ends_on", "extended"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="suspension_extend", target=suspension,
                 organisation=suspension.subject_organisation, old=old, new={"ends_on": new_ends_on})
    return suspension


@transaction.atomic
def suspension_end(*, actor, suspension: Suspension, ended_on: date) -> Suspension:
    require("SUS-08", on=ended_on, ok=suspension.ended_on is None and suspension.starts_on <= ended_on)
    if suspension.kind == SuspensionKind.PARTY:
        member_record_event(actor=actor, member=suspension.member, kind=EventKind.SUSPENSION_END,
                            effective_date=ended_on,
                            decision=Decision(suspension.decision_number, ended_on,
                                              body_label(suspension.deciding_organisation, suspension.deciding_actor)))
    suspension.ended_on = ended_on
    suspension.save(update_fields=["ended_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="suspension_end", target=suspension,
                 organisation=suspension.subject_organisation, new={"ended_on": ended_on})
    return suspension


def suspension_notified_late(suspension: Suspension) -> bool:
    """SUS-04: the prosecuting body should notify within 3 days."""
    if not suspension.prosecuted_on or not suspension.notified_on:
        return False
    days = param("SUS-04", "notify_days", suspension.prosecuted_on)
    return (suspension.notified_on - suspension.prosecuted_on).days > days


"""Writes of the member-development workflow. Each step is checked under the rules in force on its own
date, saved with the basis of the rule versions applied (and any documented exception with its
approval), and audited in the same transaction. The ceremony writes the admission into the member
ledger (``member_admit`` or a readmission event); recognition and probation removal write their
ledger events through ``member_record_event``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.common.dates import add_months, calendar_months
from dangvu.common.text import clean, person_sort_key, search_key
from dangvu.development.models import AdmissionTarget, Candidate, CandidateStep, Stage, StepKind
from dangvu.members.models import EventKind, Member, MemberStatus
from dangvu.members.selectors import member_state_on
from dangvu.members.services import member_admit, member_record_event
from dangvu.organisations.models import MEMBER_HOLDING_TYPES, Organisation, OrgType, Term
from dangvu.organisations.services import Decision
from dangvu.rules.engine import RuleViolation, param, refuse, require, rule_in_force
from dangvu.workdays.services import add_working_days, working_days_between

CANDIDATE_FIELDS = (
    "full_name", "gender", "date_of_birth", "citizen_id", "ethnicity", "religion", "home_town", "residence",
    "occupation", "general_education", "professional", "is_youth_union_member", "is_trade_union_member",
    "is_business_owner", "has_foreign_spouse", "helper", "listed_on", "notes", "host_unit", "former_member",
    "conviction_expunged_on",
)

# Steps that need other steps first (DEV-01).
FILE_STEPS = (StepKind.APPLICATION, StepKind.BACKGROUND, StepKind.VERIFICATION, StepKind.INTRODUCERS,
              StepKind.COMMENTS)
PREREQUISITES: dict[str, tuple[str, ...]] = {
    StepKind.COURSE: (),
    StepKind.APPLICATION: (StepKind.COURSE,),
    StepKind.BACKGROUND: (StepKind.APPLICATION,),
    StepKind.VERIFICATION: (StepKind.BACKGROUND,),
    StepKind.INTRODUCERS: (StepKind.APPLICATION,),
    StepKind.COMMENTS: (StepKind.APPLICATION,),
    StepKind.CELL_RESOLUTION: (StepKind.COURSE, *FILE_STEPS),
    StepKind.BASE_RESOLUTION: (StepKind.CELL_RESOLUTION,),
    StepKind.DECISION: (StepKind.CELL_RESOLUTION,),
    StepKind.CEREMONY: (StepKind.DECISION,),
    StepKind.RECOGNITION_VOTE: (StepKind.CEREMONY,),
    StepKind.RECOGNITION: (StepKind.RECOGNITION_VOTE,),
    StepKind.PROBATION_REMOVAL: (StepKind.CEREMONY,),
}
TERMINAL = (StepKind.RECOGNITION, StepKind.PROBATION_REMOVAL)

# ADM-13: who may decide an admission.
DECIDING_BODIES = {
    "superior_standing": ("Ban Thường vụ Đảng ủy cấp trên trực tiếp cơ sở", "T/M BAN THƯỜNG VỤ"),
    "base_authorised": ("Đảng ủy cơ sở được ủy quyền kết nạp", "T/M ĐẢNG ỦY"),
    "provincial": ("Thường trực cấp ủy cấp tỉnh (trường hợp đặc biệt)", "T/M BAN THƯỜNG VỤ"),
}


def needs_base_resolution(organisation: Organisation) -> bool:
    """A cell inside a đảng bộ cơ sở goes through the base committee's resolution (8-KNĐ)."""
    return organisation.org_type in (OrgType.SUBORDINATE_CELL, OrgType.SUB_COMMITTEE)


def may_be_decided_by_base(organisation: Organisation) -> bool:
    return organisation.org_type in (OrgType.SUBORDINATE_CELL, OrgType.SUB_COMMITTEE, OrgType.BASE_PARTY_COMMITTEE)


@dataclass
class Approval:
    """The written approval behind a documented exception (or a required consent)."""

    number: str = ""
    date: date | None = None
    body: str = ""
    reason: str = ""

    @property
    def complete(self) -> bool:
        return bool(clean(self.number)) and self.date is not None and bool(clean(self.body))

    def as_dict(self) -> dict[str, Any]:
        return {"number": clean(self.number), "date": self.date.isoformat() if self.date else None,
                "body": clean(self.body), "reason": clean(self.reason)}


@dataclass
class _Checker:
    """Checks rules on one date, remembering the basis of each version applied and the exceptions used."""

    day: date
    approval: Approval | None = None
    applied: dict[str, str] = field(default_factory=dict)
    excepted: list[str] = field(default_factory=list)

    def note(self, rule_id: str, on: date | None = None) -> None:
        self.applied[rule_id] = rule_in_force(rule_id, on or self.day).basis

    def require(self, rule_id: str, ok: bool, detail: str = "", *, exception_allowed: bool = False,
                on: date | None = None) -> None:
        self.note(rule_id, on)
        if ok:
            return
        if exception_allowed and self.approval is not None and self.approval.complete:
            self.excepted.append(rule_id)
            return
        if exception_allowed:
            detail = (detail + " Nếu có văn bản chấp thuận, hãy ghi số, ngày và cơ quan chấp thuận.").strip()
        refuse(rule_id, on=on or self.day, detail=detail)


def _actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _steps(candidate: Candidate) -> list[CandidateStep]:
    return list(candidate.steps.order_by("day", "id"))


def _last(steps: list[CandidateStep], kind: str) -> CandidateStep | None:
    found = [s for s in steps if s.kind == kind]
    return found[-1] if found else None


def stage_of(steps) -> str:
    kinds = {s.kind for s in steps if s.outcome != "failed"}
    if StepKind.PROBATION_REMOVAL in kinds:
        return Stage.PROBATION_REMOVED
    if StepKind.RECOGNITION in kinds:
        return Stage.OFFICIAL
    if StepKind.CEREMONY in kinds:
        return Stage.PROBATIONARY
    if StepKind.DECISION in kinds:
        return Stage.DECIDED
    if StepKind.CELL_RESOLUTION in kinds:
        return Stage.PROPOSED
    if kinds & set(FILE_STEPS):
        return Stage.FILE
    if StepKind.COURSE in kinds:
        return Stage.COURSE_DONE
    return Stage.SOURCE


def probation_end(ceremony_day: date) -> date:
    return add_months(ceremony_day, param("PROB-01", "probation_months", ceremony_day))


# Candidates ------------------------------------------------------------------------------------

def _apply_fields(candidate: Candidate, data: dict[str, Any]) -> None:
    for name in CANDIDATE_FIELDS:
        if name in data:
            value = data[name]
            setattr(candidate, name, clean(value) if isinstance(value, str) else value)
    candidate.search_name = search_key(candidate.full_name)
    candidate.sort_key = person_sort_key(candidate.full_name)


def _snapshot(candidate: Candidate) -> dict[str, Any]:
    snap = {name: getattr(candidate, name) for name in CANDIDATE_FIELDS
            if name not in ("helper", "host_unit", "former_member")}
    if snap.get("citizen_id"):
        snap["citizen_id"] = "********" + str(snap["citizen_id"])[-4:]
    snap["organisation"] = candidate.organisation.code
    return snap


@transaction.atomic
def candidate_create(*, actor, organisation: Organisation, data: dict[str, Any]) -> Candidate:
    """Put a person in the cell's source list (danh sách quần chúng ưu tú)."""
    listed_on = data.get("listed_on") or timezone.localdate()
    require("ORG-17", on=listed_on, ok=organisation.org_type in MEMBER_HOLDING_TYPES and organisation.ended_on is None)
    require("DEV-02", on=listed_on, ok=listed_on <= timezone.localdate())
    candidate = Candidate(organisation=organisation, listed_on=listed_on)
    _apply_fields(candidate, data)
    require("DEV-04", on=listed_on, ok=bool(candidate.full_name) and bool(candidate.gender)
            and candidate.date_of_birth is not None)
    if candidate.host_unit_id is None:
        candidate.host_unit_id = organisation.host_unit_id
    if candidate.former_member_id:
        require("LIFE-03", on=listed_on, ok=candidate.former_member.status in (
            MemberStatus.REMOVED, MemberStatus.PROBATION_REMOVED, MemberStatus.RESIGNED, MemberStatus.EXPELLED),
            detail="Chỉ kết nạp lại người đã ra khỏi Đảng.")
    candidate.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=candidate, organisation=organisation,
                 new=_snapshot(candidate))
    return candidate


@transaction.atomic
def candidate_update(*, actor, candidate: Candidate, data: dict[str, Any]) -> Candidate:
    """Correct identity, occupation, flags, helper or notes (the steps are never edited)."""
    Candidate.objects.select_for_update().filter(pk=candidate.pk).first()
    old = _snapshot(candidate)
    _apply_fields(candidate, data)
    require("DEV-04", on=timezone.localdate(), ok=bool(candidate.full_name) and bool(candidate.gender)
            and candidate.date_of_birth is not None)
    candidate.save()
    new = _snapshot(candidate)
    changed = [k for k in new if old.get(k) != new[k]]
    audit_record(actor=actor, action=AuditAction.UPDATE, target=candidate, organisation=candidate.organisation,
                 old={k: old.get(k) for k in changed}, new={k: new[k] for k in changed})
    return candidate


# Steps -----------------------------------------------------------------------------------------

def _check_order(candidate: Candidate, steps: list[CandidateStep], kind: str, day: date) -> None:
    done = {s.kind for s in steps if s.outcome != "failed"}
    if kind != StepKind.RECOGNITION_VOTE and kind in done:
        refuse("DEV-03", on=day, detail=f"({StepKind(kind).label}.)")
    if done & set(TERMINAL):
        refuse("DEV-03", on=day, detail="Hồ sơ đã kết thúc (đã công nhận chính thức hoặc đã xóa tên).")
    required = list(PREREQUISITES[kind])
    if kind == StepKind.DECISION and needs_base_resolution(candidate.organisation):
        required.append(StepKind.BASE_RESOLUTION)
    if kind == StepKind.RECOGNITION_VOTE and StepKind.RECOGNITION_VOTE in done:
        refuse("DEV-03", on=day, detail="Chi bộ đã có nghị quyết đề nghị công nhận chính thức.")
    missing = [StepKind(k).label for k in required if k not in done and not (
        k == StepKind.RECOGNITION_VOTE and _failed_votes(steps) >= param("PROB-05", "max_votes", day))]
    if missing:
        refuse("DEV-01", on=day, detail="Còn thiếu: " + "; ".join(missing) + ".")
    previous = [s.day for s in steps if s.kind in required]
    require("DEV-02", on=day, ok=day <= timezone.localdate() and all(day >= p for p in previous),
            detail=f"Bước trước ghi ngày {max(previous):%d/%m/%Y}." if previous else "")


def _failed_votes(steps: list[CandidateStep]) -> int:
    return sum(1 for s in steps if s.kind == StepKind.RECOGNITION_VOTE and s.outcome == "failed")


def _two_thirds(rule_id: str, day: date, total: int, votes: int) -> bool:
    num, den = param(rule_id, "numerator", day), param(rule_id, "denominator", day)
    return total > 0 and 0 <= votes <= total and votes * den >= total * num


def _member_profile(candidate: Candidate) -> dict[str, Any]:
    return {"full_name": candidate.full_name, "gender": candidate.gender, "date_of_birth": candidate.date_of_birth,
            "citizen_id": candidate.citizen_id or None, "ethnicity": candidate.ethnicity,
            "religion": candidate.religion, "home_town": candidate.home_town, "residence": candidate.residence}


def _member_values(candidate: Candidate) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(candidate, name)
                              for name in ("occupation", "general_education", "professional")
                              if getattr(candidate, name) and getattr(candidate, name) != "unknown"}
    for name in ("is_youth_union_member", "is_business_owner", "has_foreign_spouse"):
        values[name] = getattr(candidate, name)
    return values


def _check_introducers(check: _Checker, candidate: Candidate, details: dict[str, Any]) -> None:
    day = check.day
    introducers = details.get("introducers") or []
    resolution = details.get("org_resolution") or {}
    has_resolution = bool(resolution.get("kind")) and bool(clean(resolution.get("number", "")))
    member_ids = [i["member_id"] for i in introducers if i.get("member_id")]
    check.require("ADM-07", ok=len(set(member_ids)) == len(member_ids) and (
        len(member_ids) == 2 or (has_resolution and len(member_ids) == 1)),
        detail=f"Đã ghi {len(set(member_ids))} đảng viên giới thiệu"
               + (" và nghị quyết của tổ chức đoàn thể." if has_resolution else "."))
    if has_resolution:
        union = resolution["kind"]
        check.require("ADM-07", ok=(union == "doan" and candidate.is_youth_union_member)
                      or (union == "cong_doan" and candidate.is_trade_union_member),
                      detail="Người xin vào Đảng phải là đoàn viên của tổ chức đã ra nghị quyết giới thiệu.")
    months = param("ADM-06", "months", day)
    for item in introducers:
        member = Member.objects.filter(pk=item["member_id"]).first()
        if member is None:
            refuse("ADM-06", on=day, detail="Không tìm thấy đảng viên giới thiệu.")
        state = member_state_on(member, day)
        check.require("ADM-06", ok=state.status == MemberStatus.OFFICIAL,
                      detail=f"Đồng chí {member.full_name} không phải là đảng viên chính thức vào ngày {day:%d/%m/%Y}.")
        since = date.fromisoformat(item["since"]) if item.get("since") else None
        check.require("ADM-06", ok=since is not None and add_months(since, months) <= day,
                      detail=f"Đồng chí {member.full_name} cùng công tác với người xin vào Đảng từ "
                             f"{since:%d/%m/%Y}, chưa đủ {months} tháng." if since else "Cần ghi ngày bắt đầu cùng công tác.")
        item["name"] = member.full_name


def _check_cell_resolution(check: _Checker, candidate: Candidate, steps, details: dict[str, Any]) -> None:
    day = check.day
    born = candidate.date_of_birth
    months = calendar_months(born, day)
    check.require("ADM-01", ok=months >= param("ADM-01", "min_age_months", day),
                  detail=f"Sinh ngày {born:%d/%m/%Y}.")
    max_years = param("ADM-02", "max_age_years", day)
    check.require("ADM-02", ok=months // 12 <= max_years, exception_allowed=True,
                  detail=f"Sinh ngày {born:%d/%m/%Y}: {months // 12} tuổi (tính theo tháng).")
    check.require("ADM-03", ok=candidate.general_education in param("ADM-03", "accepted", day),
                  exception_allowed=True, detail="Trình độ giáo dục phổ thông đã ghi: "
                  + {"primary": "tiểu học", "literate": "biết đọc, biết viết"}.get(candidate.general_education,
                                                                                 "chưa cập nhật") + ".")
    course = _last(steps, StepKind.COURSE)
    valid = param("ADM-04", "valid_months", day)
    check.require("ADM-04", ok=course is not None and day <= add_months(course.day, valid),
                  detail=f"Giấy chứng nhận cấp ngày {course.day:%d/%m/%Y}, hết hạn ngày "
                         f"{add_months(course.day, valid):%d/%m/%Y}." if course else "")
    check.note("ADM-09")
    total, votes = int(details.get("official_total") or 0), int(details.get("votes_for") or 0)
    check.require("ADM-10", ok=_two_thirds("ADM-10", day, total, votes),
                  detail=f"Tán thành {votes}/{total} đảng viên chính thức.")
    former = candidate.former_member
    if former is not None:
        state = member_state_on(former, day)
        left = state.left_on
        readm_months = param("READM-01", "months", day)
        check.require("READM-01", ok=left is not None and day >= add_months(left, readm_months),
                      detail=f"Ra khỏi Đảng ngày {left:%d/%m/%Y}." if left else "")
        if candidate.conviction_expunged_on:
            expunged = candidate.conviction_expunged_on
            check.require("READM-02", ok=day >= add_months(expunged, param("READM-02", "months", day)),
                          detail=f"Xóa án tích ngày {expunged:%d/%m/%Y}.")
        # A required consent rather than an exception: the approval must be there.
        check.require("READM-03", ok=check.approval is not None and check.approval.complete)
        if "READM-03" not in check.excepted:
            check.excepted.append("READM-03")


def _check_decision(check: _Checker, candidate: Candidate, steps, details: dict[str, Any],
                    received_on: date | None) -> None:
    day = check.day
    resolution = _last(steps, StepKind.CELL_RESOLUTION)
    assert resolution is not None
    body_kind = details.get("body_kind", "")
    check.require("ADM-13", ok=body_kind in DECIDING_BODIES and (
        body_kind != "base_authorised" or may_be_decided_by_base(candidate.organisation)),
        detail="Chi bộ cơ sở trực thuộc Đảng ủy cấp trên không do đảng ủy cơ sở quyết định."
        if body_kind == "base_authorised" else "")
    limit = param("ADM-12", "working_days", day)
    extended = bool(details.get("extension_notice"))
    if extended:
        limit += param("ADM-12", "extension_days", day)
    used = working_days_between(resolution.day, day)
    check.require("ADM-12", ok=used <= limit,
                  detail=f"Nghị quyết chi bộ ngày {resolution.day:%d/%m/%Y}; hạn quyết định là ngày "
                         f"{add_working_days(resolution.day, limit):%d/%m/%Y} ({limit} ngày làm việc).")
    require("DEV-02", on=day, ok=received_on is None or day <= received_on <= timezone.localdate(),
            detail="Ngày chi bộ nhận quyết định không được trước ngày ban hành.")


def ceremony_deadline(decision: CandidateStep, on: date) -> tuple[date, str]:
    """ADM-14: the last day for the ceremony, counted from receipt (≤ QĐ 294) or issue (QĐ 208)."""
    counts_from = param("ADM-14", "counts_from", on)
    start = decision.received_on if counts_from == "receipt" and decision.received_on else decision.day
    return add_working_days(start, param("ADM-14", "working_days", on)), counts_from


def _ceremony_ledger(*, actor, candidate: Candidate, decision: CandidateStep, day: date,
                     approval: Approval | None) -> Member:
    ledger_decision = Decision(decision.document_number, decision.day, decision.issuing_body)
    if candidate.former_member_id:
        member = candidate.former_member
        member_record_event(actor=actor, member=member, kind=EventKind.READMISSION, effective_date=decision.day,
                            decision=ledger_decision, organisation=candidate.organisation, ceremony_date=day,
                            details={"candidate": candidate.pk,
                                     "exception_approval": approval.as_dict() if approval else None})
        return member
    return member_admit(actor=actor, profile=_member_profile(candidate), organisation=candidate.organisation,
                        decision=ledger_decision, admitted_on=decision.day, ceremony_date=day,
                        values=_member_values(candidate), details={"candidate": candidate.pk})


@transaction.atomic
def candidate_record_step(*, actor, candidate: Candidate, kind: str, day: date, document: Decision | None = None,
                          received_on: date | None = None, details: dict[str, Any] | None = None,
                          approval: Approval | None = None) -> CandidateStep:
    """Record one dated step of the admission file, checked under the rules in force on ``day``."""
    kind = StepKind(kind)
    Candidate.objects.select_for_update().filter(pk=candidate.pk).first()
    steps = _steps(candidate)
    _check_order(candidate, steps, kind, day)
    details = dict(details or {})
    document = document or Decision()
    check = _Checker(day=day, approval=approval)
    outcome = "done"
    member: Member | None = None

    if kind == StepKind.INTRODUCERS:
        _check_introducers(check, candidate, details)
    elif kind == StepKind.COMMENTS:
        ok = bool(details.get("mass_org_on")) and bool(details.get("residence_on"))
        check.require("ADM-09", ok=ok)
    elif kind == StepKind.CELL_RESOLUTION:
        _check_cell_resolution(check, candidate, steps, details)
    elif kind == StepKind.DECISION:
        _check_decision(check, candidate, steps, details, received_on)
        require("DEV-04", on=day, ok=bool(clean(document.number)),
                detail="Cần ghi số quyết định kết nạp.")
    elif kind == StepKind.CEREMONY:
        decision = _last(steps, StepKind.DECISION)
        assert decision is not None
        deadline, counts_from = ceremony_deadline(decision, day)
        start_text = "nhận" if counts_from == "receipt" else "ban hành"
        require("DEV-02", on=day, ok=decision.received_on is None or day >= decision.received_on)
        check.require("ADM-14", ok=day <= deadline, exception_allowed=True,
                      detail=f"Hạn tổ chức lễ kết nạp (30 ngày làm việc từ ngày {start_text} quyết định) "
                             f"là ngày {deadline:%d/%m/%Y}.")
        member = _ceremony_ledger(actor=actor, candidate=candidate, decision=decision, day=day, approval=approval)
        check.note("PROB-01")
    elif kind == StepKind.RECOGNITION_VOTE:
        ceremony = _last(steps, StepKind.CEREMONY)
        assert ceremony is not None
        due = probation_end(ceremony.day)
        check.require("PROB-01", ok=day >= due, detail=f"Đủ 12 tháng dự bị vào ngày {due:%d/%m/%Y}.")
        check.require("PROB-05", ok=_failed_votes(steps) < param("PROB-05", "max_votes", day))
        review_by = add_working_days(due, param("PROB-02", "working_days", due))
        check.require("PROB-02", ok=day <= review_by, exception_allowed=True,
                      detail=f"Hạn chi bộ xét là ngày {review_by:%d/%m/%Y}.")
        total, votes = int(details.get("official_total") or 0), int(details.get("votes_for") or 0)
        require("ADM-10", on=day, ok=total > 0 and 0 <= votes <= total,
                detail=f"Tán thành {votes}/{total} đảng viên chính thức.")
        check.note("ADM-10")
        outcome = "done" if _two_thirds("ADM-10", day, total, votes) else "failed"
    elif kind == StepKind.RECOGNITION:
        ceremony = _last(steps, StepKind.CEREMONY)
        votes = [s for s in steps if s.kind == StepKind.RECOGNITION_VOTE]
        assert ceremony is not None and votes
        last_vote = votes[-1]
        limit = param("PROB-03", "working_days", day)
        if details.get("extension_notice"):
            limit += param("PROB-03", "extension_days", day)
        if last_vote.outcome == "done":
            check.require("PROB-03", ok=working_days_between(last_vote.day, day) <= limit,
                          detail=f"Nghị quyết chi bộ ngày {last_vote.day:%d/%m/%Y}; hạn quyết định là ngày "
                                 f"{add_working_days(last_vote.day, limit):%d/%m/%Y}.")
        else:
            check.note("PROB-05")  # three failed votes: the superior committee decides
        require("DEV-04", on=day, ok=bool(clean(document.number)), detail="Cần ghi số quyết định công nhận.")
        due = probation_end(ceremony.day)
        details["official_on"] = due.isoformat()
        check.note("PROB-04", due)
        member = candidate.member
        member_record_event(actor=actor, member=member, kind=EventKind.RECOGNITION, effective_date=due,
                            decision=Decision(document.number, day, document.body),
                            details={"candidate": candidate.pk})
    elif kind == StepKind.PROBATION_REMOVAL:
        total, votes = int(details.get("official_total") or 0), int(details.get("votes_for") or 0)
        check.require("PROB-11", ok=_two_thirds("PROB-11", day, total, votes),
                      detail=f"Tán thành {votes}/{total} đảng viên chính thức.")
        check.note("PROB-06")
        member = candidate.member
        member_record_event(actor=actor, member=member, kind=EventKind.PROBATION_REMOVAL, effective_date=day,
                            decision=Decision(document.number, document.date or day, document.body),
                            details={"candidate": candidate.pk, "reason": clean(details.get("reason", ""))})

    exception = {}
    if check.excepted and approval is not None:
        exception = {"rules": check.excepted, **approval.as_dict()}
    step = CandidateStep.objects.create(
        candidate=candidate, kind=kind, day=day, document_number=clean(document.number),
        document_date=document.date or (day if document.number else None), issuing_body=clean(document.body),
        received_on=received_on, details=details, rules_applied=check.applied, exception=exception,
        outcome=outcome, recorded_at=timezone.now(), recorded_by=_actor_or_none(actor))
    steps.append(step)
    candidate.stage = stage_of(steps)
    candidate.last_step_on = max(s.day for s in steps)
    if member is not None and candidate.member_id is None:
        candidate.member = member
    candidate.save(update_fields=["stage", "last_step_on", "member"])
    audit_record(actor=actor, action=AuditAction.CREATE, event_type=f"candidate_step:{kind.value}",
                 target=candidate, organisation=candidate.organisation,
                 new={"kind": kind.value, "day": day, "document": document.number, "details": details,
                      "rules": check.applied, "exception": exception, "outcome": outcome},
                 reason=clean(document.number))
    return step


# Targets ---------------------------------------------------------------------------------------

@transaction.atomic
def target_set(*, actor, organisation: Organisation, target: int, year: int | None = None,
               term: Term | None = None) -> AdmissionTarget:
    """Set (or change) the admission target of an organisation for a year or a term."""
    today = timezone.localdate()
    require("DEV-05", on=today, ok=target is not None and target >= 0 and ((year is None) != (term is None)))
    if term is not None:
        require("DEV-05", on=today, ok=term.organisation_id == organisation.pk,
                detail="Nhiệm kỳ không thuộc tổ chức này.")
    existing = AdmissionTarget.objects.select_for_update().filter(organisation=organisation, year=year,
                                                                  term=term).first()
    old = {"target": existing.target} if existing else {}
    if existing:
        existing.target = target
        existing.save(update_fields=["target"])
        item = existing
    else:
        item = AdmissionTarget.objects.create(organisation=organisation, year=year, term=term, target=target)
    audit_record(actor=actor, action=AuditAction.UPDATE if existing else AuditAction.CREATE, target=item,
                 organisation=organisation, old=old,
                 new={"target": target, "year": year, "term": term.label if term else None})
    return item


__all__ = ["Approval", "RuleViolation", "candidate_create", "candidate_record_step", "candidate_update",
           "target_set"]

"""Reads of oversight records: programme progress (planned versus done) and the deadline lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from dangvu.oversight import access
from dangvu.oversight.models import Activity, CaseStatus, Programme, ProgrammeItem, SuspensionKind
from dangvu.oversight.services import limitation_expiry
from dangvu.rules.engine import param


def add_working_days(start: date, days: int) -> date:
    """``days`` working days after ``start`` (Saturdays and Sundays skipped; public holidays not known here)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


@dataclass
class ItemProgress:
    item: ProgrammeItem
    done: int
    overdue: bool


def programme_progress(programme: Programme, today: date) -> list[ItemProgress]:
    items = programme.items.annotate(done=Count("activities")).order_by("planned_from", "id")
    return [ItemProgress(item=i, done=i.done, overdue=i.done == 0 and i.planned_to < today) for i in items]


def programme_summary(programme: Programme, today: date) -> dict[str, int]:
    progress = programme_progress(programme, today)
    unplanned = Activity.objects.filter(organisation=programme.organisation, actor=programme.actor,
                                        decision_date__year=programme.year, programme_item__isnull=True).count()
    return {"planned": len(progress), "done": sum(1 for p in progress if p.done),
            "overdue": sum(1 for p in progress if p.overdue), "unplanned": unplanned}


@dataclass
class Deadline:
    kind: str
    label: str
    due: date
    url_name: str
    pk: int


def deadlines(user, today: date, *, horizon_days: int = 30) -> list[Deadline]:
    """Appeals awaiting resolution, suspensions ending, limitation periods about to expire, programme
    items overdue — within the user's oversight scope."""
    horizon = today + timedelta(days=horizon_days)
    items: list[Deadline] = []
    for appeal in access.appeals_for(user).filter(outcome="").select_related("case__member", "case__organisation"):
        due = add_working_days(appeal.received_on, param("KN-05", "working_days", appeal.received_on))
        items.append(Deadline("Khiếu nại chờ giải quyết", appeal.case.subject_name, due, "oversight:case_detail",
                              appeal.case_id))
    for suspension in access.suspensions_for(user).filter(ended_on__isnull=True, ends_on__lte=horizon):
        kind = "Đình chỉ sinh hoạt đảng" if suspension.kind == SuspensionKind.PARTY else "Đình chỉ sinh hoạt cấp ủy"
        items.append(Deadline(f"{kind} sắp hết hạn", str(suspension.member), suspension.ends_on,
                              "oversight:suspension_detail", suspension.pk))
    for case in access.cases_for(user).filter(status__in=[CaseStatus.OPEN, CaseStatus.POSTPONED]):
        expiry = limitation_expiry(case, case.proposed_form, today)
        if expiry is not None and expiry <= horizon + timedelta(days=60):
            items.append(Deadline("Thời hiệu kỷ luật sắp hết", case.subject_name, expiry, "oversight:case_detail",
                                  case.pk))
    programmes = access.programmes_for(user).filter(year__lte=today.year)
    for item in (ProgrammeItem.objects.filter(programme__in=programmes, planned_to__lt=today)
                 .annotate(done=Count("activities")).filter(done=0).select_related("programme")):
        items.append(Deadline("Nội dung chương trình quá hạn", item.subjects, item.planned_to,
                              "oversight:programme_detail", item.programme_id))
    return sorted(items, key=lambda d: d.due)

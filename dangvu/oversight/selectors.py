"""Reads of oversight records: programme progress (planned versus done), postponed cases and the
deadline lists. Working days (KN-05) follow the holiday calendar of ``dangvu.workdays``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from dangvu.oversight import access
from dangvu.oversight.models import Activity, Appeal, CaseStatus, DisciplineCase, Programme, ProgrammeItem
from dangvu.oversight.services import limitation_expiry
from dangvu.rules.engine import param
from dangvu.workdays.services import add_working_days

__all__ = ["add_working_days", "appeal_due", "deadlines", "postponed_cases", "programme_progress",
           "programme_summary"]


def appeal_due(appeal: Appeal) -> date:
    """KN-05: the last day to resolve an appeal, in working days from receipt (weekends, Tết and the
    other public holidays of the calendar skipped)."""
    return add_working_days(appeal.received_on, param("KN-05", "working_days", appeal.received_on))


def postponed_cases(user, today: date) -> list[tuple[DisciplineCase, bool]]:
    """Cases not yet considered (NOKL-01), in scope, with whether their until-date has passed."""
    cases = access.cases_for(user).filter(status=CaseStatus.POSTPONED).order_by("postponed_until", "id")
    return [(case, case.postponed_until is not None and case.postponed_until < today) for case in cases]


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
    items overdue, postponed cases whose until-date has passed — within the user's oversight scope."""
    horizon = today + timedelta(days=horizon_days)
    items: list[Deadline] = []
    for appeal in access.appeals_for(user).filter(outcome="").select_related("case__member", "case__organisation"):
        items.append(Deadline("Khiếu nại chờ giải quyết", appeal.case.subject_name, appeal_due(appeal),
                              "oversight:case_detail", appeal.case_id))
    for suspension in access.suspensions_for(user).filter(ended_on__isnull=True, ends_on__lte=horizon):
        items.append(Deadline(f"{suspension.get_kind_display()} sắp hết hạn", suspension.subject_name,
                              suspension.ends_on, "oversight:suspension_detail", suspension.pk))
    for case, passed in postponed_cases(user, today):
        if passed:
            items.append(Deadline("Hết thời gian chưa xem xét kỷ luật (tạm hoãn)", case.subject_name,
                                  case.postponed_until, "oversight:case_detail", case.pk))
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

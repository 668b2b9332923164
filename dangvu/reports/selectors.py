"""Reports through the access layer: who may report on what, see which figures, and drill to which records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from dangvu.access.policies import (
    MEMBER_WRITERS,
    access_organisation,
    members_for,
    organisations_for,
    scope_for,
)
from dangvu.organisations.models import Organisation, Term
from dangvu.oversight.access import OVERSIGHT_READERS
from dangvu.reports import periods
from dangvu.reports.engine import Check, Record, Report, compute, records_for
from dangvu.reports.figures import REGISTRY
from dangvu.reports.models import IssuedReport
from dangvu.reports.narrative import text_paragraphs, without_oversight
from dangvu.reports.periods import Period, build_report

HIDDEN = "(ngoài phạm vi được xem)"


def may_read_oversight(user, organisation: Organisation) -> bool:
    return bool(scope_for(user).roles_at(organisation.path) & OVERSIGHT_READERS)


def may_issue(user, organisation: Organisation) -> bool:
    return bool(scope_for(user).roles_at(organisation.path) & MEMBER_WRITERS)


def report_organisations(user) -> QuerySet[Organisation]:
    return organisations_for(user, for_write=False).order_by("path")


def report_for(user, organisation_pk, date_from: date, date_to: date, as_of: datetime | None = None, *,
               progress=None, compare: bool = True) -> Report:
    """The report on an organisation in the user's scope (404 outside it), with its comparisons unless
    ``compare`` is false (a drill-down needs none); oversight and discipline figures only for the roles
    allowed by ``dangvu.oversight.access``."""
    organisation = access_organisation(user, organisation_pk, for_write=False)
    if not compare:
        return compute(organisation, date_from, date_to, as_of, confidential=may_read_oversight(user, organisation),
                       compare=False, narrative=False)
    return build_report(organisation, date_from, date_to, as_of, confidential=may_read_oversight(user, organisation),
                        progress=progress)


def drill_down(user, report: Report, figure_id: str) -> list[Record]:
    """The records behind a figure; members the user may not see now keep their row, without the name."""
    figure = REGISTRY.get(figure_id)
    if figure is None or (figure.confidential and not report.confidential):
        raise Http404("Không có chỉ số này.")
    records = records_for(report, figure_id)
    member_ids = {r.member_id for r in records if r.member_id}
    visible = set(members_for(user, for_write=False).filter(pk__in=member_ids).values_list("pk", flat=True))
    for record in records:
        if record.member_id and record.member_id not in visible:
            record.label, record.member_id = HIDDEN, None
    return records


def terms_of(organisation: Organisation) -> list[Term]:
    return periods.terms_of(organisation)


# Issued reports --------------------------------------------------------------------------------

def issued_for(user) -> QuerySet[IssuedReport]:
    visible = organisations_for(user, for_write=False)
    return IssuedReport.objects.filter(organisation__in=visible).select_related("organisation", "issued_by")


def access_issued(user, pk) -> IssuedReport:
    issued = issued_for(user).filter(pk=pk).first()
    if issued is None:
        raise Http404("Không tìm thấy báo cáo.")
    return issued


def frozen_report(user, issued: IssuedReport) -> Report:
    """The report exactly as issued (figures, checks, text), without the confidential figures for users
    who may not read them."""
    confidential = issued.confidential and may_read_oversight(user, issued.organisation)
    hidden = issued.confidential and not confidential

    def visible(values):
        if values is None:
            return None
        return {k: v for k, v in values.items() if k not in REGISTRY or not hidden or not REGISTRY[k].confidential}

    report = Report(root=issued.organisation, date_from=issued.date_from, date_to=issued.date_to, as_of=issued.as_of,
                    figures=visible(issued.figures), populations={}, confidential=confidential,
                    comparison=visible(issued.comparison),
                    checks=[Check(c["id"], c["ok"], c["detail"], c.get("label", "")) for c in issued.checks],
                    text=without_oversight(issued.text) if hidden else issued.text)
    periods_ = issued.comparison_periods or {}
    previous = Period.from_list(periods_.get("previous"))
    if previous is not None:
        report.previous, report.previous_label = (previous.start, previous.stop), previous.label
    same = Period.from_list(periods_.get("year_earlier"))
    if same is not None and issued.year_earlier is not None:
        report.year_earlier = visible(issued.year_earlier)
        report.year_earlier_period, report.year_earlier_label = (same.start, same.stop), same.label
    if hidden and not text_paragraphs(report.text):
        from dangvu.reports.narrative import narrative

        report.text = narrative(report)
    return report


@dataclass
class Difference:
    figure_id: str
    label: str
    issued: float
    today: float
    added: list[str]
    removed: list[str]


def differences(user, issued: IssuedReport) -> list[Difference]:
    """Figures that differ when the same report is recomputed today, with the records that changed."""
    if not may_read_oversight(user, issued.organisation) and issued.confidential:
        confidential = False
    else:
        confidential = issued.confidential
    today = compute(issued.organisation, issued.date_from, issued.date_to, confidential=confidential,
                    narrative=False, compare=False)
    then = None
    result = []
    for figure_id, value in issued.figures.items():
        if figure_id not in today.figures or today.figures[figure_id] == value:
            continue
        if then is None:
            then = compute(issued.organisation, issued.date_from, issued.date_to, issued.as_of,
                           confidential=confidential, narrative=False, compare=False)
        added, removed = [], []
        if REGISTRY[figure_id].kind == "count":
            before = {(r.key, r.day, r.description): r.label for r in drill_down(user, then, figure_id)}
            after = {(r.key, r.day, r.description): r.label for r in drill_down(user, today, figure_id)}
            added = [f"{after[k]} ({k[2]})" for k in after.keys() - before.keys()]
            removed = [f"{before[k]} ({k[2]})" for k in before.keys() - after.keys()]
        result.append(Difference(figure_id, REGISTRY[figure_id].label, value, today.figures[figure_id],
                                 sorted(added), sorted(removed)))
    return result


def require_issuer(user, organisation: Organisation) -> None:
    if not may_issue(user, organisation):
        raise PermissionDenied("Bạn không có quyền ban hành báo cáo của tổ chức này.")

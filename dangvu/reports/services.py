"""Issuing a report: number it (per document type per committee term, DOMAIN.md §6.3) and freeze it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.organisations.models import CELL_TYPES, Term
from dangvu.reports.engine import Report
from dangvu.reports.models import IssuedReport


def issuer_code(organisation) -> str:
    return "CB" if organisation.org_type in CELL_TYPES else "ĐU"


def term_on(organisation, day) -> Term | None:
    return (Term.objects.filter(organisation=organisation, starts_on__lte=day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).order_by("-starts_on").first())


def report_title(report: Report) -> str:
    return (f"tình hình công tác xây dựng Đảng từ ngày {report.date_from:%d/%m/%Y} "
            f"đến ngày {report.date_to:%d/%m/%Y}")


def _periods(report: Report) -> dict:
    """The compared periods with their names, so that an issued report reopens with the same comparisons."""
    result = {}
    if report.previous is not None and report.comparison is not None:
        result["previous"] = [report.previous[0].isoformat(), report.previous[1].isoformat(), report.previous_label]
    if report.year_earlier_period is not None and report.year_earlier is not None:
        start, stop = report.year_earlier_period
        result["year_earlier"] = [start.isoformat(), stop.isoformat(), report.year_earlier_label]
    return result


@transaction.atomic
def report_issue(*, actor, report: Report, place: str = "") -> IssuedReport:
    """Freeze ``report`` as issued now, with the next number of the committee's current term."""
    now = timezone.now()
    organisation = report.root
    term = term_on(organisation, timezone.localdate(now))
    existing = IssuedReport.objects.select_for_update().filter(organisation=organisation, term=term, doc_type="BC")
    sequence = (existing.aggregate(n=Max("sequence"))["n"] or 0) + 1
    issued = IssuedReport(
        organisation=organisation, term=term, doc_type="BC", sequence=sequence,
        number=f"Số {sequence:02d}-BC/{issuer_code(organisation)}", title=report_title(report), place=place,
        date_from=report.date_from, date_to=report.date_to, as_of=report.as_of, confidential=report.confidential,
        figures=report.figures, comparison=report.comparison, year_earlier=report.year_earlier,
        comparison_periods=_periods(report),
        checks=[{"id": c.id, "ok": c.ok, "detail": c.detail, "label": c.label} for c in report.checks],
        text=report.text, issued_at=now, issued_by=actor if getattr(actor, "is_authenticated", False) else None)
    issued.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=issued, organisation=organisation,
                 new={"number": issued.number, "from": str(report.date_from), "to": str(report.date_to),
                      "as_of": report.as_of.isoformat()})
    return issued


def report_audit(*, actor, organisation, action: str, what: str) -> None:
    """Reading or exporting a report writes an audit row."""
    audit_record(actor=actor, action=AuditAction.EXPORT if action == "export" else AuditAction.READ,
                 target=organisation, organisation=organisation, event_type="report", reason=what[:500])

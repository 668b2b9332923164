"""Report pages: the report with its figures, drill-downs, narrative and checks; exports; issued reports."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from dangvu.reports import documents as exports
from dangvu.reports import jobs, selectors
from dangvu.reports.charts import chart_data, svg_bars
from dangvu.reports.figures import REGISTRY, SECTIONS
from dangvu.reports.forms import IssueForm, ReportForm
from dangvu.reports.narrative import comparisons, report_paragraphs
from dangvu.reports.services import report_audit, report_issue

logger = logging.getLogger(__name__)
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _scoped(request, data) -> None:
    """An organisation outside the user's scope is not found (404), whatever else the query says."""
    if data and data.get("to_chuc"):
        code = str(data.get("to_chuc")).strip().upper()
        if not selectors.report_organisations(request.user).filter(code=code).exists():
            raise Http404("Không tìm thấy tổ chức đảng.")


def _form(request, data):
    _scoped(request, data)
    return ReportForm(data, organisations=selectors.report_organisations(request.user),
                      terms_of=selectors.terms_of)


def _report(request, form, *, compare: bool = True):
    data = form.cleaned_data
    return selectors.report_for(request.user, data["to_chuc"].pk, data["tu"], data["den"], data.get("thoi_diem"),
                                compare=compare)


def _sections(report):
    from dangvu.reports.periods import ratio

    columns = comparisons(report)
    sections = []
    for key, title in SECTIONS.items():
        rows = []
        for fid, fig in REGISTRY.items():
            if fig.section != key or fid not in report.figures:
                continue
            value = report.figures[fid]
            earlier = [(figures.get(fid), ratio(value, figures.get(fid))) for _k, _l, figures in columns]
            rows.append((fid, fig.label, value, earlier))
        if rows:
            shown = [r for r in rows if r[2] or any(e for e, _r in r[3])]
            sections.append({"key": key, "title": title, "rows": shown, "zero": len(rows) - len(shown)})
    return sections


def _columns(report):
    return [label for _k, label, _f in comparisons(report)]


def _download(payload: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(payload, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _report_context(request, cleaned_data, report) -> dict:
    query = _form(request, None)
    query.cleaned_data = {**cleaned_data, "thoi_diem": report.as_of}
    return {"report": report, "sections": _sections(report), "query": query.query(),
            "paragraphs": report_paragraphs(report), "columns": _columns(report),
            "charts": [(title, mark_safe(svg_bars(title, rows))) for title, rows in chart_data(report)],  # noqa: S308 - built from escaped text
            "may_issue": selectors.may_issue(request.user, report.root), "issue_form": IssueForm()}


def _in_background() -> bool:
    """A report is computed in a background thread (with progress on the page) unless this request runs
    inside a transaction, whose data another thread's connection could not see, or on SQLite in memory."""
    return (getattr(settings, "DANGVU_REPORT_RUNNER", "auto") != "inline" and not connection.in_atomic_block
            and jobs.available())


@login_required
@require_GET
def index(request):
    form = _form(request, request.GET or None)
    context = {"form": form, "report": None, "job": None}
    if request.GET and form.is_valid():
        data = form.cleaned_data
        selectors.access_organisation(request.user, data["to_chuc"].pk, for_write=False)  # 404 outside the scope
        report_audit(actor=request.user, organisation=data["to_chuc"], action="read",
                     what=f"Xem báo cáo {data['tu']:%d/%m/%Y}–{data['den']:%d/%m/%Y}")
        if _in_background():
            user = request.user
            try:
                job = jobs.start(user.pk, lambda progress: selectors.report_for(
                    user, data["to_chuc"].pk, data["tu"], data["den"], data.get("thoi_diem"), progress=progress))
            except jobs.Busy as exc:
                form.add_error(None, str(exc))
                return render(request, "reports/index.html", context)
            job.cleaned_data = data
            if not job.done.wait(getattr(settings, "DANGVU_REPORT_PROGRESS_AFTER", 1.0)):
                context["job"] = job
                template = "reports/_progress.html" if request.htmx else "reports/index.html"
                return render(request, template, context)
            jobs.forget(job)
            if job.error is not None:
                raise job.error
            report = job.result
        else:
            report = _report(request, form)
        context.update(_report_context(request, data, report))
    template = "reports/_report.html" if request.htmx and context["report"] else "reports/index.html"
    return render(request, template, context)


@login_required
@require_GET
def progress(request, pk: int):
    """The progress of a report computed in the background; its result once it is done."""
    job = jobs.get(pk, request.user.pk)
    if job is None:
        raise Http404("Không tìm thấy báo cáo đang tính (có thể đã quá hạn); hãy lập lại báo cáo.")
    if not job.done.is_set():
        return render(request, "reports/_progress.html", {"job": job})
    jobs.forget(job)
    if isinstance(job.error, Http404 | PermissionDenied):
        raise job.error
    if job.error is not None:
        logger.error("Report job failed", exc_info=job.error)
        return render(request, "reports/_progress.html", {"job": job, "failed": True})
    return render(request, "reports/_report.html", _report_context(request, job.cleaned_data, job.result))


@login_required
@require_GET
def figure(request, figure_id: str):
    if figure_id not in REGISTRY:
        raise Http404("Không có chỉ số này.")
    form = _form(request, request.GET)
    if not form.is_valid():
        return render(request, "reports/index.html", {"form": form, "report": None}, status=200)
    report = _report(request, form, compare=False)
    records = selectors.drill_down(request.user, report, figure_id)
    if request.GET.get("xuat") == "xlsx":
        report_audit(actor=request.user, organisation=report.root, action="export", what=f"Xuất danh sách {figure_id}")
        return _download(exports.records_xlsx(figure_id.replace(".", " ")[:31], records), "xlsx",
                         f"{figure_id}.xlsx")
    report_audit(actor=request.user, organisation=report.root, action="read", what=f"Xem danh sách {figure_id}")
    query = _form(request, None)
    query.cleaned_data = {**form.cleaned_data, "thoi_diem": report.as_of}
    return render(request, "reports/figure.html", {"report": report, "figure": REGISTRY[figure_id],
                                                   "value": report.figures[figure_id], "records": records,
                                                   "query": query.query()})


@login_required
@require_GET
def export(request, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404("Không có định dạng này.")
    form = _form(request, request.GET)
    if not form.is_valid():
        return render(request, "reports/index.html", {"form": form, "report": None})
    report = _report(request, form)
    report_audit(actor=request.user, organisation=report.root, action="export", what=f"Xuất báo cáo {fmt}")
    return _download(_render(report, fmt), fmt, exports.filename(report, fmt))


def _render(report, fmt: str, **docx_options) -> bytes:
    if fmt == "xlsx":
        return exports.to_xlsx(report)
    docx = exports.to_docx(report, **docx_options)
    if fmt == "docx":
        return docx
    try:
        return exports.docx_to_pdf(docx)
    except exports.PdfUnavailable as exc:
        raise Http404(str(exc)) from None


@login_required
@require_POST
def issue(request):
    form = _form(request, request.POST)
    issue_form = IssueForm(request.POST)
    if not (form.is_valid() and issue_form.is_valid()):
        return render(request, "reports/index.html", {"form": form, "report": None})
    organisation = selectors.access_organisation(request.user, form.cleaned_data["to_chuc"].pk, for_write=False)
    selectors.require_issuer(request.user, organisation)
    report = _report(request, form)
    with transaction.atomic():
        issued = report_issue(actor=request.user, report=report, place=issue_form.cleaned_data["dia_danh"])
    return redirect("reports:issued_detail", pk=issued.pk)


@login_required
@require_GET
def issued_list(request):
    return render(request, "reports/issued_list.html", {"issued": selectors.issued_for(request.user)[:200]})


@login_required
@require_GET
def issued_detail(request, pk: int):
    issued = selectors.access_issued(request.user, pk)
    report = selectors.frozen_report(request.user, issued)
    report_audit(actor=request.user, organisation=issued.organisation, action="read", what=f"Xem {issued.number}")
    changes = selectors.differences(request.user, issued) if request.GET.get("so_sanh") else None
    return render(request, "reports/issued_detail.html", {
        "issued": issued, "report": report, "sections": _sections(report), "changes": changes,
        "paragraphs": report_paragraphs(report), "columns": _columns(report)})


@login_required
@require_GET
def issued_export(request, pk: int, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404("Không có định dạng này.")
    issued = selectors.access_issued(request.user, pk)
    report = selectors.frozen_report(request.user, issued)
    report_audit(actor=request.user, organisation=issued.organisation, action="export",
                 what=f"Xuất {issued.number} ({fmt})")
    payload = _render(report, fmt, number_text=issued.number, place=issued.place,
                      issued_on=issued.issued_at.date())
    return _download(payload, fmt, f"{issued.number.replace(' ', '-').replace('/', '-')}.{fmt}")

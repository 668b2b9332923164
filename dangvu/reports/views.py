"""Report pages: the report with its figures, drill-downs, narrative and checks; exports; issued reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from dangvu.reports import documents as exports
from dangvu.reports import selectors
from dangvu.reports.charts import chart_data, svg_bars
from dangvu.reports.figures import REGISTRY, SECTIONS
from dangvu.reports.forms import IssueForm, ReportForm
from dangvu.reports.narrative import paragraphs
from dangvu.reports.services import report_audit, report_issue

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


def _report(request, form):
    data = form.cleaned_data
    return selectors.report_for(request.user, data["to_chuc"].pk, data["tu"], data["den"], data.get("thoi_diem"))


def _sections(report):
    sections = []
    for key, title in SECTIONS.items():
        rows = [(fid, fig.label, report.figures[fid], (report.comparison or {}).get(fid))
                for fid, fig in REGISTRY.items() if fig.section == key and fid in report.figures]
        if rows:
            shown = [r for r in rows if r[2]]
            sections.append({"key": key, "title": title, "rows": shown, "zero": len(rows) - len(shown)})
    return sections


def _download(payload: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(payload, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def index(request):
    form = _form(request, request.GET or None)
    context = {"form": form, "report": None}
    if request.GET and form.is_valid():
        report = _report(request, form)
        report_audit(actor=request.user, organisation=report.root, action="read",
                     what=f"Xem báo cáo {report.date_from:%d/%m/%Y}–{report.date_to:%d/%m/%Y}")
        query = _form(request, None)
        query.cleaned_data = {**form.cleaned_data, "thoi_diem": report.as_of}
        context.update(report=report, sections=_sections(report), query=query.query(),
                       paragraphs=paragraphs(report),
                       charts=[(title, mark_safe(svg_bars(title, rows))) for title, rows in chart_data(report)],  # noqa: S308 - built from escaped text
                       may_issue=selectors.may_issue(request.user, report.root), issue_form=IssueForm())
    template = "reports/_report.html" if request.htmx and context["report"] else "reports/index.html"
    return render(request, template, context)


@login_required
@require_GET
def figure(request, figure_id: str):
    if figure_id not in REGISTRY:
        raise Http404("Không có chỉ số này.")
    form = _form(request, request.GET)
    if not form.is_valid():
        return render(request, "reports/index.html", {"form": form, "report": None}, status=200)
    report = _report(request, form)
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
        "paragraphs": paragraphs(report)})


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

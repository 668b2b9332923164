"""Import pages: upload → preview → commit (with a progress bar) → rollback; templates; exports.
Thin views: decorators → form → access (``services.access_batch`` / ``may_import``) → service → page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from dangvu.imports import engine, exports, services
from dangvu.imports.forms import RollbackForm, UploadForm
from dangvu.imports.models import BatchStatus, ImportKind
from dangvu.imports.templates_xlsx import template_bytes

TEMPLATE_SLUGS = {"dang-vien": ImportKind.MEMBERS, "to-chuc": ImportKind.ORGANISATIONS,
                  "su-kien-dang-vien": ImportKind.EVENTS, "nguon-phat-trien-dang": ImportKind.CANDIDATES,
                  "quyet-dinh-ky-luat": ImportKind.DECISIONS, "kiem-tra-giam-sat": ImportKind.ACTIVITIES}


def _require_importer(user) -> None:
    if not services.may_import(user):
        raise PermissionDenied("Bạn không có quyền nhập dữ liệu.")


def _page(request, form=None, status=200):
    form = form or UploadForm()
    allowed = [(value, text) for value, text in form.fields["kind"].choices if services.may_import(request.user, value)]
    form.fields["kind"].choices = allowed
    return render(request, "imports/index.html", {
        "form": form,
        "batches": services.batches_for(request.user)[:30],
        "template_slugs": {slug: kind for slug, kind in TEMPLATE_SLUGS.items()
                           if services.may_import(request.user, kind)},
        "export_kinds": [("dang-vien", "Đảng viên"), ("to-chuc", "Tổ chức đảng"),
                         ("su-kien-dang-vien", "Sự kiện đảng viên"),
                         ("nguon-phat-trien-dang", "Nguồn phát triển đảng"),
                         ("kiem-tra-giam-sat", "Kiểm tra, giám sát"), ("quyet-dinh-ky-luat", "Quyết định kỷ luật")],
    }, status=status)


@require_GET
@login_required
def index(request):
    _require_importer(request.user)
    return _page(request)


@require_POST
@login_required
def upload(request):
    _require_importer(request.user)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form)
    kind = form.cleaned_data["kind"]
    if not services.may_import(request.user, kind):
        form.add_error("kind", "Bạn không có quyền nhập loại dữ liệu này.")
        return _page(request, form)
    upload = form.cleaned_data["file"]
    batch = services.batch_create(user=request.user, kind=kind, file_name=upload.name, content=upload.read())
    services.batch_preview(batch, user=request.user)
    return redirect("imports:batch", pk=batch.pk)


def _batch_context(request, batch, rollback_form=None):
    report = batch.report or {}
    state = services.batch_state(batch)
    return {
        "batch": batch,
        "report": report,
        "issues": [dict(i, text=engine.issue_text(i)) for i in report.get("issues", [])],
        "outcome_labels": engine.OUTCOME_LABELS,
        "state": state,
        "can_commit": batch.status == BatchStatus.PREVIEWED,
        "blockers": services.rollback_blockers(batch) if batch.status == BatchStatus.COMMITTED else [],
        "rollback_form": rollback_form or RollbackForm(),
        "in_progress": batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.ROLLING_BACK),
        # A rollback whose process died changed nothing (one transaction): it may be started again.
        "rollback_stopped": batch.status == BatchStatus.ROLLING_BACK and not state["alive"],
    }


@require_GET
@login_required
def batch_detail(request, pk):
    batch = services.access_batch(request.user, pk)
    return render(request, "imports/batch.html", _batch_context(request, batch))


@require_POST
@login_required
def batch_commit_view(request, pk):
    batch = services.access_batch(request.user, pk)
    if batch.status != BatchStatus.PREVIEWED:
        messages.error(request, "Chỉ ghi được lô đã xem trước và không có lỗi.")
        return redirect("imports:batch", pk=batch.pk)
    try:
        mode = services.batch_start(batch, user=request.user)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("imports:batch", pk=batch.pk)
    if mode == "background":
        messages.info(request, "Đang ghi trong nền: có thể đóng trang, việc nhập vẫn tiếp tục.")
    return redirect("imports:batch", pk=batch.pk)


@require_GET
@login_required
def batch_progress(request, pk):
    batch = services.access_batch(request.user, pk)
    response = render(request, "imports/_progress.html", {"batch": batch, "state": services.batch_state(batch)})
    if request.htmx and services.batch_state(batch)["finished"]:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def batch_rollback_view(request, pk):
    batch = services.access_batch(request.user, pk)
    form = RollbackForm(request.POST)
    if form.is_valid():
        try:
            mode = services.batch_start_rollback(batch, user=request.user, reason=form.cleaned_data["reason"])
        except services.ImportRefused as exc:
            form.add_error(None, str(exc))
        else:
            if mode == "background":
                messages.info(request, "Đang hoàn tác trong nền: có thể đóng trang, việc hoàn tác vẫn tiếp tục.")
            else:
                messages.success(request, f"Đã hoàn tác lô {batch.pk}.")
            return redirect("imports:batch", pk=batch.pk)
    return render(request, "imports/batch.html", _batch_context(request, batch, form))


@require_GET
@login_required
def template_download(request, kind):
    _require_importer(request.user)
    if kind not in TEMPLATE_SLUGS:
        raise Http404("Không có mẫu này.")
    if not services.may_import(request.user, TEMPLATE_SLUGS[kind]):
        raise PermissionDenied("Bạn không có quyền nhập loại dữ liệu này.")
    response = HttpResponse(template_bytes(TEMPLATE_SLUGS[kind]), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response


@require_GET
@login_required
def export(request, kind):
    handler = exports.EXPORTS.get(kind)
    if handler is None:
        raise Http404("Không có danh sách này.")
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404("Định dạng không hỗ trợ.")
    return handler(request, fmt)

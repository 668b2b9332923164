from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangvu.access.policies import require_audit_reader
from dangvu.audit.forms import AuditFilterForm
from dangvu.audit.models import AuditAction
from dangvu.audit.selectors import AuditFilters, audit_entries
from dangvu.audit.services import audit_record


@require_GET
@login_required
def audit_list(request):
    require_audit_reader(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = AuditFilters(username=data["nguoi_dung"], action=data["hanh_dong"],
                               target_type=data["loai_doi_tuong"], target_id=data["ma_doi_tuong"],
                               date_from=data["tu_ngay"], date_to=data["den_ngay"])
    page = Paginator(audit_entries(filters), 50).get_page(request.GET.get("trang"))
    # Reading the audit trail is itself recorded (SEC-18).
    audit_record(actor=request.user, action=AuditAction.READ, target_type="audit.auditentry",
                 target_repr="Xem nhật ký", new={"filters": {k: str(v) for k, v in filters.__dict__.items() if v}})
    template = "audit/_rows.html" if request.htmx else "audit/list.html"
    return render(request, template, {"form": form, "page": page})

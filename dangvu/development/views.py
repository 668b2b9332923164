"""Member-development pages: the source list, a candidate's admission file step by step, the generated
decisions, the deadlines page and the targets with the funnel. Thin views: decorators → form → access
layer → service or selector → page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvu.access.policies import (
    STRUCTURE_WRITERS,
    access_organisation,
    has_role,
    organisations_for,
    organisations_for_member_writes,
)
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.development import documents
from dangvu.development.access import access_candidate, may_write_candidates
from dangvu.development.forms import (
    SLUG_OF,
    STEP_SPECS,
    CandidateFilterForm,
    CandidateForm,
    FunnelForm,
    StepForm,
    TargetForm,
)
from dangvu.development.models import StepKind
from dangvu.development.selectors import (
    FUNNEL,
    candidate_list,
    candidate_steps,
    deadlines,
    enterprises_without_party_organisation,
    former_members_for_choice,
    funnel,
    official_members_for_choice,
    target_rows,
)
from dangvu.development.services import (
    PREREQUISITES,
    candidate_create,
    candidate_record_step,
    needs_base_resolution,
    probation_end,
    target_set,
)
from dangvu.organisations.models import MEMBER_HOLDING_TYPES, HostUnit
from dangvu.rules.engine import RuleViolation
from dangvu.web import search


def _writable_cells(user):
    return (organisations_for_member_writes(user).filter(ended_on__isnull=True, org_type__in=MEMBER_HOLDING_TYPES)
            .order_by("path"))


@require_http_methods(["GET", "POST"])
@login_required
def candidate_list_view(request):
    if request.method == "POST":
        # SEC-09: the searched name goes into the session; the address carries a token.
        query = search.query_from_post(request)
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    organisations = list(organisations_for(request.user, for_write=False).order_by("path"))
    form = CandidateFilterForm(search.form_data(request), organisations=organisations)
    data = form.cleaned_data if form.is_valid() else {}
    organisation = access_organisation(request.user, data["to_chuc"], for_write=False) if data.get("to_chuc") else None
    candidates = candidate_list(user=request.user, organisation=organisation, stage=data.get("giai_doan") or "",
                                query=(data.get("q") or "").strip())
    return render(request, "development/list.html", {
        "form": form, "candidates": candidates, "can_write": may_write_candidates(request.user)})


@require_http_methods(["GET", "POST"])
@login_required
def candidate_create_view(request):
    cells = _writable_cells(request.user)
    if not cells.exists():
        raise PermissionDenied("Bạn không có quyền ghi danh sách nguồn phát triển đảng viên.")
    form = CandidateForm(request.POST or None, organisations=cells,
                         members=official_members_for_choice(request.user),
                         former_members=former_members_for_choice(request.user),
                         host_units=HostUnit.objects.order_by("name"),
                         initial={"listed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            candidate = candidate_create(actor=request.user, organisation=form.cleaned_data["organisation"],
                                         data=form.data_for_service())
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã đưa {candidate.full_name} vào danh sách nguồn.")
            return redirect("development:candidate_detail", pk=candidate.pk)
    return render(request, "development/new.html", {"form": form})


def _next_steps(candidate, steps) -> list[tuple[str, str]]:
    done = {s.kind for s in steps if s.outcome != "failed"}
    if done & {StepKind.RECOGNITION, StepKind.PROBATION_REMOVAL}:
        return []
    result = []
    for slug, spec in STEP_SPECS.items():
        kind = spec.kind
        if kind in done and kind != StepKind.RECOGNITION_VOTE:
            continue
        if kind == StepKind.RECOGNITION_VOTE and kind in done:
            continue
        if kind == StepKind.BASE_RESOLUTION and not needs_base_resolution(candidate.organisation):
            continue
        required = set(PREREQUISITES[kind])
        if kind == StepKind.DECISION and needs_base_resolution(candidate.organisation):
            required.add(StepKind.BASE_RESOLUTION)
        failed = sum(1 for s in steps if s.kind == StepKind.RECOGNITION_VOTE and s.outcome == "failed")
        if kind == StepKind.RECOGNITION and failed >= 3:
            required.discard(StepKind.RECOGNITION_VOTE)
        if required <= done:
            result.append((slug, spec.title))
    return result


@require_GET
@login_required
def candidate_detail(request, pk: int):
    candidate = access_candidate(request.user, pk, for_write=False)
    steps = candidate_steps(candidate)
    can_write = may_write_candidates(request.user) and _may_write(request.user, candidate)
    audit_record(actor=request.user, action=AuditAction.READ, target=candidate, organisation=candidate.organisation)
    done = {s.kind for s in steps if s.outcome != "failed"}
    ceremony = next((s for s in steps if s.kind == StepKind.CEREMONY), None)
    return render(request, "development/detail.html", {
        "candidate": candidate, "steps": steps, "can_write": can_write,
        "next_steps": _next_steps(candidate, steps) if can_write else [],
        "has_decision": StepKind.DECISION in done, "has_recognition": StepKind.RECOGNITION in done,
        "probation_end": probation_end(ceremony.day) if ceremony else None,
        "slug_of": SLUG_OF,
    })


def _may_write(user, candidate) -> bool:
    try:
        access_candidate(user, candidate.pk, for_write=True)
    except (PermissionDenied, Http404):
        return False
    return True


@require_http_methods(["GET", "POST"])
@login_required
def candidate_step(request, pk: int, step: str):
    spec = STEP_SPECS.get(step)
    if spec is None:
        raise Http404("Không có bước này.")
    candidate = access_candidate(request.user, pk, for_write=True)
    form = StepForm(request.POST or None, spec=spec, members=official_members_for_choice(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            candidate_record_step(actor=request.user, candidate=candidate, **form.service_arguments())
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã ghi: {spec.title} – {candidate.full_name}.")
            return redirect("development:candidate_detail", pk=candidate.pk)
    return render(request, "development/step.html", {"candidate": candidate, "form": form, "spec": spec})


@require_GET
@login_required
def candidate_document(request, pk: int, kind: str):
    entry = documents.DOCUMENTS.get(kind)
    if entry is None:
        raise Http404("Không có loại văn bản này.")
    step_kind, build, filename = entry
    candidate = access_candidate(request.user, pk, for_write=False)
    if not candidate.steps.filter(kind=step_kind).exists():
        raise Http404("Chưa có quyết định để in.")
    content = build(candidate)
    audit_record(actor=request.user, action=AuditAction.EXPORT, target=candidate,
                 organisation=candidate.organisation, event_type=f"document:{kind}")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{candidate.pk}.docx"'
    return response


@require_GET
@login_required
def deadlines_view(request):
    today = timezone.localdate()
    items = deadlines(user=request.user, today=today)
    return render(request, "development/deadlines.html", {"items": items, "today": today})


def _targets_context(request, target_form=None):
    organisations = list(organisations_for(request.user, for_write=False).order_by("path"))
    form = FunnelForm(request.GET or None, organisations=organisations)
    data = form.cleaned_data if form.is_valid() else {}
    root = access_organisation(request.user, data["to_chuc"], for_write=False) if data.get("to_chuc") else None
    today = timezone.localdate()
    day = data.get("ngay") or today
    year = data.get("nam") or day.year
    can_set = has_role(request.user, STRUCTURE_WRITERS)
    return {
        "form": form, "root": root, "day": day, "year": year, "funnel": funnel(user=request.user, root=root, day=day),
        "stages": FUNNEL, "targets": target_rows(user=request.user, year=year),
        "enterprises": enterprises_without_party_organisation(user=request.user),
        "can_set": can_set,
        "target_form": target_form or (TargetForm(organisations=[o for o in organisations],
                                                  initial={"nam": year}) if can_set else None),
    }


@require_GET
@login_required
def targets_view(request):
    return render(request, "development/targets.html", _targets_context(request))


@require_POST
@login_required
def target_create(request):
    if not has_role(request.user, STRUCTURE_WRITERS):
        raise PermissionDenied("Chỉ cán bộ tổ chức được đặt chỉ tiêu kết nạp.")
    organisations = list(organisations_for(request.user, for_write=False).order_by("path"))
    form = TargetForm(request.POST, organisations=organisations)
    if form.is_valid():
        data = form.cleaned_data
        organisation = access_organisation(request.user, data["to_chuc"], for_write=True)
        try:
            target_set(actor=request.user, organisation=organisation, target=data["chi_tieu"], year=data.get("nam"))
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã ghi chỉ tiêu kết nạp của {organisation.name}.")
            return redirect("development:targets")
    return render(request, "development/targets.html", _targets_context(request, target_form=form))


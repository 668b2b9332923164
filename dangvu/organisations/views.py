"""Organisation pages: the tree, one organisation, and the forms that record decisions about them.

Thin views: decorators → access layer → form → service or selector → page. A ``RuleViolation`` from a
service is shown as a non-field error on the re-rendered form (status 200); the service's transaction
has already rolled back, so nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dangvu.access.policies import (
    STRUCTURE_WRITERS,
    access_organisation,
    has_role,
    is_admin,
    may_change_structure,
    members_for,
    organisations_for,
)
from dangvu.members.models import ACTIVE_STATUSES
from dangvu.organisations import forms as org_forms
from dangvu.organisations import services
from dangvu.organisations.models import Organisation, OrgType, Term
from dangvu.organisations.selectors import (
    TreeNode,
    flatten,
    organisation_history,
    organisation_terms,
    organisation_tree,
)
from dangvu.rules.engine import RuleViolation

NO_STRUCTURE_ROLE = "Bạn không có quyền thay đổi tổ chức đảng (thành lập, đổi tên, sáp nhập …)."


# Helpers ----------------------------------------------------------------------------------------

def _require_structure_writer(user) -> None:
    if not has_role(user, STRUCTURE_WRITERS):
        raise PermissionDenied(NO_STRUCTURE_ROLE)


def _active_write_scope(user):
    """Open organisations the user may change, in tree order: the choices of every "target" select."""
    return organisations_for(user, for_write=True).filter(ended_on__isnull=True).order_by("path")


def _add_official_totals(nodes: list[TreeNode]) -> None:
    """``TreeNode.official_members`` counts the node's own roll; add the subtree total for display."""
    for node in sorted(flatten(nodes), key=lambda n: -n.depth):
        node.official_total = node.official_members + sum(child.official_total for child in node.children)


def _members_list_url(organisation: Organisation) -> str:
    try:
        base = reverse("members:list")
    except NoReverseMatch:  # the members pages are built separately; keep the link working meanwhile
        base = "/dang-vien/"
    return f"{base}?to_chuc={organisation.pk}"


def _render_form(request, *, title: str, form, fieldsets, submit: str, cancel_url: str,
                 organisation: Organisation | None = None, intro: str = "", notice: str = "",
                 danger: bool = False):
    return render(request, "organisations/form.html", {
        "title": title, "form": form, "fieldsets": fieldsets, "submit": submit, "cancel_url": cancel_url,
        "organisation": organisation, "intro": intro, "notice": notice, "danger": danger,
    })


# Tree and detail --------------------------------------------------------------------------------

@require_GET
@login_required
def tree(request):
    today = timezone.localdate()
    form = org_forms.TreeFilterForm(request.GET or None, initial={"ngay": today})
    day, known_at, invalid = today, None, False
    if form.is_bound:
        if form.is_valid():
            day, known_at = form.day(), form.known_at()
        else:
            invalid = True
    nodes = organisation_tree(user=request.user, day=day, known_at=known_at)
    _add_official_totals(nodes)
    warnings = [node for node in flatten(nodes) if node.warnings]
    context = {
        "form": form, "nodes": nodes, "day": day, "known_at": known_at, "invalid": invalid, "today": today,
        "warning_count": len(warnings), "may_found": has_role(request.user, STRUCTURE_WRITERS),
    }
    template = "organisations/_tree_section.html" if request.htmx else "organisations/tree.html"
    return render(request, template, context)


@require_GET
@login_required
def detail(request, pk: int):
    organisation = access_organisation(request.user, pk, for_write=False)
    today = timezone.localdate()
    nodes = organisation_tree(user=request.user, day=today, root=organisation)
    _add_official_totals(nodes)
    node = next((n for n in nodes if n.organisation_id == organisation.pk), None)
    visible = organisations_for(request.user, for_write=False)
    parent_visible = bool(organisation.parent_id) and visible.filter(pk=organisation.parent_id).exists()
    successor = visible.filter(pk=organisation.successor_id).first() if organisation.successor_id else None
    can_change = may_change_structure(request.user, organisation)
    context = {
        "organisation": organisation,
        "node": node,
        "today": today,
        "parent_visible": parent_visible,
        "successor": successor,
        "host_unit": organisation.host_unit,
        "members_url": _members_list_url(organisation),
        "terms": organisation_terms(organisation),
        "history": organisation_history(organisation),
        "can_change": can_change,
        "can_record_events": can_change and organisation.is_active,
        "event_links": [(slug, spec.button) for slug, spec in EVENTS.items()],
    }
    return render(request, "organisations/detail.html", context)


# Founding ---------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def create(request):
    _require_structure_writer(request.user)
    parents = _active_write_scope(request.user).exclude(org_type=OrgType.PARTY_GROUP)
    initial: dict[str, Any] = {}
    wanted = request.GET.get("cap_tren", "")
    if wanted.isdigit() and parents.filter(pk=int(wanted)).exists():
        initial["cap_tren"] = int(wanted)
    data = request.POST if request.method == "POST" else None
    form = org_forms.FoundForm(data, initial=initial, parents=parents, allow_root=is_admin(request.user))
    if form.is_bound and form.is_valid():
        cd = form.cleaned_data
        try:
            organisation = services.organisation_found(
                actor=request.user, code=cd["ma"], name=cd["ten"], org_type=cd["loai"], parent=cd["cap_tren"],
                founded_on=form.effective_date(), decision=form.decision(), host_unit=cd["don_vi"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã thành lập {organisation.name} (mã {organisation.code}).")
            return redirect("organisations:detail", pk=organisation.pk)
    cancel = reverse("organisations:detail", args=[initial["cap_tren"]]) if "cap_tren" in initial \
        else reverse("organisations:tree")
    return _render_form(
        request, title="Thành lập tổ chức đảng", form=form, submit="Ghi quyết định thành lập", cancel_url=cancel,
        intro="Nhập theo quyết định thành lập của cấp ủy có thẩm quyền.",
        fieldsets=[("Tổ chức mới", form.event_fields()), ("Quyết định thành lập", form.decision_bound_fields())])


# Events on an organisation ----------------------------------------------------------------------

@dataclass(frozen=True)
class EventSpec:
    title: str
    button: str
    form: type
    form_kwargs: Callable[[Any, Organisation], dict]
    perform: Callable[[Any, Any, Organisation], str]  # (form, user, organisation) -> success message
    intro: str = ""
    danger: bool = False


def _targets(user, organisation: Organisation):
    return _active_write_scope(user).exclude(pk=organisation.pk)


def _roll_targets(user, organisation: Organisation):
    # Organisations that can hold members on their roll (not a party group).
    return _targets(user, organisation).exclude(org_type=OrgType.PARTY_GROUP)


def _rename(form, user, organisation):
    old = organisation.name
    services.organisation_rename(actor=user, organisation=organisation, new_name=form.cleaned_data["ten_moi"],
                                 effective_date=form.effective_date(), decision=form.decision())
    return f"Đã ghi quyết định đổi tên: {old} → {form.cleaned_data['ten_moi']}."


def _move(form, user, organisation):
    target = form.cleaned_data["cap_tren_moi"]
    services.organisation_move(actor=user, organisation=organisation, new_parent=target,
                               effective_date=form.effective_date(), decision=form.decision())
    return f"Đã ghi quyết định chuyển {organisation.name} về trực thuộc {target.name}."


def _change_type(form, user, organisation):
    new_type = form.cleaned_data["loai_moi"]
    services.organisation_change_type(actor=user, organisation=organisation, new_type=new_type,
                                      effective_date=form.effective_date(), decision=form.decision())
    return f"Đã ghi quyết định đổi loại hình: {organisation.name} nay là {OrgType(new_type).label.lower()}."


def _merge(form, user, organisation):
    into = form.cleaned_data["sap_nhap_vao"]
    moved = services.organisation_merge(actor=user, organisation=organisation, into=into,
                                        effective_date=form.effective_date(), decision=form.decision())
    return f"Đã ghi quyết định sáp nhập {organisation.name} vào {into.name}; {moved} đảng viên được chuyển theo."


def _split(form, user, organisation):
    created = services.organisation_split(actor=user, organisation=organisation,
                                          effective_date=form.effective_date(), decision=form.decision(),
                                          new_units=form.new_units(), end_original=form.cleaned_data["cham_dut"])
    return f"Đã ghi quyết định chia tách {organisation.name} thành: {', '.join(o.name for o in created)}."


def _dissolve(form, user, organisation):
    members_to = form.cleaned_data["chuyen_dang_vien_ve"]
    moved = services.organisation_dissolve(actor=user, organisation=organisation,
                                           effective_date=form.effective_date(), decision=form.decision(),
                                           members_to=members_to)
    text = f"Đã ghi quyết định giải thể {organisation.name}."
    if moved:
        text += f" {moved} đảng viên được chuyển về {members_to.name}."
    return text


EVENTS: dict[str, EventSpec] = {
    "doi-ten": EventSpec("Đổi tên tổ chức", "Đổi tên", org_forms.RenameForm,
                         lambda user, org: {"organisation": org}, _rename),
    "chuyen": EventSpec("Chuyển trực thuộc", "Chuyển trực thuộc", org_forms.MoveForm,
                        lambda user, org: {"organisation": org, "targets": _targets(user, org)}, _move,
                        intro="Chuyển tổ chức này (cùng các tổ chức trực thuộc) sang một tổ chức cấp trên khác."),
    "doi-loai": EventSpec("Đổi loại hình tổ chức", "Đổi loại hình", org_forms.TypeChangeForm,
                          lambda user, org: {"organisation": org}, _change_type),
    "sap-nhap": EventSpec("Sáp nhập", "Sáp nhập", org_forms.MergeForm,
                          lambda user, org: {"organisation": org, "targets": _roll_targets(user, org)}, _merge,
                          intro="Sau khi sáp nhập, tổ chức này chấm dứt hoạt động.", danger=True),
    "chia-tach": EventSpec("Chia tách", "Chia tách", org_forms.SplitForm,
                           lambda user, org: {"organisation": org}, _split,
                           intro="Các tổ chức mới trực thuộc cùng cấp trên với tổ chức cũ. Nếu tổ chức cũ chấm "
                                 "dứt, đảng viên của tổ chức cũ chuyển sang tổ chức mới thứ nhất.", danger=True),
    "giai-the": EventSpec("Giải thể", "Giải thể", org_forms.DissolveForm,
                          lambda user, org: {"organisation": org, "targets": _roll_targets(user, org)}, _dissolve,
                          intro="Sau khi giải thể, tổ chức này chấm dứt hoạt động.", danger=True),
}


@require_http_methods(["GET", "POST"])
@login_required
def event(request, pk: int, kind: str):
    spec = EVENTS.get(kind)
    if spec is None:
        raise Http404("Không có loại quyết định này.")
    organisation = access_organisation(request.user, pk, for_write=True)
    data = request.POST if request.method == "POST" else None
    form = spec.form(data, **spec.form_kwargs(request.user, organisation))
    if form.is_bound and form.is_valid():
        try:
            text = spec.perform(form, request.user, organisation)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, text)
            return redirect("organisations:detail", pk=organisation.pk)
    notice = "" if organisation.is_active else (
        f"Tổ chức này đã chấm dứt hoạt động từ ngày {organisation.ended_on:%d/%m/%Y}.")
    return _render_form(
        request, title=f"{spec.title}: {organisation.name}", form=form, submit="Ghi quyết định",
        cancel_url=reverse("organisations:detail", args=[organisation.pk]), organisation=organisation,
        intro=spec.intro, notice=notice, danger=spec.danger,
        fieldsets=[("Nội dung", form.event_fields()), ("Quyết định", form.decision_bound_fields())])


# Host units, terms, posts -----------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def host_unit_create(request):
    organisation = None
    # The form posts back to its own URL, query included; a ``to_chuc`` field in the body works too.
    wanted = request.GET.get("to_chuc") or request.POST.get("to_chuc") or ""
    if wanted:
        if not wanted.isdigit():
            raise Http404("Không tìm thấy tổ chức đảng.")
        organisation = access_organisation(request.user, int(wanted), for_write=True)
    _require_structure_writer(request.user)
    data = request.POST if request.method == "POST" else None
    form = org_forms.HostUnitForm(data)
    if form.is_bound and form.is_valid():
        cd = form.cleaned_data
        try:
            with transaction.atomic():
                unit = services.host_unit_create(
                    actor=request.user, name=cd["ten"], unit_type=cd["loai_hinh"], zone_kind=cd["loai_khu"],
                    zone_name=cd["ten_khu"], address=cd["dia_chi"], workers=cd["so_lao_dong"])
                if organisation is not None:
                    services.organisation_set_host_unit(actor=request.user, organisation=organisation, host_unit=unit)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            if organisation is not None:
                messages.success(request, f"Đã thêm đơn vị {unit.name} và gắn với {organisation.name}.")
                return redirect("organisations:detail", pk=organisation.pk)
            messages.success(request, f"Đã thêm đơn vị {unit.name}. Có thể chọn đơn vị này khi thành lập tổ chức.")
            return redirect("organisations:tree")
    cancel = reverse("organisations:detail", args=[organisation.pk]) if organisation else reverse("organisations:tree")
    intro = (f"Đơn vị (cơ quan, doanh nghiệp) nơi {organisation.name} hoạt động." if organisation
             else "Đơn vị (cơ quan, doanh nghiệp) nơi tổ chức đảng hoạt động.")
    return _render_form(request, title="Thêm đơn vị", form=form, submit="Lưu đơn vị", cancel_url=cancel,
                        organisation=organisation, intro=intro, fieldsets=[("", list(form))])


@require_http_methods(["GET", "POST"])
@login_required
def term_create(request, pk: int):
    organisation = access_organisation(request.user, pk, for_write=True)
    data = request.POST if request.method == "POST" else None
    existing = Term.objects.filter(organisation=organisation).values_list("starts_on", flat=True)
    form = org_forms.TermForm(data, existing_starts=existing)
    if form.is_bound and form.is_valid():
        cd = form.cleaned_data
        try:
            # The term and its bodies land together or not at all (e.g. COM-05 for a cell).
            with transaction.atomic():
                term = services.term_create(actor=request.user, organisation=organisation, label=cd["ten_nhiem_ky"],
                                            starts_on=cd["tu_ngay"], ends_on=cd["den_ngay"])
                for kind in form.bodies():
                    services.body_create(actor=request.user, term=term, kind=kind)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã thêm nhiệm kỳ {term.label} của {organisation.name}.")
            return redirect(reverse("organisations:detail", args=[organisation.pk]) + "#nhiem-ky")
    return _render_form(
        request, title=f"Thêm nhiệm kỳ: {organisation.name}", form=form, submit="Lưu nhiệm kỳ",
        cancel_url=reverse("organisations:detail", args=[organisation.pk]), organisation=organisation,
        intro="Nhiệm kỳ tính từ ngày sau ngày bế mạc đại hội đến ngày bế mạc đại hội lần sau.",
        fieldsets=[("Nhiệm kỳ", form.term_fields()),
                   ("Cơ quan được bầu trong nhiệm kỳ (Ban Thường vụ và Ủy ban Kiểm tra chỉ có ở đảng ủy "
                    "từ đảng bộ cơ sở trở lên)", form.body_bound_fields())])


@require_http_methods(["GET", "POST"])
@login_required
def post_assign(request, pk: int, term_pk: int):
    organisation = access_organisation(request.user, pk, for_write=True)
    term = get_object_or_404(Term, pk=term_pk, organisation=organisation)
    bodies = term.bodies.order_by("kind")
    members = (members_for(request.user, for_write=False)
               .filter(org_path__startswith=organisation.path, status__in=ACTIVE_STATUSES)
               .select_related("organisation").order_by("sort_key", "pk"))
    data = request.POST if request.method == "POST" else None
    form = org_forms.PostAssignForm(data, bodies=bodies, members=members, term=term)
    if form.is_bound and form.is_valid():
        cd = form.cleaned_data
        try:
            post = services.post_assign(actor=request.user, body=cd["co_quan"], member=cd["dang_vien"],
                                        kind=cd["chuc_vu"], starts_on=cd["tu_ngay"], appointment=cd["hinh_thuc"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã ghi {post.get_kind_display().lower()}: {post.member.full_name} "
                                      f"({post.body.get_kind_display()}, nhiệm kỳ {term.label}).")
            return redirect(reverse("organisations:detail", args=[organisation.pk]) + "#nhiem-ky")
    notice = "" if bodies.exists() else (
        "Nhiệm kỳ này chưa có cơ quan nào (Ban Chấp hành, Ban Thường vụ, Ủy ban Kiểm tra) nên chưa thể ghi chức vụ.")
    return _render_form(
        request, title=f"Thêm chức vụ – nhiệm kỳ {term.label}: {organisation.name}", form=form,
        submit="Ghi chức vụ", cancel_url=reverse("organisations:detail", args=[organisation.pk]) + "#nhiem-ky",
        organisation=organisation, notice=notice,
        intro="Người giữ chức vụ phải là đảng viên chính thức của tổ chức này hoặc tổ chức trực thuộc.",
        fieldsets=[("", list(form))])

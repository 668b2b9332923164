"""Member pages: list (with export), profile with its ledger, admission, reception, ledger events,
voiding, profile edit and dated values. Thin views: decorators → form → access layer → service or
selector → page (or an htmx fragment)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models.functions import Collate
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dangvu.access.policies import (
    access_member,
    access_organisation,
    may_see_sensitive,
    may_write_members_in,
    members_for,
    organisations_for,
    organisations_for_member_writes,
    transfer_destinations,
)
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.codes.data import label
from dangvu.common.dates import add_months
from dangvu.members import exports
from dangvu.members.forms import (
    EVENT_SPECS,
    PROFILE_LABELS,
    SENSITIVE_FIELDS,
    AdmitForm,
    EventForm,
    MemberFilterForm,
    ProfileForm,
    ReceiveForm,
    StateOnForm,
    ValueForm,
    VoidForm,
    value_choices,
)
from dangvu.members.models import (
    ACTIVE_STATUSES,
    BOOLEAN_ATTRIBUTES,
    LEFT_STATUSES,
    EventKind,
    MemberStatus,
    ValueAttribute,
)
from dangvu.members.selectors import (
    STATUS_GROUPS,
    MemberFilters,
    member_list,
    member_party_age,
    member_state_on,
    member_timeline,
    member_values_on,
)
from dangvu.members.services import (
    LEDGER_FIELDS,
    member_admit,
    member_receive,
    member_record_event,
    member_set_value,
    member_update_profile,
    member_void_event,
)
from dangvu.organisations.models import MEMBER_HOLDING_TYPES
from dangvu.organisations.services import Decision
from dangvu.rules.engine import RuleViolation, param
from dangvu.web import search

PAGE_SIZE = 50
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HIDDEN = "Ẩn theo phân quyền"


# Helpers ---------------------------------------------------------------------------------------

def _visible_organisations(user):
    return organisations_for(user, for_write=False).order_by("path")


def _member_holding(queryset):
    return queryset.filter(ended_on__isnull=True, org_type__in=MEMBER_HOLDING_TYPES)


def _writable_organisations(user):
    """Open member-holding organisations in which the user may record members."""
    return _member_holding(organisations_for_member_writes(user)).order_by("path")


def _transfer_destinations(user):
    return transfer_destinations(user).order_by("path")


def _decision(data) -> Decision:
    return Decision(data.get("so_quyet_dinh", ""), data.get("ngay_quyet_dinh"), data.get("co_quan_quyet_dinh", ""))


def _refused(form: forms.Form, exc: RuleViolation) -> None:
    form.add_error(None, str(exc))


# List and export -------------------------------------------------------------------------------

# Above this many organisations in scope the filter lists only the top ones: rendering 10,000 options
# cost ~85 % of the page time at 200,000 members (docs/performance.md §5.1). Deeper units are reached
# from the organisation tree, whose links carry ``to_chuc``.
FILTER_OPTIONS_LIMIT = 200


def _filter_organisations(user) -> tuple[list, bool]:
    visible = _visible_organisations(user)
    organisations = list(visible[: FILTER_OPTIONS_LIMIT + 1])
    if len(organisations) <= FILTER_OPTIONS_LIMIT:
        return organisations, False
    # The shallowest of the rows already read (a granted node sorts before its subtree): no extra query,
    # so a large scope costs the same number of queries as a small one.
    top = min(org.depth for org in organisations)
    return [org for org in organisations if org.depth == top], True


def _list_filters(request):
    organisations, large_scope = _filter_organisations(request.user)
    form = MemberFilterForm(search.form_data(request), organisations=organisations, large_scope=large_scope)
    data = form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})
    organisation = None
    if data.get("to_chuc"):
        organisation = access_organisation(request.user, data["to_chuc"], for_write=False)
        if organisation not in organisations:
            form.fields["to_chuc"].widget.choices.append((organisation.pk, organisation.name))
    filters = MemberFilters(
        organisation=organisation,
        status=data.get("tinh_trang") or "active",
        gender=data.get("gioi_tinh") or "",
        occupation=data.get("nghe_nghiep") or "",
        flag=data.get("dac_diem") or "",
        age_band=data.get("do_tuoi") or "",
        admission_year=data.get("nam_vao_dang"),
        query=(data.get("q") or "").strip(),
        today=timezone.localdate(),
    )
    return form, filters


def _filters_for_audit(filters: MemberFilters) -> dict:
    described = {}
    for name, value in filters.__dict__.items():
        if name == "today" or value in (None, ""):
            continue
        described[name] = value.code if name == "organisation" else value
    return described


@require_http_methods(["GET", "POST"])
@login_required
def member_list_view(request):
    if request.method == "POST":
        # SEC-09: the search box is posted; the address gets a token instead of the typed text.
        query = search.query_from_post(request)
        url = f"{request.path}?{query.urlencode()}" if query else request.path
        if not request.htmx:
            return redirect(url)
        request.GET = query
        response = _member_list_page(request)
        response["HX-Push-Url"] = url
        return response
    return _member_list_page(request)


def _member_list_page(request):
    form, filters = _list_filters(request)
    members = member_list(user=request.user, filters=filters)
    export = request.GET.get("export")
    if export == "xlsx":
        return exports.export_xlsx(user=request.user, members=members, filters=_filters_for_audit(filters))
    if export == "csv":
        return exports.export_csv(user=request.user, members=members, filters=_filters_for_audit(filters))
    paginator = Paginator(members, PAGE_SIZE)
    if filters.query and connection.vendor == "postgresql" and paginator.count <= 20_000:
        # Matches of a name cluster in the given-name-first sort order, so PostgreSQL may walk the whole
        # sort index filtering each row. sort_key holds digits only, so "C" gives the same order but the
        # index cannot serve it: the few matches are found by the trigram index and sorted instead.
        paginator.object_list = members.order_by(Collate("sort_key", "C"), "id")
    page = paginator.get_page(request.GET.get("trang"))
    context = {
        "form": form,
        "page": page,
        "total": paginator.count,  # counted once: Paginator caches it
        "status_label": STATUS_GROUPS.get(filters.status, STATUS_GROUPS["active"])[0],
        "filter_organisation": filters.organisation,
    }
    template = "members/_results.html" if request.htmx else "members/list.html"
    return render(request, template, context)


# Profile ---------------------------------------------------------------------------------------

def _organisations_in(timeline) -> dict[int, object]:
    """Organisation objects named by the member's own ledger, by id (no lookup outside the ledger)."""
    found = {}
    for event in timeline:
        for org in (event.organisation, event.from_organisation):
            if org is not None:
                found[org.pk] = org
    return found


def _value_rows(values: dict) -> list[tuple[str, str]]:
    rows = []
    for attribute in ValueAttribute:
        if attribute not in values:
            continue
        value = values[attribute]
        if attribute in BOOLEAN_ATTRIBUTES:
            text = "Có" if value else "Không"
        else:
            text = label(attribute.value, value)
        rows.append((attribute.label, text))
    return rows


def _state_context(state, organisations: dict) -> dict:
    def org_name(pk):
        if pk is None:
            return ""
        org = organisations.get(pk)
        return org.name if org else f"Tổ chức đảng #{pk}"

    return {
        "state": state,
        "status_label": MemberStatus(state.status).label,
        "organisation_name": org_name(state.organisation_id),
        "temporary_name": org_name(state.temporary_organisation_id) or state.temporary_external,
    }


def _conditions(member, state) -> set[str]:
    """What is true of the member now, to decide which event buttons are worth showing."""
    conditions: set[str] = set()
    if member.status in ACTIVE_STATUSES:
        conditions |= {"active", member.status}
        conditions.add("exempted" if member.is_exempted else "not_exempted")
        conditions.add("suspended" if member.is_suspended else "not_suspended")
        if state.temporary_organisation_id or state.temporary_external:
            conditions.add("temporary")
    if member.status in LEFT_STATUSES:
        conditions.add("left")
    if member.status in (MemberStatus.REMOVED, MemberStatus.EXPELLED):
        conditions.add("removed_or_expelled")
    return conditions


def _known_at(day):
    return datetime.combine(day, time.max, tzinfo=VN_TZ) if day else None


@require_GET
@login_required
def member_detail(request, pk: int):
    member = access_member(request.user, pk, for_write=False)
    today = timezone.localdate()
    state_form = StateOnForm(request.GET if "ngay" in request.GET else None)
    timeline = member_timeline(member)
    organisations = _organisations_in(timeline)
    state_on = None
    if state_form.is_valid():
        day = state_form.cleaned_data["ngay"]
        known_day = state_form.cleaned_data.get("biet_den")
        known_at = _known_at(known_day)
        state_on = {
            "day": day,
            "known_day": known_day,
            **_state_context(member_state_on(member, day, known_at=known_at), organisations),
            "party_age": member_party_age(member, day, known_at=known_at),
            "values": _value_rows(member_values_on(member, day, known_at=known_at)),
        }
    audit_record(actor=request.user, action=AuditAction.READ, target=member, organisation=member.organisation,
                 new={"ngay": state_form.cleaned_data.get("ngay"), "biet_den": state_form.cleaned_data.get("biet_den")}
                 if state_on else None)
    context = {"member": member, "state_form": state_form, "state_on": state_on}
    if request.htmx and "ngay" in request.GET:
        return render(request, "members/_state_on.html", context)
    current = member_state_on(member, today)
    can_write = member.organisation is not None and may_write_members_in(request.user, member.organisation)
    conditions = _conditions(member, current)
    context = {
        **context,
        "today": today,
        "sensitive": may_see_sensitive(request.user, member),
        "hidden": HIDDEN,
        "current": _state_context(current, organisations),
        "party_age": member_party_age(member, today),
        "values": _value_rows(member_values_on(member, today)),
        "value_history": [
            (ValueAttribute(v.attribute).label, _value_text(v.attribute, v.value), v)
            for v in member.values.select_related("recorded_by").order_by("attribute", "valid_from", "id")
        ],
        "timeline": timeline,
        "can_write": can_write,
        "actions": [(slug, spec.title) for slug, spec in EVENT_SPECS.items()
                    if can_write and conditions & set(spec.when)],
        "status_class": _status_class(member.status),
    }
    return render(request, "members/detail.html", context)


def _value_text(attribute: str, value: str) -> str:
    if attribute in BOOLEAN_ATTRIBUTES:
        return "Có" if value == "1" else "Không"
    return label(attribute, value)


def _status_class(status: str) -> str:
    if status == MemberStatus.OFFICIAL:
        return "official"
    if status == MemberStatus.PROBATIONARY:
        return "probationary"
    return "left"


# New members -----------------------------------------------------------------------------------

def _require_writer_somewhere(user):
    organisations = _writable_organisations(user)
    if not organisations.exists():
        raise PermissionDenied("Bạn không có quyền ghi hồ sơ đảng viên.")
    return organisations


@require_http_methods(["GET", "POST"])
@login_required
def member_admit_view(request):
    organisations = _require_writer_somewhere(request.user)
    form = AdmitForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = member_admit(
                actor=request.user, profile=form.profile_data(), organisation=data["organisation"],
                decision=Decision(data["so_quyet_dinh"], data["admitted_on"], data["co_quan_quyet_dinh"]),
                admitted_on=data["admitted_on"], ceremony_date=data.get("ceremony_date"),
                values=form.values_data())
        except RuleViolation as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"Đã ghi kết nạp đảng viên {member.full_name}.")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/new.html", {
        "form": form, "title": "Kết nạp đảng viên mới",
        "intro": "Ghi một đảng viên mới theo quyết định kết nạp. Đảng viên mới là đảng viên dự bị."})


@require_http_methods(["GET", "POST"])
@login_required
def member_receive_view(request):
    organisations = _require_writer_somewhere(request.user)
    form = ReceiveForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = member_receive(
                actor=request.user, profile=form.profile_data(), organisation=data["organisation"],
                decision=_decision(data), received_on=data["received_on"], from_place=data["from_place"],
                other_province=data["other_province"], status=data["status"], admitted_on=data["admitted_on"],
                official_on=data.get("official_on") if data["status"] == MemberStatus.OFFICIAL else None,
                ceremony_date=data.get("ceremony_date"), values=form.values_data())
        except RuleViolation as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"Đã tiếp nhận sinh hoạt đảng của đảng viên {member.full_name}.")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/new.html", {
        "form": form, "title": "Tiếp nhận đảng viên từ nơi khác đến",
        "intro": "Ghi đảng viên chuyển sinh hoạt đảng chính thức từ ngoài Đảng bộ đến, theo giấy giới thiệu."})


# Ledger events ---------------------------------------------------------------------------------

def _event_initial(member, spec) -> dict:
    if spec.kind == EventKind.RECOGNITION:
        state = member_state_on(member, timezone.localdate())
        start = state.ceremony_on or state.admitted_on
        if state.status == MemberStatus.PROBATIONARY and start:
            return {"effective_date": add_months(start, param("PROB-01", "probation_months", start))}
    return {}


@require_http_methods(["GET", "POST"])
@login_required
def member_event(request, pk: int, kind: str):
    spec = EVENT_SPECS.get(kind)
    if spec is None:
        raise Http404("Không có loại sự kiện này.")
    member = access_member(request.user, pk, for_write=True)
    if spec.kind == EventKind.READMISSION:
        organisations = _writable_organisations(request.user)
    else:
        organisations = _transfer_destinations(request.user)
    if member.organisation_id and spec.kind in (EventKind.TRANSFER, EventKind.TEMPORARY_AWAY):
        organisations = organisations.exclude(pk=member.organisation_id)
    form = EventForm(request.POST or None, spec=spec, organisations=organisations,
                     initial=_event_initial(member, spec) if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = {}
        if data.get("reason"):
            details["reason"] = data["reason"]
        if data.get("exception_approval"):
            details["exception_approval"] = data["exception_approval"]
        organisation = data.get("organisation") or data.get("temporary_organisation")
        try:
            member_record_event(
                actor=request.user, member=member, kind=spec.kind, effective_date=data["effective_date"],
                decision=_decision(data), organisation=organisation,
                external_place=data.get("external_place", "") if not data.get("temporary_organisation") else "",
                other_province=data.get("other_province", False), ceremony_date=data.get("ceremony_date"),
                details=details)
        except RuleViolation as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"Đã ghi: {spec.title} – {member.full_name}.")
            if not members_for(request.user, for_write=False).filter(pk=member.pk).exists():
                messages.info(request, "Đảng viên này nay thuộc tổ chức ngoài phạm vi của bạn.")
                return redirect("members:list")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/event.html", {"member": member, "form": form, "spec": spec})


@require_http_methods(["GET", "POST"])
@login_required
def member_void(request, pk: int, event_pk: int):
    member = access_member(request.user, pk, for_write=True)
    event = member.events.select_related("organisation", "from_organisation").filter(pk=event_pk).first()
    if event is None:
        raise Http404("Không tìm thấy sự kiện.")
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member_void_event(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        except RuleViolation as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"Đã hủy sự kiện: {event.get_kind_display()} ngày "
                                      f"{event.effective_date:%d/%m/%Y}. Sự kiện vẫn được lưu kèm lý do hủy.")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/void.html", {"member": member, "event": event, "form": form})


# Profile edit and dated values -----------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def member_edit(request, pk: int):
    member = access_member(request.user, pk, for_write=True)
    show_sensitive = may_see_sensitive(request.user, member)
    initial = {name: getattr(member, name) or "" for name in PROFILE_LABELS}
    initial["date_of_birth"] = member.date_of_birth
    form = ProfileForm(request.POST or None, initial=initial, show_sensitive=show_sensitive)
    if request.method == "POST":
        # LIFE-05: organisation and status change only through ledger events. A crafted request
        # naming them is refused by the service, and nothing else is saved.
        smuggled = {name: request.POST[name] for name in LEDGER_FIELDS if name in request.POST}
        try:
            if smuggled:
                member_update_profile(actor=request.user, member=member, changes=smuggled)
            elif form.is_valid():
                changes = form.profile_data()
                if not show_sensitive:
                    for name in SENSITIVE_FIELDS:
                        changes.pop(name, None)
                member_update_profile(actor=request.user, member=member, changes=changes,
                                      correction_basis=form.cleaned_data.get("correction_basis", ""))
                messages.success(request, "Đã lưu hồ sơ.")
                return redirect("members:detail", pk=member.pk)
        except RuleViolation as exc:
            form.is_valid()
            _refused(form, exc)
            member = access_member(request.user, pk, for_write=True)  # drop unsaved in-memory changes
    if request.method == "GET":
        # SEC-16: the edit form shows the whole dossier. (A refused change writes nothing at all.)
        audit_record(actor=request.user, action=AuditAction.READ, event_type="edit_form", target=member,
                     organisation=member.organisation)
    return render(request, "members/edit.html", {"member": member, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def member_value(request, pk: int):
    member = access_member(request.user, pk, for_write=True)
    if request.method == "GET":
        attribute = request.GET.get("thuoc_tinh")
        form = ValueForm(initial={"tu_ngay": request.GET.get("tu_ngay") or timezone.localdate()}, attribute=attribute)
        if request.htmx and attribute:
            return render(request, "members/_value_form.html", {"member": member, "form": form})
    else:
        form = ValueForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            value = data["gia_tri"] == "1" if data["thuoc_tinh"] in BOOLEAN_ATTRIBUTES else data["gia_tri"]
            try:
                member_set_value(actor=request.user, member=member, attribute=data["thuoc_tinh"], value=value,
                                 valid_from=data["tu_ngay"])
            except RuleViolation as exc:
                _refused(form, exc)
            else:
                text = dict(value_choices(data["thuoc_tinh"])).get(data["gia_tri"], data["gia_tri"])
                messages.success(request, f"Đã ghi {ValueAttribute(data['thuoc_tinh']).label.lower()}: {text}, "
                                          f"từ ngày {data['tu_ngay']:%d/%m/%Y}.")
                return redirect("members:detail", pk=member.pk)
    return render(request, "members/value.html", {"member": member, "form": form})

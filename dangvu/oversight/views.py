"""Oversight pages. Thin views: access (``dangvu.oversight.access``: 404 for anyone without an oversight
role) → form → service or selector → page. Reading an activity or a case writes an audit row."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.organisations.services import Decision
from dangvu.oversight import access, selectors, services
from dangvu.oversight.figures import figure_ids, figure_records, oversight_figures
from dangvu.oversight.forms import (
    ActivityForm,
    AppealForm,
    CaseForm,
    ConcludeForm,
    DecideForm,
    EscalateForm,
    FiguresForm,
    ItemForm,
    JudgmentCaseForm,
    PostponeForm,
    ProgrammeForm,
    ResolveForm,
    ResumeForm,
    SuspensionChangeForm,
    SuspensionForm,
)
from dangvu.oversight.models import (
    MEMBER_FORMS,
    ORGANISATION_FORMS,
    SUPERVISION_TYPES,
    AppealOutcome,
    CaseStatus,
    Conclusion,
    DisciplineCase,
    DisciplineForm,
)
from dangvu.rules.engine import RuleViolation

FORM_PAGE = "oversight/form.html"


def _back_url(back) -> str:
    if isinstance(back, str):
        return reverse(back)
    name = "oversight:case_detail" if isinstance(back, DisciplineCase) else "oversight:activity_detail"
    return reverse(name, kwargs={"pk": back.pk})


def _form_page(request, form, *, title, back, intro="", submit="Ghi lại"):
    return render(request, FORM_PAGE, {"form": form, "title": title, "back": _back_url(back), "intro": intro,
                                       "submit": submit})


@require_GET
@login_required
def index(request):
    access.oversight_scope(request.user)
    today = timezone.localdate()
    return render(request, "oversight/index.html", {
        "deadlines": selectors.deadlines(request.user, today),
        "activities": access.activities_for(request.user)[:30],
        "cases": access.cases_for(request.user)[:30],
        "suspensions": access.suspensions_for(request.user)[:30],
        "can_write": access.may_write(request.user),
        "today": today,
    })


# Activities ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def activity_new(request):
    access.oversight_scope(request.user)
    access.require_writer(request.user)
    organisations = access.organisations_in_scope(request.user, for_write=True)
    form = ActivityForm(request.POST or None, organisations=organisations,
                        members=access.members_in_scope(request.user, for_write=True).filter(
                            status__in=["official", "probationary"]).select_related("organisation"),
                        items=access.programme_items_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.activity_create(
                actor=request.user, organisation=data["organisation"], actor_kind=data["actor_kind"],
                activity_type=data["activity_type"], decision=Decision(data["so_quyet_dinh"], data["ngay_quyet_dinh"]),
                topic=data["topic"], plan=data["plan"], team=data["team"], period_from=data["period_from"],
                period_to=data["period_to"], programme_item=data["programme_item"],
                subject_organisations=data["subject_organisations"], subject_members=data["subject_members"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ghi cuộc kiểm tra, giám sát.")
            return redirect("oversight:activity_detail", pk=activity.pk)
    return _form_page(request, form, title="Ghi cuộc kiểm tra, giám sát", back="oversight:index")


@require_GET
@login_required
def activity_detail(request, pk: int):
    activity = access.access_activity(request.user, pk, for_write=False)
    audit_record(actor=request.user, action=AuditAction.READ, target=activity, organisation=activity.organisation)
    subjects = list(activity.subjects.select_related("member", "organisation").prefetch_related("cases"))
    return render(request, "oversight/activity_detail.html", {
        "activity": activity, "subjects": subjects,
        "can_write": access.may_write(request.user, activity.organisation.path),
        "can_escalate": activity.activity_type in SUPERVISION_TYPES and any(s.signs_of_violation for s in subjects),
        "discipline_required": Conclusion.DISCIPLINE_REQUIRED,
        "escalations": activity.escalations.all(),
    })


@require_http_methods(["GET", "POST"])
@login_required
def subject_conclude(request, pk: int, subject_pk: int):
    activity = access.access_activity(request.user, pk, for_write=True)
    subject = access.access_subject(request.user, activity, subject_pk)
    form = ConcludeForm(request.POST or None, initial={"conclusion": subject.conclusion or None,
                                                       "findings": subject.findings,
                                                       "concluded_on": subject.concluded_on})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subject_conclude(actor=request.user, subject=subject, conclusion=data["conclusion"],
                                      findings=data["findings"], concluded_on=data["concluded_on"],
                                      signs_of_violation=data["signs_of_violation"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã ghi kết luận đối với {subject}.")
            return redirect("oversight:activity_detail", pk=activity.pk)
    return _form_page(request, form, title=f"Kết luận đối với {subject}", back=activity)


@require_http_methods(["GET", "POST"])
@login_required
def activity_escalate(request, pk: int):
    activity = access.access_activity(request.user, pk, for_write=True)
    form = EscalateForm(request.POST or None, subjects=activity.subjects.filter(signs_of_violation=True),
                        organisations=access.organisations_in_scope(request.user, for_write=True),
                        initial={"organisation": activity.organisation_id, "topic": activity.topic})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.activity_escalate(
                actor=request.user, activity=activity, subjects=data["subjects"], organisation=data["organisation"],
                actor_kind=data["actor_kind"], decision=Decision(data["so_quyet_dinh"], data["ngay_quyet_dinh"]),
                topic=data["topic"], team=data["team"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã chuyển sang kiểm tra khi có dấu hiệu vi phạm.")
            return redirect("oversight:activity_detail", pk=inspection.pk)
    return _form_page(request, form, title="Chuyển sang kiểm tra khi có dấu hiệu vi phạm", back=activity)


# Discipline ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def case_new(request, pk: int, subject_pk: int):
    activity = access.access_activity(request.user, pk, for_write=True)
    subject = access.access_subject(request.user, activity, subject_pk)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, activity_subject=subject, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã mở vụ việc kỷ luật đối với {subject}.")
            return redirect("oversight:case_detail", pk=case.pk)
    return _form_page(request, form, title=f"Xem xét kỷ luật {subject}", back=activity)


@require_http_methods(["GET", "POST"])
@login_required
def case_new_judgment(request):
    """DIS-13: open a case on a final judgment of imprisonment, without an inspection."""
    access.oversight_scope(request.user)
    access.require_writer(request.user)
    members = (access.members_in_scope(request.user, for_write=True).filter(status__in=["official", "probationary"])
               .select_related("organisation"))
    form = JudgmentCaseForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(actor=request.user, member=data["member"],
                                      judgment_number=data["judgment_number"], judgment_date=data["judgment_date"],
                                      violation_from=data["violation_from"],
                                      violation_content=data["violation_content"],
                                      violation_description=data["violation_description"],
                                      proposed_form=DisciplineForm.EXPULSION)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã mở vụ việc kỷ luật đối với {case.subject_name} theo bản án.")
            return redirect("oversight:case_detail", pk=case.pk)
    return _form_page(request, form, title="Mở vụ việc kỷ luật theo bản án (không qua kiểm tra)",
                      back="oversight:index",
                      intro="Đảng viên bị tòa án xử phạt tù bằng bản án đã có hiệu lực pháp luật: cơ quan có thẩm "
                            "quyền căn cứ bản án quyết định khai trừ (DIS-13, QĐ 21-QĐ/TW từ 11/04/2026).")


@require_http_methods(["GET", "POST"])
@login_required
def postponed(request):
    """NOKL-01: cases not yet considered, their grounds and until-dates; a form to postpone a case."""
    access.oversight_scope(request.user)
    if request.method == "POST":
        access.require_writer(request.user)
    open_cases = (access.cases_for(request.user).filter(status__in=[CaseStatus.OPEN, CaseStatus.POSTPONED],
                                                         member__isnull=False))
    form = PostponeForm(request.POST or None, cases=open_cases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = access.access_case(request.user, data["case"].pk, for_write=True)
        try:
            services.case_postpone(actor=request.user, case=case, reason=data["reason"], until=data["until"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã ghi chưa xem xét kỷ luật {case.subject_name} đến ngày "
                                      f"{data['until']:%d/%m/%Y}.")
            return redirect("oversight:postponed")
    today = timezone.localdate()
    return render(request, "oversight/postponed.html", {
        "rows": selectors.postponed_cases(request.user, today), "form": form, "today": today,
        "can_write": access.may_write(request.user)})


@require_http_methods(["GET", "POST"])
@login_required
def case_resume(request, pk: int):
    case = access.access_case(request.user, pk, for_write=True)
    form = ResumeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_resume(actor=request.user, case=case, resumed_on=form.cleaned_data["resumed_on"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã tiếp tục xem xét kỷ luật {case.subject_name}.")
            return redirect("oversight:case_detail", pk=case.pk)
    return _form_page(request, form, title=f"Tiếp tục xem xét kỷ luật {case.subject_name}", back=case,
                      intro="Ghi ngày lý do chưa xem xét kỷ luật (NOKL-01) chấm dứt.")


@require_GET
@login_required
def case_detail(request, pk: int):
    case = access.access_case(request.user, pk, for_write=False)
    audit_record(actor=request.user, action=AuditAction.READ, target=case, organisation=case.subject_organisation)
    today = timezone.localdate()
    expiry = services.limitation_expiry(case, case.decided_form or case.proposed_form, today)
    appeals = list(case.appeals.select_related("handling_organisation"))
    return render(request, "oversight/case_detail.html", {
        "case": case, "appeals": appeals, "expiry": expiry,
        "votes": [(label, case.votes.get(code, 0)) for code, label in case._meta.get_field("decided_form").choices
                  if code in case.votes],
        "can_write": access.may_write(request.user, case.subject_organisation.path),
        "can_decide": case.status in (CaseStatus.OPEN, CaseStatus.POSTPONED),
        "can_resume": case.status == CaseStatus.POSTPONED,
        "can_appeal": case.status == CaseStatus.DECIDED and not any(a.outcome == "" for a in appeals),
    })


@require_http_methods(["GET", "POST"])
@login_required
def case_decide(request, pk: int):
    case = access.access_case(request.user, pk, for_write=True)
    organisations = access.organisations_in_scope(request.user, for_write=True)
    form = DecideForm(request.POST or None, organisations=organisations,
                      forms_allowed=MEMBER_FORMS if case.member_id else ORGANISATION_FORMS)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_decide(
                actor=request.user, case=case, deciding_organisation=data["deciding_organisation"],
                deciding_actor=data["deciding_actor"], concluded_on=data["concluded_on"], votes=form.votes(),
                voting_members=data["voting_members"], decision_number=data["so_quyet_dinh"],
                decision_date=data["ngay_quyet_dinh"], proposal_votes=data["proposal_votes"],
                proposal_members=data["proposal_members"], authorised_to_admit=data["authorised_to_admit"],
                delivered_on=data["delivered_on"], members_to=data["members_to"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ghi quyết định kỷ luật.")
            return redirect("oversight:case_detail", pk=case.pk)
    return _form_page(request, form, title=f"Quyết định kỷ luật {case.subject_name}", back=case,
                      intro="Ghi số phiếu kín của từng hình thức; hình thức được quyết định tính theo cách cộng dồn "
                            "từ hình thức nặng nhất (quá một nửa tổng số thành viên).")


@require_http_methods(["GET", "POST"])
@login_required
def appeal_new(request, pk: int):
    case = access.access_case(request.user, pk, for_write=True)
    form = AppealForm(request.POST or None, organisations=access.organisations_in_scope(request.user, for_write=False))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.appeal_file(actor=request.user, case=case, received_on=data["received_on"],
                                 content=data["content"], handling_organisation=data["handling_organisation"],
                                 handling_actor=data["handling_actor"], external_body=data["external_body"],
                                 on_behalf=data["on_behalf"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ghi đơn khiếu nại. Quyết định kỷ luật vẫn được chấp hành trong khi chờ giải quyết.")
            return redirect("oversight:case_detail", pk=case.pk)
    return _form_page(request, form, title=f"Khiếu nại kỷ luật – {case.subject_name}", back=case)


@require_http_methods(["GET", "POST"])
@login_required
def appeal_resolve(request, pk: int):
    appeal = access.access_appeal(request.user, pk, for_write=True)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.appeal_resolve(actor=request.user, appeal=appeal, outcome=data["outcome"],
                                    outcome_number=data["outcome_number"], outcome_date=data["outcome_date"],
                                    new_form=data["new_form"], authorised_to_admit=data["authorised_to_admit"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã ghi kết quả: {AppealOutcome(data['outcome']).label.lower()}.")
            return redirect("oversight:case_detail", pk=appeal.case_id)
    return _form_page(request, form, title="Giải quyết khiếu nại kỷ luật", back=appeal.case)


# Programmes ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def programme_list(request):
    access.oversight_scope(request.user)
    if request.method == "POST":
        access.require_writer(request.user)
    form = ProgrammeForm(request.POST or None, initial={"year": timezone.localdate().year},
                         organisations=access.organisations_in_scope(request.user, for_write=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(actor=request.user, organisation=data["organisation"],
                                                  actor_kind=data["actor_kind"], year=data["year"],
                                                  title=data["title"], decision_number=data["decision_number"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("oversight:programme_detail", pk=programme.pk)
    today = timezone.localdate()
    programmes = [(p, selectors.programme_summary(p, today)) for p in access.programmes_for(request.user)]
    return render(request, "oversight/programme_list.html", {
        "programmes": programmes, "form": form, "can_write": access.may_write(request.user)})


@require_http_methods(["GET", "POST"])
@login_required
def programme_detail(request, pk: int):
    programme = access.access_programme(request.user, pk, for_write=request.method == "POST")
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_add_item(actor=request.user, programme=programme, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã thêm nội dung vào chương trình.")
            return redirect("oversight:programme_detail", pk=programme.pk)
    today = timezone.localdate()
    return render(request, "oversight/programme_detail.html", {
        "programme": programme, "progress": selectors.programme_progress(programme, today),
        "summary": selectors.programme_summary(programme, today), "form": form,
        "can_write": access.may_write(request.user, programme.organisation.path)})


# Suspensions -----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def suspension_new(request):
    access.oversight_scope(request.user)
    access.require_writer(request.user)
    form = SuspensionForm(request.POST or None,
                          organisations=access.organisations_in_scope(request.user, for_write=True),
                          members=access.members_in_scope(request.user, for_write=True).filter(
                              status__in=["official", "probationary"]).select_related("organisation"))
    if request.method == "POST" and form.is_valid():
        try:
            suspension = services.suspension_decide(actor=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ghi quyết định đình chỉ.")
            return redirect("oversight:suspension_detail", pk=suspension.pk)
    return _form_page(request, form, title="Đình chỉ sinh hoạt (đảng viên) hoặc đình chỉ hoạt động (tổ chức đảng)",
                      back="oversight:index")


@require_http_methods(["GET", "POST"])
@login_required
def suspension_detail(request, pk: int):
    suspension = access.access_suspension(request.user, pk, for_write=request.method == "POST")
    form = SuspensionChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "extend":
                services.suspension_extend(actor=request.user, suspension=suspension, new_ends_on=data["day"])
            else:
                services.suspension_end(actor=request.user, suspension=suspension, ended_on=data["day"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ghi.")
            return redirect("oversight:suspension_detail", pk=suspension.pk)
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.READ, target=suspension,
                     organisation=suspension.subject_organisation)
    return render(request, "oversight/suspension_detail.html", {
        "suspension": suspension, "form": form, "late": services.suspension_notified_late(suspension),
        "can_write": access.may_write(request.user, suspension.subject_organisation.path)})


# Figures ---------------------------------------------------------------------------------------

@require_GET
@login_required
def figures(request):
    access.oversight_scope(request.user)
    organisations = access.organisations_in_scope(request.user, for_write=False)
    form = FiguresForm(request.GET or None, organisations=organisations)
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    root = access.access_root(request.user, data["to_chuc"].pk) if data.get("to_chuc") else organisations.first()
    date_from = data.get("tu") or date(today.year, 1, 1)
    date_to = data.get("den") or today
    context = {"form": form, "root": root, "date_from": date_from, "date_to": date_to, "rows": [], "records": None}
    if root is not None and not form.errors:
        values = oversight_figures(root, date_from, date_to)
        context["rows"] = [(fid, values[fid]) for fid in figure_ids() if values.get(fid)]
        chosen = data.get("chi_so")
        if chosen in values:
            context["chosen"] = chosen
            context["records"] = figure_records(root, date_from, date_to, chosen)
            # SEC-16: the drill-down lists the activities, subjects and disciplined members behind a figure.
            audit_record(actor=request.user, action=AuditAction.READ, event_type="figure_records",
                         target=root, organisation=root,
                         new={"figure": chosen, "from": date_from, "to": date_to,
                              "rows": len(context["records"])})
    return render(request, "oversight/figures.html", context)

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dangvu.access.policies import members_for, organisations_for, scope_for
from dangvu.accounts.services import user_password_changed
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.members.models import ACTIVE_STATUSES, MemberStatus
from dangvu.organisations.selectors import cells_below_minimum
from dangvu.web.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action=AuditAction.LOGIN, target_type="accounts.user",
                     target_id=str(self.request.user.pk), target_repr=self.request.user.username)
        if self.request.user.must_change_password:
            messages.info(self.request, "Đây là lần đăng nhập đầu tiên: vui lòng đổi mật khẩu.")
            return redirect("password_change")
        return response

    def form_invalid(self, form):
        username = (self.request.POST.get("username") or "")[:150]
        audit_record(actor=None, action=AuditAction.LOGIN_FAILED, target_type="accounts.user",
                     target_repr=username.replace("\r", " ").replace("\n", " "), result="denied")
        return super().form_invalid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=self.request.user)
        messages.success(self.request, "Đã đổi mật khẩu.")
        return response


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=AuditAction.LOGOUT, target_type="accounts.user",
                     target_id=str(request.user.pk), target_repr=request.user.username)
    logout(request)
    return redirect("login")


@require_GET
@login_required
def home(request):
    today = timezone.localdate()
    members = members_for(request.user, for_write=False)
    context = {
        "today": today,
        "has_scope": bool(scope_for(request.user).roles),
        "grants": request.user.grants.select_related("organisation").all(),
        "count_active": members.filter(status__in=ACTIVE_STATUSES).count(),
        "count_official": members.filter(status=MemberStatus.OFFICIAL).count(),
        "count_probationary": members.filter(status=MemberStatus.PROBATIONARY).count(),
        "count_orgs": organisations_for(request.user, for_write=False).filter(ended_on__isnull=True).count(),
        "weak_cells": cells_below_minimum(user=request.user, day=today)[:20],
    }
    return render(request, "web/home.html", context)


def bad_request(request, exception=None):
    return render(request, "errors/error.html", {"title": "Yêu cầu không hợp lệ", "code": 400}, status=400)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "Bạn không có quyền thực hiện thao tác này."
    return render(request, "errors/error.html", {"title": "Không có quyền", "code": 403, "message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/error.html", {"title": "Không tìm thấy trang", "code": 404,
                                                 "message": "Trang hoặc hồ sơ này không tồn tại, hoặc nằm ngoài phạm vi của bạn."},
                  status=404)


def server_error(request):
    return render(request, "errors/error.html", {"title": "Lỗi hệ thống", "code": 500,
                                                 "message": "Đã có lỗi xảy ra. Thao tác chưa được lưu. Vui lòng thử lại hoặc báo quản trị."},
                  status=500)

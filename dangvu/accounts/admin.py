import contextvars

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction

from dangvu.accounts.models import User
from dangvu.accounts.services import user_disable, user_password_reset, user_unlock
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record

_WATCHED = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser",
            "must_change_password")


@admin.action(description="Mở khóa đăng nhập (sau khi nhập sai mật khẩu nhiều lần)")
def unlock_logins(modeladmin, request, queryset):
    for user in queryset:
        user_unlock(actor=request.user, user=user)
    modeladmin.message_user(request, f"Đã mở khóa {queryset.count()} tài khoản.")


# The administrator resetting a password, for the form below (Django's view builds the form itself).
_resetting_actor: contextvars.ContextVar = contextvars.ContextVar("dangvu_resetting_actor", default=None)


class PasswordResetByAdminForm(AdminPasswordChangeForm):
    """Django's admin "change password" form, saved through ``user_password_reset``: the user must change
    the password at the next login (SEC-10) and the reset is audited."""

    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        return user_password_reset(actor=_resetting_actor.get(), user=self.user,
                                   password=self.cleaned_data["password1"] if usable else None)


@admin.register(User)
class DangVuUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Đảng vụ", {"fields": ("must_change_password",)}))
    actions = [unlock_logins]
    change_password_form = PasswordResetByAdminForm

    def user_change_password(self, request, id, form_url=""):
        token = _resetting_actor.set(request.user)
        try:
            with transaction.atomic():
                return super().user_change_password(request, id, form_url)
        finally:
            _resetting_actor.reset(token)

    def save_model(self, request, obj, form, change):
        old = {}
        if change:
            previous = User.objects.get(pk=obj.pk)
            old = {name: getattr(previous, name) for name in _WATCHED}
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=AuditAction.UPDATE if change else AuditAction.CREATE,
                     event_type="account", target=obj, target_repr=obj.username, old=old,
                     new={name: getattr(obj, name) for name in _WATCHED})

    def delete_model(self, request, obj):
        # Accounts are disabled, not deleted: audit rows keep pointing at them.
        user_disable(actor=request.user, user=obj, reason="Xóa tài khoản trong trang quản trị")

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from dangvu.accounts.models import User
from dangvu.accounts.services import user_disable, user_unlock
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record

_WATCHED = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser",
            "must_change_password")


@admin.action(description="Mở khóa đăng nhập (sau khi nhập sai mật khẩu nhiều lần)")
def unlock_logins(modeladmin, request, queryset):
    for user in queryset:
        user_unlock(actor=request.user, user=user)
    modeladmin.message_user(request, f"Đã mở khóa {queryset.count()} tài khoản.")


@admin.register(User)
class DangVuUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Đảng vụ", {"fields": ("must_change_password",)}))
    actions = [unlock_logins]

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

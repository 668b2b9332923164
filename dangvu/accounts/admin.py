from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from dangvu.accounts.models import User
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record

_WATCHED = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser",
            "must_change_password")


@admin.register(User)
class DangVuUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Đảng vụ", {"fields": ("must_change_password",)}))

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
        obj.is_active = False
        obj.save(update_fields=["is_active"])
        audit_record(actor=request.user, action=AuditAction.UPDATE, event_type="account_disabled", target=obj,
                     target_repr=obj.username, new={"is_active": False})

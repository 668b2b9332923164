from django.contrib import admin

from dangvu.access.models import Grant
from dangvu.access.services import grant_create, grant_revoke


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    """Grants are added and removed, never edited, and every change goes through the audited services."""

    list_display = ("user", "role", "organisation", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "organisation__code", "organisation__name")
    autocomplete_fields = ()
    raw_id_fields = ("user", "organisation")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = grant_create(actor=request.user, user=obj.user, organisation=obj.organisation, role=obj.role)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        grant_revoke(actor=request.user, grant=obj)

    def delete_queryset(self, request, queryset):
        for grant in queryset:
            grant_revoke(actor=request.user, grant=grant)

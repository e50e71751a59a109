from django.contrib import admin

from . import audit
from .models import AuditEntry, CalendarDay, calendar_changed


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin are written to the audit trail like any other (the admin saves in a
    transaction, so the entry goes with the change)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Never copy a password (even hashed) into the trail.
        fields = {name: str(form.cleaned_data.get(name)) for name in form.changed_data if "password" not in name}
        audit.record(request.user, "admin.change" if change else "admin.add", obj, fields)

    def delete_model(self, request, obj):
        audit.record(request.user, "admin.delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(request.user, "admin.delete", obj)
        super().delete_queryset(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_name", "object_repr", "action"]
    date_hierarchy = "at"

    # The trail is evidence: nobody edits or deletes it, not even an administrator.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["day", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._calendar_changed(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._calendar_changed(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._calendar_changed(request)

    def _calendar_changed(self, request):
        for _receiver, message in calendar_changed.send(sender=CalendarDay):
            if message:
                self.message_user(request, message)

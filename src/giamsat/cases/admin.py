"""Administration of cases: the time limits and retention (CaseSettings), and the access log, read-only. Case
contents are not in the admin: an administrator is not on the need-to-know list (see docs/privacy.md)."""

from django.contrib import admin

from giamsat.core.admin import AuditedAdmin

from . import services
from .models import CaseAccess, CaseSettings


@admin.register(CaseSettings)
class CaseSettingsAdmin(AuditedAdmin):
    list_display = ["__str__", "forward_hours", "initial_assessment_hours", "review_days", "retention_years"]

    def has_add_permission(self, request):
        return not CaseSettings.objects.exists()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.message_user(request, services.after_clock_change())

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseAccess)
class CaseAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "case_code", "action", "detail", "reason"]
    list_filter = ["action"]
    search_fields = ["username", "case_code"]
    date_hierarchy = "at"

    # The log is evidence: nobody edits or deletes it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

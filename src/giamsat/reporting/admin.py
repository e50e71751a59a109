from django.contrib import admin

from giamsat.core.admin import AuditedAdmin

from .models import Report, ReportRequest, Schedule


@admin.register(Schedule)
class ScheduleAdmin(AuditedAdmin):
    list_display = ["title", "plan", "frequency", "first_year", "last_year", "due_days"]
    raw_id_fields = ["plan", "units"]


@admin.register(ReportRequest)
class ReportRequestAdmin(AuditedAdmin):
    list_display = ["unit", "schedule", "period_start", "period_end", "due_on"]
    raw_id_fields = ["schedule", "unit"]
    list_select_related = ["unit", "schedule"]


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    """Read-only here: reports change through their workflow, never by hand."""

    list_display = ["request", "version", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    raw_id_fields = ["request"]

    def has_change_permission(self, request, obj=None):
        return False

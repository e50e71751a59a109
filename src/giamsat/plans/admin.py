from django.contrib import admin

from giamsat.core.admin import AuditedAdmin

from .models import Indicator, Phase, Plan, Programme, Target, Task


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["name", "active"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["reference", "title", "issuer", "issued_on", "status", "illustrative"]
    list_filter = ["status", "programme", "illustrative"]
    search_fields = ["reference", "title"]
    raw_id_fields = ["issuer", "replaced_by"]
    inlines = [PhaseInline]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["code", "name", "plan", "kind", "direction", "source"]
    list_filter = ["kind", "direction", "source"]
    raw_id_fields = ["plan"]


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ["indicator", "unit", "period_start", "period_end", "value"]
    raw_id_fields = ["indicator", "unit"]


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ["text", "plan", "lead", "deadline", "status"]
    raw_id_fields = ["plan", "lead", "coordinators"]

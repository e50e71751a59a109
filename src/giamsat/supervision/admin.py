from django.contrib import admin

from giamsat.core.admin import AuditedAdmin

from .models import FindingCategory, Recommendation, Supervision, SupervisionProgramme


@admin.register(FindingCategory)
class FindingCategoryAdmin(AuditedAdmin):
    """The configurable list of limitation categories (seeded with the seed's eight)."""

    list_display = ["name", "order", "active"]
    list_editable = ["order", "active"]


@admin.register(SupervisionProgramme)
class SupervisionProgrammeAdmin(AuditedAdmin):
    list_display = ["title", "organisation", "year"]
    raw_id_fields = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(Supervision)
class SupervisionAdmin(AuditedAdmin):
    list_display = ["title", "organisation", "reference", "status", "start_on"]
    list_filter = ["status"]
    search_fields = ["title", "reference"]
    raw_id_fields = ["organisation", "programme", "created_by"]
    filter_horizontal = ["plans"]
    list_select_related = ["organisation"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    """Read-only here: recommendations change through the follow-up screens, which keep the history."""

    list_display = ["supervision", "item", "addressee", "status", "due_on"]
    list_filter = ["status"]
    list_select_related = ["supervision", "addressee"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from giamsat.core.admin import AuditedAdmin

from .models import Organisation, Unit, UnitSuccession


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "type", "level", "structure", "parent", "valid_from", "valid_to"]
    list_filter = ["structure", "level", "type"]
    search_fields = ["name", "name_folded", "code"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(AuditedAdmin):
    list_display = ["predecessor", "successor", "partly", "effective"]
    list_filter = ["partly"]
    raw_id_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "abbreviation", "kind", "unit", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "abbreviation"]
    raw_id_fields = ["unit", "parent"]

from django.contrib import admin

from giamsat.core.admin import AuditedAdmin

from .models import Document, IssuerLayout, NumberCounter


@admin.register(IssuerLayout)
class IssuerLayoutAdmin(AuditedAdmin):
    list_display = ["organisation", "issuer_name", "place_name", "signature_prefix", "signer_position"]
    raw_id_fields = ["organisation"]


@admin.register(NumberCounter)
class NumberCounterAdmin(admin.ModelAdmin):
    """The register is read-only: numbers are taken only by issuing a document."""

    list_display = ["organisation", "year", "last_number"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "summary", "organisation", "status", "issued_on"]
    list_filter = ["status", "kind"]
    search_fields = ["reference", "summary"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

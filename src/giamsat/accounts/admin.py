from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from giamsat.core import audit
from giamsat.core.admin import AuditedAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "unit", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "email"]
    raw_id_fields = ["unit", "organisation"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Vai trò và địa bàn"), {"fields": ["full_name", "position", "role", "unit", "organisation"]}),
    )

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                audit.record(request.user, "password.admin_set", self.get_object(request, id))
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["name", "user", "hint", "read_only", "created_at", "expires_at", "last_used_at", "revoked_at"]
    # Lifetime and rights are chosen by the owner when the token is made; an administrator only revokes.
    readonly_fields = ["hint", "created_at", "last_used_at", "expires_at", "read_only"]
    raw_id_fields = ["user"]

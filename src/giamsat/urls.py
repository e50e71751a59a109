from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from giamsat.accounts import views as account_views
from giamsat.api import api
from giamsat.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("units/", include("giamsat.units.urls")),
    path("plans/", include("giamsat.plans.urls")),
    path("reporting/", include("giamsat.reporting.urls")),
    path("supervision/", include("giamsat.supervision.urls")),
    path("documents/", include("giamsat.documents.urls")),
    path("cases/", include("giamsat.cases.urls")),
    path("dashboards/", include("giamsat.dashboards.urls")),
    path("account/", include("giamsat.accounts.urls")),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:pk>/", views.plan_matrix, name="matrix"),
    path("plans/<int:pk>/matrix.xlsx", views.plan_matrix_xlsx, name="matrix_xlsx"),
    path("plans/<int:pk>/unmet/", views.plan_unmet, name="unmet"),
    path("plans/<int:pk>/unmet.xlsx", views.plan_unmet_xlsx, name="unmet_xlsx"),
    path("plans/<int:pk>/trend/", views.plan_trend, name="trend"),
    path("plans/<int:pk>/trend.xlsx", views.plan_trend_xlsx, name="trend_xlsx"),
    path("plans/<int:pk>/trend.svg", views.plan_trend_svg, name="trend_svg"),
    path("plans/<int:pk>/compliance/", views.plan_compliance, name="compliance"),
    path("plans/<int:pk>/compliance.xlsx", views.plan_compliance_xlsx, name="compliance_xlsx"),
    path("plans/<int:pk>/reports/", views.plan_reports, name="reports"),
    path("plans/<int:pk>/reports.xlsx", views.plan_reports_xlsx, name="reports_xlsx"),
    path("cases/", views.cases_panel, name="cases"),
    path("cases/<slug:table>.xlsx", views.cases_panel_xlsx, name="cases_xlsx"),
    path("cases/<slug:chart>.svg", views.cases_panel_svg, name="cases_svg"),
    path("supervision/", views.supervision_panel, name="supervision"),
    path("supervision/<slug:table>.xlsx", views.supervision_panel_xlsx, name="supervision_xlsx"),
    path("supervision/<slug:chart>.svg", views.supervision_panel_svg, name="supervision_svg"),
]

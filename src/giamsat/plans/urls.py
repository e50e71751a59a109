from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_edit, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/targets/", views.targets_edit, name="targets"),
    path("<int:pk>/targets.xlsx", views.targets_download, name="targets_download"),
    path("<int:plan_pk>/indicators/new/", views.indicator_edit, name="indicator_create"),
    path("<int:plan_pk>/indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("<int:plan_pk>/tasks/new/", views.task_edit, name="task_create"),
    path("<int:plan_pk>/tasks/<int:pk>/", views.task_edit, name="task_edit"),
]

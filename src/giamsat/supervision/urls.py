from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("limitations/", views.limitations, name="limitations"),
    path("programmes/new/", views.programme_edit, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_edit, name="programme_edit"),
    path("new/", views.supervision_edit, name="create"),
    path("<int:pk>/", views.supervision_detail, name="detail"),
    path("<int:pk>/edit/", views.supervision_edit, name="edit"),
    path("<int:pk>/overview/", views.overview, name="overview"),
    path("<int:pk>/schedule/", views.schedule_edit, name="schedule"),
    path("<int:pk>/delegation/", views.delegation, name="delegation"),
    path("members/<int:pk>/delete/", views.member_delete, name="member_delete"),
    path("<int:supervision_pk>/sessions/new/", views.session_edit, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("<int:supervision_pk>/findings/new/", views.finding_edit, name="finding_create"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/delete/", views.finding_delete, name="finding_delete"),
    path("<int:supervision_pk>/recommendations/new/", views.recommendation_create, name="recommendation_create"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:pk>/respond/", views.respond, name="respond"),
    path("recommendations/<int:pk>/verify/", views.verify, name="verify"),
    path("recommendations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]

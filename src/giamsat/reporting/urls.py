from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("plans/<int:plan_pk>/schedules/new/", views.schedule_create, name="schedule_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/template.xlsx", views.download_template, name="template"),
    path("requests/<int:pk>/upload/", views.upload, name="upload"),
    path("reports/<int:pk>/review/", views.review, name="review"),
    path("reports/<int:pk>/correction/", views.open_correction, name="correction"),
]

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/<int:supervision_pk>/<str:kind>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/download.<str:fmt>", views.download, name="download"),
    path("layouts/<int:organisation_pk>/", views.layout, name="layout"),
]

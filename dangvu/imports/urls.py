from django.urls import path

from dangvu.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("tai-len/", views.upload, name="upload"),
    path("mau/<slug:kind>/", views.template_download, name="template"),
    path("lo/<int:pk>/", views.batch_detail, name="batch"),
    path("lo/<int:pk>/ghi/", views.batch_commit_view, name="commit"),
    path("lo/<int:pk>/tien-do/", views.batch_progress, name="progress"),
    path("lo/<int:pk>/hoan-tac/", views.batch_rollback_view, name="rollback"),
    path("xuat/<slug:kind>/", views.export, name="export"),
]

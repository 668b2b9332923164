from django.urls import path

from dangvu.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("tien-do/<int:pk>/", views.progress, name="progress"),
    path("chi-so/<str:figure_id>/", views.figure, name="figure"),
    path("xuat/<str:fmt>/", views.export, name="export"),
    path("ban-hanh/", views.issue, name="issue"),
    path("da-ban-hanh/", views.issued_list, name="issued_list"),
    path("da-ban-hanh/<int:pk>/", views.issued_detail, name="issued_detail"),
    path("da-ban-hanh/<int:pk>/<str:fmt>/", views.issued_export, name="issued_export"),
]

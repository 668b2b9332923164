from django.urls import path

from dangvu.development import views

app_name = "development"
urlpatterns = [
    path("", views.candidate_list_view, name="candidates"),
    path("them/", views.candidate_create_view, name="candidate_create"),
    path("han-xu-ly/", views.deadlines_view, name="deadlines"),
    path("chi-tieu/", views.targets_view, name="targets"),
    path("chi-tieu/them/", views.target_create, name="target_create"),
    path("<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("<int:pk>/buoc/<slug:step>/", views.candidate_step, name="step"),
    path("<int:pk>/van-ban/<slug:kind>/", views.candidate_document, name="document"),
]

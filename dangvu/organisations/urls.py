from django.urls import path

from dangvu.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("them/", views.create, name="create"),
    path("don-vi/them/", views.host_unit_create, name="host_unit_create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/su-kien/<slug:kind>/", views.event, name="event"),
    path("<int:pk>/nhiem-ky/them/", views.term_create, name="term_create"),
    path("<int:pk>/nhiem-ky/<int:term_pk>/chuc-vu/them/", views.post_assign, name="post_assign"),
]

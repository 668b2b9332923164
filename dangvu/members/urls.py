from django.urls import path

from dangvu.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list_view, name="list"),
    path("ket-nap/", views.member_admit_view, name="admit"),
    path("tiep-nhan/", views.member_receive_view, name="receive"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/sua/", views.member_edit, name="edit"),
    path("<int:pk>/gia-tri/", views.member_value, name="value"),
    path("<int:pk>/su-kien/<slug:kind>/", views.member_event, name="event"),
    path("<int:pk>/su-kien/<int:event_pk>/huy/", views.member_void, name="void"),
]

from django.urls import path

from dangvu.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
]

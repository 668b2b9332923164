from django.urls import path

from dangvu.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
    path("hoat-dong/moi/", views.activity_new, name="activity_new"),
    path("hoat-dong/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("hoat-dong/<int:pk>/doi-tuong/<int:subject_pk>/ket-luan/", views.subject_conclude, name="subject_conclude"),
    path("hoat-dong/<int:pk>/doi-tuong/<int:subject_pk>/ky-luat/", views.case_new, name="case_new"),
    path("hoat-dong/<int:pk>/chuyen-kiem-tra/", views.activity_escalate, name="activity_escalate"),
    path("ky-luat/moi-theo-ban-an/", views.case_new_judgment, name="case_new_judgment"),
    path("ky-luat/tam-hoan/", views.postponed, name="postponed"),
    path("ky-luat/<int:pk>/", views.case_detail, name="case_detail"),
    path("ky-luat/<int:pk>/tiep-tuc/", views.case_resume, name="case_resume"),
    path("ky-luat/<int:pk>/quyet-dinh/", views.case_decide, name="case_decide"),
    path("ky-luat/<int:pk>/khieu-nai/", views.appeal_new, name="appeal_new"),
    path("khieu-nai/<int:pk>/giai-quyet/", views.appeal_resolve, name="appeal_resolve"),
    path("chuong-trinh/", views.programme_list, name="programme_list"),
    path("chuong-trinh/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("dinh-chi/moi/", views.suspension_new, name="suspension_new"),
    path("dinh-chi/<int:pk>/", views.suspension_detail, name="suspension_detail"),
    path("so-lieu/", views.figures, name="figures"),
]

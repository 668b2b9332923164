from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Đảng vụ – Quản trị hệ thống"
admin.site.site_title = "Đảng vụ"

urlpatterns = [
    path("", include("dangvu.web.urls")),
    path("to-chuc/", include("dangvu.organisations.urls")),
    path("dang-vien/", include("dangvu.members.urls")),
    path("phat-trien-dang/", include("dangvu.development.urls")),
    path("kiem-tra-giam-sat/", include("dangvu.oversight.urls")),
    path("bao-cao/", include("dangvu.reports.urls")),
    path("nhap-du-lieu/", include("dangvu.imports.urls")),
    path("nhat-ky/", include("dangvu.audit.urls")),
    path("quan-tri/", admin.site.urls),
]

handler400 = "dangvu.web.views.bad_request"
handler403 = "dangvu.web.views.permission_denied"
handler404 = "dangvu.web.views.page_not_found"
handler500 = "dangvu.web.views.server_error"

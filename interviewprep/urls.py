from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

from . import pages

urlpatterns = [
    path("", account_views.home, name="home"),
    path("terms/", pages.terms, name="terms"),
    path("privacy/", pages.privacy, name="privacy"),
    path("contact/", pages.contact, name="contact"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("sessions.urls")),
    path("", include("sessions.grading.urls")),
    path("", include("sessions.notifications.urls")),
    path("", include("sessions.matching.urls")),
    path("room/", include("sessions.room.urls")),
    path("playbook/", include("payments.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "interviewprep.views.page_not_found"
handler500 = "interviewprep.views.server_error"
handler403 = "interviewprep.views.permission_denied"

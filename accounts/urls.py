from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/emails/", views.notification_preferences, name="notification_preferences"),
    path("profile/calendar-token/", views.rotate_calendar_token, name="rotate_calendar_token"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
    path("profile/", views.profile, name="profile"),
    path("profile/emails/", views.notification_preferences, name="notification_preferences"),
    path("profile/calendar-token/", views.rotate_calendar_token, name="rotate_calendar_token"),
    path("profile/data/", views.download_my_data, name="download_my_data"),
    path("profile/delete/", views.delete_account, name="delete_account"),
]

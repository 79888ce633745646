from django.urls import path

from . import dashboard, views

app_name = "sessions"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("interviews/find/", views.find_slots, name="find"),
    path("interviews/mine/", views.my_interviews, name="mine"),
]

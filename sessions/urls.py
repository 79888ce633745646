"""The "sessions" URL namespace: the scheduling pages, the room page and the progress dashboard.

Grading (namespace "grading") and notifications ("notifications") have their
own URLconfs, included beside this one by interviewprep/urls.py.
"""

from django.urls import path

from sessions.grading import dashboard
from sessions.room import views as room_views
from sessions.scheduling.urls import urlpatterns as scheduling_urlpatterns

app_name = "sessions"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    *scheduling_urlpatterns,
    # The room page lives with the live room, one layer above scheduling.
    path("interviews/<int:pk>/room/", room_views.room_page, name="room"),
]

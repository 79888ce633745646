"""The "sessions" URL namespace: the scheduling pages and the progress dashboard.

Grading (namespace "grading") and notifications ("notifications") have their
own URLconfs, included beside this one by interviewprep/urls.py.
"""

from django.urls import path

from sessions.grading import dashboard
from sessions.scheduling.urls import urlpatterns as scheduling_urlpatterns

app_name = "sessions"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    *scheduling_urlpatterns,
]

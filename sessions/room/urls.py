"""The live room's own URLs, under /room/ (namespace "room"). The room page is in
the "sessions" namespace (sessions/urls.py), beside the booking pages."""

from django.urls import path

from . import views

app_name = "room"

urlpatterns = [
    path("rounds/<int:round_id>/checklist/", views.checklist, name="checklist"),
]

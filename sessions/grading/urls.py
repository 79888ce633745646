from django.urls import path

from . import views

app_name = "grading"

urlpatterns = [
    path(
        "interviews/rounds/<int:round_id>/scorecard/",
        views.scorecard,
        name="scorecard",
    ),
    path(
        "interviews/rounds/<int:round_id>/scorecard/autosave/",
        views.scorecard_autosave,
        name="scorecard_autosave",
    ),
    path(
        "interviews/rounds/<int:round_id>/feedback/",
        views.scorecard_view,
        name="scorecard_view",
    ),
    path("interviews/rounds/<int:round_id>/rate/", views.rate, name="rate"),
]

from django.urls import path

from . import grading_views

app_name = "grading"

urlpatterns = [
    path(
        "interviews/rounds/<int:round_id>/scorecard/",
        grading_views.scorecard,
        name="scorecard",
    ),
    path(
        "interviews/rounds/<int:round_id>/scorecard/autosave/",
        grading_views.scorecard_autosave,
        name="scorecard_autosave",
    ),
    path(
        "interviews/rounds/<int:round_id>/feedback/",
        grading_views.scorecard_view,
        name="scorecard_view",
    ),
    path("interviews/rounds/<int:round_id>/rate/", grading_views.rate, name="rate"),
]

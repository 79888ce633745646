from django.urls import path

from . import views

app_name = "room"

urlpatterns = [
    path("rounds/<int:round_id>/checklist/", views.checklist, name="checklist"),
]

from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("practice/", views.practice_now, name="practice"),
    path("practice/requests/", views.my_requests, name="requests"),
    path("practice/requests/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("practice/requests/<int:pk>/block/", views.block, name="block"),
    path("practice/blocks/<int:pk>/remove/", views.unblock, name="unblock"),
]

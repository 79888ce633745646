from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def find_slots(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions/find.html")


@login_required
def my_interviews(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions/mine.html")

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def playbook(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/playbook.html")

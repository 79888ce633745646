"""The site's own pages: terms, privacy, contact. Linked from every page's footer."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


def _page(request: HttpRequest, template: str) -> HttpResponse:
    return render(request, f"pages/{template}.html", {"contact_email": settings.CONTACT_EMAIL})


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    return _page(request, "terms")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return _page(request, "privacy")


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    return _page(request, "contact")

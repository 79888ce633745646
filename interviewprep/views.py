from django.http import HttpRequest, HttpResponse
from django.template import loader


def _render(template: str, status: int, request: HttpRequest | None = None) -> HttpResponse:
    return HttpResponse(loader.render_to_string(template, request=request), status=status)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _render("404.html", 404, request)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _render("403.html", 403, request)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may have come from a context processor.
    return _render("500.html", 500)

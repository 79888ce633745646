"""Middleware of the project as a whole."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEALTHZ_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answer ``GET /healthz`` with 200 "ok" before anything else runs.

    Liveness for load balancers: first in MIDDLEWARE, so the request touches
    no session, no database, no cache and no host check (a balancer probes by
    IP address), and is not redirected to HTTPS. It says the process serves
    requests, nothing about the services behind it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTHZ_PATH and request.method in ("GET", "HEAD"):
            response = HttpResponse(b"ok", content_type="text/plain")
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)

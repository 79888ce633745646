"""Middleware of the project as a whole: liveness and headers that no single app owns."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

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


class NoStorePersonalPagesMiddleware:
    """`Cache-Control: no-store` on every response that may carry personal data.

    That is every response to a logged-in person, and every response under the
    prefixes in settings.NO_STORE_PATH_PREFIXES (account pages, the admin,
    unsubscribe links), whoever asks. A shared or browser cache must never keep
    one: the next person at the machine or behind the proxy would see it.
    Anonymous public pages (home, the playbook's sales page) keep their default
    caching.

    The exception is settings.REVALIDATE_PATH_PREFIXES (the calendar feed): a
    calendar app must store the feed to revalidate it (ETag, Last-Modified, 304),
    so those responses are `private, no-cache` for everyone (RFC 9111 5.2.2.4 and
    5.2.2.7): only the subscriber's own client keeps a copy, and it asks again on
    every poll.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = tuple(settings.NO_STORE_PATH_PREFIXES)
        self.revalidate_prefixes = tuple(settings.REVALIDATE_PATH_PREFIXES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.revalidate_prefixes):
            patch_cache_control(response, private=True, no_cache=True)
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(self.prefixes):
            add_never_cache_headers(response)
        return response

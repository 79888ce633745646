"""The site's URLs plus the two floors of the load bench.

Both floors are views returning "ok" through the site's whole middleware
stack, one for anyone and one behind login_required, so the two differ only by
what a signed-in request costs before its view runs (session, person). The
production /healthz answers before any middleware (a balancer probes it by IP
over plain HTTP), so it is measured beside them but is not a floor.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def anonymous_floor(request: HttpRequest) -> HttpResponse:
    """The cheapest page for anyone: the middleware stack, then "ok"."""
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """The cheapest logged-in page: session, user and middleware, then "ok"."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/anonymous-floor/", anonymous_floor),
    path("bench/floor/", floor),
    path("", include("interviewprep.urls")),
]

handler404 = "interviewprep.views.page_not_found"
handler500 = "interviewprep.views.server_error"
handler403 = "interviewprep.views.permission_denied"

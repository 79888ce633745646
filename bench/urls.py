"""The site's URLs plus the logged-in floor of the load bench."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """The cheapest logged-in page: session, user and middleware, then "ok"."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor),
    path("", include("interviewprep.urls")),
]

handler404 = "interviewprep.views.page_not_found"
handler500 = "interviewprep.views.server_error"
handler403 = "interviewprep.views.permission_denied"

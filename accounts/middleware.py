import zoneinfo

from django.utils import timezone

from . import clock


class TimezoneMiddleware:
    """Render every time in the viewer's own time zone and clock (12- or 24-hour)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        profile = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
        tzname = profile.timezone if profile else None
        if tzname:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tzname))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        if profile:
            clock.activate(twelve_hour=profile.uses_12_hour_clock)
        else:
            clock.deactivate()
        return self.get_response(request)

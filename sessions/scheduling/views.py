"""Scheduling pages: find slots, the booking page, calendar files and feed, and my
interviews. What changes a slot or booking (publish, book, cancel, reschedule, no-shows)
is in booking_views; the room page is in room_views."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from accounts.pagecache import cached_page
from sessions.grading import selectors as grading_selectors

from . import selectors, services
from .access import booking_for
from .calendar import build_ics, cached_feed, feed_owner
from .forms import (
    RescheduleForm,
    SlotFilterForm,
)
from .models import Booking, NoShowReport, RescheduleRequest
from .paging import page_of
from .phases import round_window

SLOTS_PER_PAGE = 20
# My interviews lists this many past and cancelled interviews and scorecards to
# write at a time, however long a person's history is.
LIST_SHOWN = 10
# The find page counts matches up to here and then says "200+": counting every
# open slot that passes the busy checks would cost more than the page itself.
SLOTS_COUNTED = 200


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap` + 1 rows (read "200+").

    `counted` is the queryset to count (the listed one without its per-row
    annotations); the pages beyond the cap are not offered.
    """

    def __init__(self, object_list, per_page: int, *, cap: int, counted=None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.counted = object_list if counted is None else counted

    @cached_property
    def count(self) -> int:
        return self.counted[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        return max(1, -(-min(self.count, self.cap) // self.per_page))

    @property
    def count_label(self) -> str:
        return f"{self.cap}+" if self.is_capped else str(self.count)


# --- Finding -----------------------------------------------------------------------


@login_required
@require_GET
@cached_page(board=True)
def find_slots(request: HttpRequest) -> HttpResponse:
    form = SlotFilterForm(request.GET or None)
    # A field with an error (say, an end date before the start) drops out of
    # cleaned_data on its own; every other filter keeps applying.
    filters: dict = {}
    if form.is_bound:
        form.is_valid()
        filters = form.cleaned_data
    slots = selectors.open_slots_for(viewer=request.user, **filters)
    paginator = CappedPaginator(
        grading_selectors.with_host_record(slots), SLOTS_PER_PAGE, cap=SLOTS_COUNTED, counted=slots
    )
    page = paginator.get_page(request.GET.get("page"))
    for slot in page:
        slot.rating = grading_selectors.host_rating(slot)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sessions/scheduling/find.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


# --- The booking page --------------------------------------------------------------


def render_booking(
    request: HttpRequest,
    booking: Booking,
    *,
    reschedule_form: RescheduleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The booking page for one of the viewer's bookings, optionally with a bound reschedule form.

    booking_detail shows it; booking_views.propose_reschedule re-renders it with the form's
    errors (status 400). Times are shown in the viewer's own zone.
    """
    now = timezone.now()
    user = request.user
    other = booking.other_participant(user)
    zone = user.profile.zone
    rounds = list(
        booking.rounds.select_related("booking", "interviewer__profile", "candidate__profile")
    )
    for r in rounds:
        r.window = round_window(booking, r.number)
    upcoming = booking.status == Booking.Status.CONFIRMED and booking.starts_at > now
    ended = booking.status != Booking.Status.CANCELLED and booking.ends_at <= now
    report = (
        NoShowReport.objects.filter(booking=booking).select_related("reporter__profile").first()
    )
    pending = selectors.pending_reschedule(booking)
    if reschedule_form is None:
        reschedule_form = RescheduleForm(
            zone=zone, initial={"day": timezone.localtime(booking.starts_at, zone).date()}
        )
    return render(
        request,
        "sessions/scheduling/booking.html",
        {
            "booking": booking,
            "other": other,
            "other_zone": other.profile.zone,
            "other_rating": grading_selectors.rating_summary(other)[0],
            "rounds": rounds,
            "pending": pending,
            "can_change": upcoming,
            "ended": ended,
            "in_progress": booking.status == Booking.Status.CONFIRMED
            and booking.starts_at <= now < booking.ends_at,
            "is_late": upcoming
            and services.cancellation_would_be_late(booking=booking, by=user, now=now),
            "no_show_report": report,
            "can_report_no_show": report is None
            and booking.status in (Booking.Status.CONFIRMED, Booking.Status.COMPLETED)
            and services.no_show_refusal(booking=booking, by=user, now=now) is None,
            "can_dispute": report is not None
            and report.accused_id == user.pk
            and report.can_be_disputed(now),
            "reschedule_form": reschedule_form,
            "now": now,
        },
        status=status,
    )


@login_required
@require_GET
@cached_page()
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_booking(request, booking_for(request.user, pk))


# --- Calendar ---------------------------------------------------------------------


def _calendar_response(body: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def booking_ics(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_for(request.user, pk)
    body = build_ics(booking, viewer=request.user.profile)
    return _calendar_response(body, f"interview-{booking.pk}.ics")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribed feed: built once per change, and 304 Not Modified on a repeat poll.

    The secret token is the credential (calendar apps can't log in), so the
    response is private and revalidated on every poll (ETag, Last-Modified).
    """
    # A deactivated or departed person's feed serves nothing.
    owner = feed_owner(token)
    if owner is None:
        raise Http404("No such calendar feed.")
    feed = cached_feed(owner)
    response = get_conditional_response(
        request, etag=feed.etag, last_modified=int(feed.last_modified)
    )
    if response is None:
        response = _calendar_response(feed.body)
    response["ETag"] = feed.etag
    response["Last-Modified"] = http_date(feed.last_modified)
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    return response


# --- My interviews ----------------------------------------------------------------


@login_required
@require_GET
@cached_page()
def my_interviews(request: HttpRequest) -> HttpResponse:
    """Upcoming interviews in full; past ones LIST_SHOWN at a time (?past=2 for older)."""
    user, now = request.user, timezone.now()
    past = page_of(
        request,
        selectors.past_bookings(user, now=now).select_related("no_show_report"),
        param="past",
        per_page=LIST_SHOWN,
    )
    cancelled = list(selectors.cancelled_bookings(user)[: LIST_SHOWN + 1])
    feedback_rounds = list(
        grading_selectors.rounds_needing_feedback(user, now=now)[: LIST_SHOWN + 1]
    )
    upcoming = list(selectors.upcoming_bookings(user, now=now))
    incoming = list(
        RescheduleRequest.objects.filter(
            Q(booking__host=user) | Q(booking__guest=user),
            status=RescheduleRequest.Status.PENDING,
            booking__status=Booking.Status.CONFIRMED,
        )
        .exclude(proposed_by=user)
        .select_related("booking", "proposed_by__profile")
    )
    for booking in cancelled:
        booking.other = booking.other_participant(user)
    return render(
        request,
        "sessions/scheduling/mine.html",
        {
            "upcoming": upcoming,
            "incoming": incoming,
            "feedback_rounds": feedback_rounds[:LIST_SHOWN],
            "more_feedback": len(feedback_rounds) > LIST_SHOWN,
            "past": past.rows,
            "past_page": past,
            "cancelled": cancelled[:LIST_SHOWN],
            "more_cancelled": len(cancelled) > LIST_SHOWN,
            "open_slots": selectors.open_slots_of(user, now=now),
            "now": now,
        },
    )

"""Access helpers of the scheduling pages: strangers get 404, never someone else's data."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from . import selectors
from .models import Booking, NoShowReport, RescheduleRequest, Round, Slot


def booking_for(user, pk: int) -> Booking:
    return get_object_or_404(selectors.bookings_of(user), pk=pk)


def round_for_interviewer(user, round_id: int) -> Round:
    return get_object_or_404(Round.objects.select_related("booking"), pk=round_id, interviewer=user)


def reschedule_for(user, pk: int) -> RescheduleRequest:
    return get_object_or_404(
        RescheduleRequest.objects.filter(Q(booking__host=user) | Q(booking__guest=user)),
        pk=pk,
    )


def no_show_report_against(user, booking_pk: int) -> NoShowReport:
    """A booking's no-show report, for the person it accuses; 404 for anyone else."""
    return get_object_or_404(
        NoShowReport.objects.select_related("booking", "reporter__profile"),
        booking_id=booking_pk,
        accused=user,
    )


def own_slot(user, pk: int) -> Slot:
    return get_object_or_404(Slot, pk=pk, host=user)


def wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or (
        request.content_type == "application/json"
    )


def show_error(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, getattr(exc, "message", str(exc)))

"""Practice now pages. A request is its owner's: anyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import onboarding_required
from sessions.scheduling.models import InterviewType
from sessions.scheduling.paging import page_of

from . import selectors, services
from .forms import PracticeForm
from .models import MatchBlock, MatchRequest, MatchRole

Status = MatchRequest.Status
CLOSED_SHOWN = 20


@login_required
@require_http_methods(["GET", "POST"])
@onboarding_required
def practice_now(request: HttpRequest) -> HttpResponse:
    profile = request.user.profile
    now = timezone.now()
    form = PracticeForm(
        request.POST or None,
        zone=profile.zone,
        now=now,
        initial={
            "interview_type": request.GET.get("type") or InterviewType.SYSTEM_DESIGN,
            "role": MatchRole.CANDIDATE,
            "level": profile.current_level,
            "target_level": profile.target_level,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_request(
                person=request.user,
                interview_type=data["interview_type"],
                role=data["role"],
                either_role=data["either_role"],
                level=data["level"],
                target_level=data["target_level"],
                minutes=data["minutes"],
                windows=data["windows"],
                now=now,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.MatchingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                "You are in the pool. We pair you as soon as someone fits; "
                "this page and an email tell you who and when.",
            )
            return redirect("matching:requests")
    waiting = MatchRequest.objects.filter(person=request.user, status=Status.WAITING).count()
    return render(
        request,
        "sessions/matching/practice.html",
        {
            "form": form,
            "zone": profile.timezone,
            "checked": form.checked(),
            "waiting": waiting,
            "limit": services.MAX_OPEN_REQUESTS,
            "max_windows": services.MAX_WINDOWS,
        },
    )


@login_required
@require_http_methods(["GET"])
def my_requests(request: HttpRequest) -> HttpResponse:
    """Waiting and matched requests in full; expired and withdrawn ones
    CLOSED_SHOWN at a time (?closed=2 for older)."""
    mine = selectors.requests_of(request.user)
    rows = list(mine.filter(status__in=[Status.WAITING, Status.MATCHED]))
    closed = page_of(
        request,
        mine.filter(status__in=[Status.EXPIRED, Status.WITHDRAWN]),
        param="closed",
        per_page=CLOSED_SHOWN,
    )
    for row in rows + closed.rows:
        booking = row.booking or row.cancelled_booking
        row.partner = booking.other_participant(request.user) if booking else None
    wait, count = selectors.median_wait(request.user)
    return render(
        request,
        "sessions/matching/requests.html",
        {
            "waiting": [r for r in rows if r.status == Status.WAITING],
            "matched": [r for r in rows if r.status == Status.MATCHED],
            "closed": closed,
            "blocks": selectors.blocks_of(request.user),
            "median_wait": selectors.describe_wait(wait),
            "match_count": count,
        },
    )


def _own_request(user, pk: int) -> MatchRequest:
    return get_object_or_404(MatchRequest, pk=pk, person=user)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    match_request = _own_request(request.user, pk)
    try:
        services.withdraw_request(request=match_request, by=request.user)
    except services.MatchingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your request is withdrawn.")
    return redirect("matching:requests")


@login_required
@require_POST
def block(request: HttpRequest, pk: int) -> HttpResponse:
    """Never be paired again with the person a request of yours was matched with."""
    match_request = _own_request(request.user, pk)
    booking = match_request.booking or match_request.cancelled_booking
    if booking is None:
        messages.error(request, "This request was never matched, so there is nobody to block.")
        return redirect("matching:requests")
    other = booking.other_participant(request.user)
    services.block(by=request.user, other=other)
    messages.success(
        request, f"You won't be paired with {other.display_name} again through Practice now."
    )
    return redirect("matching:requests")


@login_required
@require_POST
def unblock(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(
        MatchBlock.objects.select_related("blocked"), pk=pk, blocker=request.user
    )
    services.unblock(by=request.user, other=row.blocked)
    messages.success(request, f"{row.blocked.display_name} can be paired with you again.")
    return redirect("matching:requests")

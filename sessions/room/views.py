"""HTTP side of the live room: the interviewer's clarifying checklist."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from sessions.models import Round

from . import services


def _round_for_interviewer(user, round_id: int) -> Round:
    return get_object_or_404(Round.objects.select_related("booking"), pk=round_id, interviewer=user)


@login_required
@require_POST
def checklist(request: HttpRequest, round_id: int) -> HttpResponse:
    """Tick or untick one item: JSON ``{"item": key, "ticked": bool}`` or a form post."""
    round_ = _round_for_interviewer(request.user, round_id)
    as_json = request.content_type == "application/json"
    if as_json:
        try:
            body = json.loads(request.body or b"{}")
            item, ticked = body["item"], body["ticked"]
        except (ValueError, KeyError, TypeError):
            return JsonResponse(
                {"error": 'Send {"item": "scale", "ticked": true} as JSON.'}, status=400
            )
        if not isinstance(item, str) or not isinstance(ticked, bool):
            return JsonResponse({"error": "item is text and ticked is true or false."}, status=400)
    else:
        item, ticked = request.POST.get("item", ""), request.POST.get("ticked") == "on"
    try:
        ticks = services.tick_checklist(round_=round_, by=request.user, item=item, ticked=ticked)
    except services.RoomError as exc:
        if as_json:
            return JsonResponse({"error": exc.message}, status=409)
        messages.error(request, exc.message)
        ticks = None
    if as_json:
        return JsonResponse({"checklist": ticks})
    return redirect(reverse("sessions:room", args=[round_.booking_id]) + f"#round-{round_.number}")

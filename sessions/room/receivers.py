"""The room listens to scheduling: a cancelled booking closes its open sockets.

Scheduling announces the cancellation (sessions.scheduling.signals) and knows
nothing of the room; the group message goes out once the cancellation commits.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from sessions.scheduling import signals

from .protocol import CLOSE_CANCELLED


def close_booking_rooms(booking_id: int, *, code: int, reason: str) -> None:
    """Close every open room socket of the booking with ``code`` (see protocol)."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        f"room.booking.{booking_id}", {"type": "room.close", "code": code, "reason": reason}
    )


def booking_cancelled(sender, booking, **kwargs) -> None:
    booking_id = booking.pk
    transaction.on_commit(
        lambda: close_booking_rooms(
            booking_id,
            code=CLOSE_CANCELLED,
            reason="This interview was cancelled, so its room is closed.",
        )
    )


def connect() -> None:
    """Called once from InterviewsConfig.ready()."""
    signals.booking_cancelled.connect(booking_cancelled, dispatch_uid="room_closes_on_cancel")

"""The room listens for bookings being cancelled and closes their sockets.

Scheduling does not know the room exists: this module listens to the
Booking model's ``post_save`` and reacts once the cancellation is committed.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import post_save

from .protocol import CLOSE_CANCELLED

# Booking's "cancelled" status, spelt here so this module imports no model: it
# is loaded with the models, before the app registry is ready.
CANCELLED = "cancelled"


def close_booking_rooms(booking_id: int, *, code: int, reason: str) -> None:
    """Close every open room socket of the booking with ``code`` (see services)."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        f"room.booking.{booking_id}", {"type": "room.close", "code": code, "reason": reason}
    )


def booking_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    if created or instance.status != CANCELLED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    booking_id = instance.pk
    transaction.on_commit(
        lambda: close_booking_rooms(
            booking_id,
            code=CLOSE_CANCELLED,
            reason="This interview was cancelled, so its room is closed.",
        )
    )


post_save.connect(
    booking_saved, sender="interviews.Booking", dispatch_uid="room_closes_cancelled_bookings"
)

"""Practice now listens to scheduling through Django signals (it is the layer above).

- A matched booking saved as cancelled: the canceller's request closes and the
  other goes back into the pool first in line (``services.booking_cancelled``).
- A matched booking's slot saved as open again (scheduling reopens a slot when
  its guest cancels): it is withdrawn, because the host's request went back
  into the pool instead; a slot made for a pairing never joins the market.

Both run inside the cancelling transaction.
"""

from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from sessions.models import Booking, Slot

from . import services
from .models import MatchRequest


def _status_changed(kwargs) -> bool:
    fields = kwargs.get("update_fields")
    return not kwargs.get("created") and (fields is None or "status" in fields)


@receiver(post_save, sender=Booking, dispatch_uid="matching-booking-cancelled")
def booking_saved(sender, instance: Booking, **kwargs) -> None:
    if instance.status == Booking.Status.CANCELLED and _status_changed(kwargs):
        services.booking_cancelled(instance)


@receiver(post_save, sender=Slot, dispatch_uid="matching-slot-reopened")
def slot_saved(sender, instance: Slot, **kwargs) -> None:
    if instance.status != Slot.Status.OPEN or not _status_changed(kwargs):
        return
    paired = MatchRequest.objects.filter(
        Q(booking__slot=instance) | Q(cancelled_booking__slot=instance)
    )
    if paired.exists():
        Slot.objects.filter(pk=instance.pk).update(status=Slot.Status.WITHDRAWN)
        instance.status = Slot.Status.WITHDRAWN

"""Practice now listens to scheduling (the layer below) and to accounts.

A matched booking that is cancelled closes the canceller's request and puts
the other person's back into the pool first in line. Connected once, in the
app's ready(); runs inside the announcing transaction.

When a person leaves (accounts.signals.user_anonymising), scheduling has
already cancelled their upcoming interviews, which withdrew their matched
requests and put each partner back in line; what is still waiting is
withdrawn here, and every block they made or that names them is deleted: an
anonymised account can never ask again, so the rows could only tell who kept
away from whom. Their past requests stay (they point at the peer's bookings).
"""

from accounts.signals import personal_data_requested, user_anonymising
from sessions.scheduling import signals as scheduling_signals

from . import selectors, services


def on_booking_cancelled(sender, *, booking, **kwargs) -> None:
    services.booking_cancelled(booking)


def on_user_anonymising(sender, *, user, now, **kwargs) -> None:
    services.person_leaving(person=user, now=now)


def on_personal_data_requested(sender, *, user, **kwargs) -> dict:
    return {"practice_requests": selectors.personal_data(user)}


CONNECTIONS = [
    (scheduling_signals.booking_cancelled, on_booking_cancelled),
    (user_anonymising, on_user_anonymising),
    (personal_data_requested, on_personal_data_requested),
]


def connect() -> None:
    for signal, receiver in CONNECTIONS:
        signal.connect(receiver, dispatch_uid=f"matching.{receiver.__name__}")

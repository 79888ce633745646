"""Practice now listens to scheduling (the layer below) through its signals.

A matched booking that is cancelled closes the canceller's request and puts
the other person's back into the pool first in line. Connected once, in the
app's ready(); runs inside the cancelling transaction.
"""

from sessions.scheduling import signals as scheduling_signals

from . import services


def on_booking_cancelled(sender, *, booking, **kwargs) -> None:
    services.booking_cancelled(booking)


CONNECTIONS = [(scheduling_signals.booking_cancelled, on_booking_cancelled)]


def connect() -> None:
    for signal, receiver in CONNECTIONS:
        signal.connect(receiver, dispatch_uid=f"matching.{receiver.__name__}")

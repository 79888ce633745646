"""Close codes of the room's WebSocket (RFC 6455 private range 4000-4999).

The browser stops reconnecting on 4400-4499: each of these is a decision that
trying again cannot change.
"""

CLOSE_BAD_MESSAGE = 4400
CLOSE_NOT_LOGGED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_CANCELLED = 4409
CLOSE_CLOSED = 4410
CLOSE_TOO_LARGE = 4413
CLOSE_TOO_EARLY = 4425
CLOSE_FLOOD = 4429

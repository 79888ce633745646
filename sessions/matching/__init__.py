"""Practice now: match requests and the matcher that pairs them into bookings."""

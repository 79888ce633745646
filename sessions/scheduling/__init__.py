"""Scheduling: slots, bookings, reschedules, no-shows, calendar files and feed, the room page."""

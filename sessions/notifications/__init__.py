"""Notifications: the Reminder outbox, the sweep that sends it, emails, unsubscribe."""

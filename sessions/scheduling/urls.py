"""Scheduling pages. Included by sessions.urls under the "sessions" namespace."""

from django.urls import path, register_converter

from sessions.converters import CalendarTokenConverter

from . import availability_views, board, booking_views, room_views, views

register_converter(CalendarTokenConverter, "calendar_token")

urlpatterns = [
    path("on-offer/", board.public_board, name="board"),
    path("interviews/find/", views.find_slots, name="find"),
    path("interviews/mine/", views.my_interviews, name="mine"),
    path("interviews/publish/", booking_views.publish, name="publish"),
    path("interviews/slots/<int:pk>/book/", booking_views.book, name="book"),
    path("interviews/slots/<int:pk>/withdraw/", booking_views.withdraw_slot, name="withdraw_slot"),
    path(
        "interviews/slots/<int:pk>/restore/", availability_views.restore_slot, name="restore_slot"
    ),
    path("interviews/slots/withdrawn/", availability_views.withdrawn_slots, name="withdrawn_slots"),
    path("interviews/availability/", availability_views.availability, name="availability"),
    path(
        "interviews/availability/withdraw/",
        availability_views.withdraw_availability,
        name="withdraw_availability",
    ),
    path(
        "interviews/availability/restore/",
        availability_views.restore_availability,
        name="restore_availability",
    ),
    path("interviews/<int:pk>/", views.booking_detail, name="booking"),
    path("interviews/<int:pk>/cancel/", booking_views.cancel, name="cancel"),
    path("interviews/<int:pk>/reschedule/", booking_views.propose_reschedule, name="reschedule"),
    path("interviews/<int:pk>/no-show/", booking_views.report_no_show, name="no_show"),
    path(
        "interviews/<int:pk>/no-show/dispute/",
        booking_views.dispute_no_show,
        name="dispute_no_show",
    ),
    path("interviews/<int:pk>/invite.ics", views.booking_ics, name="booking_ics"),
    path(
        "interviews/reschedules/<int:pk>/accept/",
        booking_views.answer_reschedule,
        {"answer": "accept"},
        name="accept_reschedule",
    ),
    path(
        "interviews/reschedules/<int:pk>/decline/",
        booking_views.answer_reschedule,
        {"answer": "decline"},
        name="decline_reschedule",
    ),
    path(
        "interviews/reschedules/<int:pk>/withdraw/",
        booking_views.answer_reschedule,
        {"answer": "withdraw"},
        name="withdraw_reschedule",
    ),
    path("interviews/rounds/<int:round_id>/notes/", room_views.round_notes, name="round_notes"),
    path(
        "interviews/rounds/<int:round_id>/question/",
        room_views.change_question,
        name="change_question",
    ),
    path(
        "interviews/rounds/<int:round_id>/design-started/",
        room_views.design_started,
        name="design_started",
    ),
    path("calendar/<calendar_token:token>.ics", views.calendar_feed, name="calendar_feed"),
]

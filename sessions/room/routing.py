"""WebSocket routes of the live room (mounted by interviewprep/asgi.py)."""

from django.urls import path

from .consumer import RoomConsumer

websocket_urlpatterns = [
    path("ws/room/rounds/<int:round_id>/", RoomConsumer.as_asgi()),
]

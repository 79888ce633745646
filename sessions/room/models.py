"""The shared document of each round: the code, the language and the whiteboard.

A round's document is a Yjs document. Its source of truth is the append-only
table of Yjs updates below; loading merges them all, compaction merges old
rows into one per time bucket so the replay keeps a coarse history.
"""

from django.db import models
from django.utils import timezone


class RoomDocument(models.Model):
    """The live document of one round, and the interviewer's clarifying checklist."""

    round = models.OneToOneField(
        "interviews.Round", on_delete=models.CASCADE, related_name="room_document"
    )
    # {item key: ISO 8601 UTC time it was ticked}; only the interviewer ticks.
    checklist = models.JSONField(default=dict, blank=True)
    # Plain-text copy of the editor at the last write, for pages that show it.
    code = models.TextField(blank=True)
    language = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "room document"

    def __str__(self) -> str:
        return f"Room document of round #{self.round_id}"


class RoomUpdate(models.Model):
    """One Yjs update (v1 encoding) applied to a round's document, or several merged."""

    document = models.ForeignKey(RoomDocument, on_delete=models.CASCADE, related_name="updates")
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["document", "created_at"])]

    def __str__(self) -> str:
        return f"{len(self.data)} bytes for round document #{self.document_id}"

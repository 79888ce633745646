from django.contrib import admin, messages
from django.utils import timezone

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "recipient",
        "booking",
        "due_at",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["recipient__email", "booking__id"]
    date_hierarchy = "due_at"
    list_select_related = ["recipient", "booking"]
    raw_id_fields = ["booking", "recipient"]
    # Rows are the outbox: edited only through the action below, so the
    # claim protocol stays the only way a row becomes "sent".
    readonly_fields = [
        "booking",
        "recipient",
        "kind",
        "due_at",
        "status",
        "claimed_until",
        "sent_at",
        "attempts",
        "last_error",
        "created_at",
    ]
    actions = ["retry_now"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="Last error")
    def short_error(self, obj: Reminder) -> str:
        return obj.last_error[:80]

    @admin.action(description="Retry the selected failed emails now")
    def retry_now(self, request, queryset) -> None:
        count = queryset.filter(status=Reminder.Status.FAILED).update(
            status=Reminder.Status.PENDING, due_at=timezone.now(), attempts=0, claimed_until=None
        )
        self.message_user(
            request,
            f"{count} failed email(s) will go out with the next sweep; others were left alone.",
            messages.SUCCESS,
        )

"""Admin for questions, slots, weekly schedules, bookings, reschedule requests and no-show reports.

Booking times, participants and rounds are read-only here: they must move
together (the exclusion constraint reads BookingParticipant), so staff change
them through the actions, which call the same services people use.
"""

from django.contrib import admin, messages

from accounts import pagecache

from . import services
from .availability_models import AvailabilitySchedule, DateOverride, WeeklyHours
from .models import (
    Booking,
    BookingParticipant,
    NoShowReport,
    Question,
    RescheduleRequest,
    Round,
    Slot,
)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["title", "interview_type", "level", "active"]
    list_filter = ["interview_type", "level", "active"]
    list_editable = ["active"]
    search_fields = ["title", "prompt", "interviewer_notes"]
    fieldsets = [
        (None, {"fields": ["interview_type", "level", "title", "active"]}),
        ("For the interviewer", {"fields": ["prompt", "interviewer_notes", "follow_ups"]}),
    ]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "host", "interview_type", "host_role", "level", "status"]
    list_filter = ["status", "interview_type", "host_role", "level"]
    search_fields = ["host__email", "host__profile__display_name", "note"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["host", "schedule", "question"]
    actions = ["withdraw"]

    @admin.action(description="Withdraw the selected open slots")
    def withdraw(self, request, queryset):
        chosen = queryset.filter(status__in=[Slot.Status.OPEN, Slot.Status.HELD])
        hosts = set(chosen.values_list("host_id", flat=True))
        count = chosen.update(status=Slot.Status.WITHDRAWN)
        # A bulk update sends no post_save: the hosts' pages and the board are told here.
        pagecache.people_changed(*hosts)
        pagecache.board_changed()
        self.message_user(request, f"{count} slot(s) withdrawn.")


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 0


class DateOverrideInline(admin.TabularInline):
    model = DateOverride
    extra = 0


@admin.register(AvailabilitySchedule)
class AvailabilityScheduleAdmin(admin.ModelAdmin):
    """Read-only: people edit their own schedule, whose saving republishes its slots."""

    list_display = ["host", "interview_type", "host_role", "daily_cap", "withdrawn_at"]
    list_filter = ["interview_type", "host_role"]
    search_fields = ["host__email", "host__profile__display_name"]
    inlines = [WeeklyHoursInline, DateOverrideInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ParticipantInline(admin.TabularInline):
    model = BookingParticipant
    extra = 0
    can_delete = False
    readonly_fields = ["user", "starts_at", "ends_at", "live"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RoundInline(admin.StackedInline):
    model = Round
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "interviewer",
        "candidate",
        "notes",
        "notes_updated_at",
        "design_started_at",
        "clarifying_minutes",
    ]
    raw_id_fields = ["question"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RescheduleInline(admin.TabularInline):
    model = RescheduleRequest
    extra = 0
    can_delete = False
    readonly_fields = ["proposed_by", "starts_at", "ends_at", "message", "status", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NoShowReportInline(admin.StackedInline):
    model = NoShowReport
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "reporter",
        "accused",
        "status",
        "reason",
        "reported_at",
        "dispute_until",
        "dispute_reason",
        "resolved_at",
        "resolved_by",
        "resolution_note",
    ]
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "interview_type", "host", "guest", "status", "late_cancellation"]
    list_filter = ["status", "interview_type", "host_role", "late_cancellation"]
    search_fields = ["host__email", "guest__email", "calendar_uid"]
    date_hierarchy = "starts_at"
    inlines = [ParticipantInline, RoundInline, RescheduleInline, NoShowReportInline]
    readonly_fields = [
        "slot",
        "host",
        "guest",
        "interview_type",
        "host_role",
        "starts_at",
        "ends_at",
        "status",
        "calendar_uid",
        "calendar_sequence",
        "created_at",
        "cancelled_by",
        "cancelled_at",
        "cancellation_reason",
        "late_cancellation",
        "no_show_user",
        "no_show_reported_at",
    ]
    fields = ["meeting_url", *readonly_fields]
    actions = ["cancel_as_staff"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Cancel the selected bookings and tell both people")
    def cancel_as_staff(self, request, queryset):
        done = 0
        for booking in queryset:
            try:
                services.cancel_booking(
                    booking=booking, by=request.user, reason="Cancelled by the interviewprep team."
                )
                done += 1
            except services.SchedulingError as exc:
                self.message_user(
                    request, f"Booking #{booking.pk}: {exc.message}", messages.WARNING
                )
        self.message_user(request, f"{done} booking(s) cancelled.")


@admin.register(RescheduleRequest)
class RescheduleRequestAdmin(admin.ModelAdmin):
    list_display = ["booking", "proposed_by", "starts_at", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = [
        "booking",
        "proposed_by",
        "starts_at",
        "ends_at",
        "message",
        "status",
        "created_at",
        "responded_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(NoShowReport)
class NoShowReportAdmin(admin.ModelAdmin):
    """The dispute queue: filter on "Disputed, waiting for staff", read both sides,
    then confirm or reject with the actions. Each decision goes through the
    service (counters, suspension, emails) and is logged in the admin history."""

    list_display = [
        "booking",
        "accused",
        "reporter",
        "status",
        "reported_at",
        "dispute_until",
        "disputed_at",
    ]
    list_filter = ["status"]
    search_fields = ["accused__email", "reporter__email", "reason", "dispute_reason"]
    date_hierarchy = "reported_at"
    readonly_fields = [
        "booking",
        "reporter",
        "accused",
        "status",
        "reason",
        "reported_at",
        "dispute_until",
        "dispute_reason",
        "disputed_at",
        "resolved_at",
        "resolved_by",
    ]
    fields = [*readonly_fields, "resolution_note"]
    actions = ["uphold", "reject"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _decide(self, request, queryset, decide, verb: str) -> None:
        done = 0
        for report in queryset:
            try:
                decide(report=report, by=request.user, note=report.resolution_note)
            except services.SchedulingError as exc:
                self.message_user(request, f"{report}: {exc.message}", messages.WARNING)
                continue
            self.log_change(request, report, f"{verb.capitalize()} the no-show report.")
            done += 1
        self.message_user(request, f"{done} report(s) {verb}.")

    @admin.action(description="Confirm the no-show (it counts against the accused)")
    def uphold(self, request, queryset):
        self._decide(request, queryset, services.uphold_no_show, "upheld")

    @admin.action(description="Reject the report (nothing counts)")
    def reject(self, request, queryset):
        self._decide(request, queryset, services.reject_no_show, "rejected")

"""Admin for the Practice now pool: requests with their windows, and blocks.

Requests change only through the services people use (withdraw, or a run of
the matcher); the admin shows the pool and offers those as actions.
"""

from django.contrib import admin

from . import matcher, services
from .models import MatchBlock, MatchRequest, MatchWindow


class WindowInline(admin.TabularInline):
    model = MatchWindow
    extra = 0
    can_delete = False
    readonly_fields = ["starts_at", "ends_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MatchRequest)
class MatchRequestAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "person",
        "interview_type",
        "role",
        "either_role",
        "level",
        "target_level",
        "minutes",
        "status",
        "created_at",
        "matched_at",
        "rematch_since",
        "expires_at",
    ]
    list_filter = ["status", "interview_type", "role", "level", "either_role"]
    search_fields = ["person__email", "person__profile__display_name"]
    date_hierarchy = "created_at"
    list_select_related = ["person"]
    inlines = [WindowInline]
    readonly_fields = [
        "person",
        "interview_type",
        "role",
        "either_role",
        "level",
        "target_level",
        "minutes",
        "status",
        "created_at",
        "expires_at",
        "matched_at",
        "closed_at",
        "booking",
        "rematch_since",
        "cancelled_booking",
    ]
    actions = ["withdraw", "run_matcher"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Withdraw the selected waiting requests")
    def withdraw(self, request, queryset):
        done = 0
        for row in queryset.filter(status=MatchRequest.Status.WAITING).select_related("person"):
            try:
                services.withdraw_request(request=row, by=row.person)
            except services.MatchingError:
                continue
            done += 1
        self.message_user(request, f"{done} request(s) withdrawn.")

    @admin.action(description="Run the matcher now (over the whole pool)")
    def run_matcher(self, request, queryset):
        report = matcher.run()
        self.message_user(
            request,
            f"Matcher: {report.booked} booked, {report.skipped} skipped, {report.expired} expired.",
        )


@admin.register(MatchBlock)
class MatchBlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    search_fields = ["blocker__email", "blocked__email"]
    raw_id_fields = ["blocker", "blocked"]

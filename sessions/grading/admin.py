"""Admin for rubrics, playbook pointers, scorecards and interviewer ratings.

A rubric that graded someone is frozen: its change page is read-only and
"Create a new version" copies it into the next version, which becomes the
active one and is where edits go. Old scorecards keep their version.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from .models import (
    Dimension,
    InterviewerRating,
    LevelAnchor,
    PlaybookSection,
    Rubric,
    Score,
    Scorecard,
)
from .rubrics import activate_rubric, new_rubric_version, rubric_in_use


class FrozenWhenUsed:
    """Read-only (and undeletable) once a scorecard was graded with the rubric."""

    def rubric_of(self, obj):
        raise NotImplementedError

    def _frozen(self, obj) -> bool:
        return obj is not None and rubric_in_use(self.rubric_of(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)

    def has_add_permission(self, request, *parent):
        # Inlines pass the parent object; model admins pass nothing.
        obj = parent[0] if parent else None
        return super().has_add_permission(request, *parent) and not self._frozen(obj)


class DimensionInline(FrozenWhenUsed, admin.TabularInline):
    model = Dimension
    fields = ["order", "key", "name", "measures", "edit_anchors"]
    readonly_fields = ["edit_anchors"]
    extra = 0
    show_change_link = True

    def rubric_of(self, obj):
        return obj  # inline permissions receive the parent rubric

    @admin.display(description="Anchors")
    def edit_anchors(self, dimension):
        return "Open the dimension to edit its four anchors" if dimension.pk else ""


@admin.register(Rubric)
class RubricAdmin(FrozenWhenUsed, admin.ModelAdmin):
    list_display = ["title", "interview_type", "version", "active", "scorecard_count"]
    list_filter = ["interview_type", "active"]
    fields = ["interview_type", "version", "title", "summary", "active", "created_at"]
    readonly_fields = ["version", "active", "created_at"]
    inlines = [DimensionInline]
    actions = ["copy_into_new_version", "make_active"]
    change_form_template = "sessions/grading/admin_rubric_change_form.html"

    def rubric_of(self, obj):
        return obj

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(scorecard_total=Count("scorecards"))

    @admin.display(description="Scorecards", ordering="scorecard_total")
    def scorecard_count(self, rubric):
        return rubric.scorecard_total

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("interview_type")
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            # A brand-new rubric type starts as the next version, inactive until chosen.
            versions = Rubric.objects.filter(interview_type=obj.interview_type)
            obj.version = max((r.version for r in versions), default=0) + 1
            obj.active = not versions.filter(active=True).exists()
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<int:rubric_id>/new-version/",
                self.admin_site.admin_view(self.new_version_view),
                name="interviews_rubric_new_version",
            ),
        ] + super().get_urls()

    def new_version_view(self, request: HttpRequest, rubric_id: int):
        rubric = get_object_or_404(Rubric, pk=rubric_id)
        if request.method != "POST" or not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:interviews_rubric_change", args=[rubric.pk]))
        copy = new_rubric_version(rubric=rubric)
        self.message_user(
            request,
            f"Created {copy} as the active version. Edit it here; scorecards graded with "
            f"version {rubric.version} keep showing that version.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:interviews_rubric_change", args=[copy.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        rubric = self.get_object(request, object_id)
        extra_context["rubric_in_use"] = bool(rubric and rubric_in_use(rubric))
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Create a new version to edit (copies it, makes the copy active)")
    def copy_into_new_version(self, request, queryset):
        for rubric in queryset:
            copy = new_rubric_version(rubric=rubric)
            self.message_user(request, f"Created {copy}; it is now the active version.")

    @admin.action(description="Make this version the one new scorecards use")
    def make_active(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one version.", messages.ERROR)
            return
        rubric = queryset.get()
        activate_rubric(rubric=rubric)
        self.message_user(request, f"{rubric} is now the active version.")


class LevelAnchorInline(FrozenWhenUsed, admin.TabularInline):
    model = LevelAnchor
    fields = ["score", "behaviour"]
    extra = 0
    max_num = 4

    def rubric_of(self, obj):
        return obj.rubric  # the parent dimension


@admin.register(Dimension)
class DimensionAdmin(FrozenWhenUsed, admin.ModelAdmin):
    list_display = ["name", "key", "rubric", "order"]
    list_filter = ["rubric__interview_type", "rubric"]
    search_fields = ["name", "key"]
    inlines = [LevelAnchorInline]

    def rubric_of(self, obj):
        return obj.rubric

    def get_readonly_fields(self, request, obj=None):
        return ["rubric"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rubric":
            kwargs["queryset"] = Rubric.objects.filter(scorecards__isnull=True).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PlaybookSection)
class PlaybookSectionAdmin(admin.ModelAdmin):
    list_display = ["interview_type", "dimension_key", "section", "title", "page"]
    list_editable = ["section", "title", "page"]
    list_filter = ["interview_type"]


class ScoreInline(admin.TabularInline):
    model = Score
    fields = ["dimension", "value", "evidence"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    """Scorecards are the grader's words: staff can read and delete them, not rewrite them."""

    list_display = [
        "booking",
        "candidate",
        "grader",
        "interview_type",
        "rubric",
        "status",
        "recommendation",
        "submitted_at",
    ]
    list_filter = ["status", "interview_type", "recommendation", "level_calibration"]
    search_fields = ["candidate__email", "grader__email"]
    list_select_related = ["booking", "candidate", "grader", "rubric"]
    inlines = [ScoreInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Scorecard._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(InterviewerRating)
class InterviewerRatingAdmin(admin.ModelAdmin):
    list_display = ["interviewer", "rater", "helpfulness", "preparation", "created_at"]
    search_fields = ["interviewer__email", "rater__email"]
    list_select_related = ["interviewer", "rater"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in InterviewerRating._meta.fields]

    def has_add_permission(self, request):
        return False

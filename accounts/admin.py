from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from . import services
from .models import OutgoingEmail, Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    readonly_fields = ["calendar_token"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People. "Delete" anonymises: the row stays for the peers' history and orders.

    The delete page, delete_model/delete_queryset and the list action all go
    through accounts.services.anonymise_user, after a confirmation page that
    says what goes and what stays.
    """

    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "date_joined", "anonymised_at"]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        ("anonymised_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email", "profile__display_name"]
    readonly_fields = ["anonymised_at"]
    inlines = [ProfileInline]
    actions = ["anonymise_selected"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined", "anonymised_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_inlines(self, request, obj):
        # Saving a new user creates its profile (accounts.signals); an inline on
        # the add page would try to insert a second one. Edit it after saving.
        return self.inlines if obj is not None else []

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Django's bulk delete would cascade into the peers' rows (or stop at PROTECT).
        actions.pop("delete_selected", None)
        return actions

    # --- Deleting is anonymising -------------------------------------------

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        services.anonymise_user(user=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for user in queryset:
            services.anonymise_user(user=user, by=request.user)

    def _confirmation(
        self, request: HttpRequest, users: list[User], *, action: bool
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Delete (anonymise) people",
            "opts": self.model._meta,
            "users": users,
            "kept": services.KEPT_ON_DELETION,
            "removed": services.REMOVED_ON_DELETION,
            "is_action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/user/anonymise_confirmation.html", context)

    def _anonymise(self, request: HttpRequest, users: list[User]) -> int:
        done = 0
        for user in users:
            if user.pk == request.user.pk:
                self.message_user(
                    request,
                    "You can't delete your own account here; use “Delete my account” on your profile.",
                    messages.ERROR,
                )
                continue
            if user.is_anonymised:
                continue
            self.log_change(request, user, "Deleted: personal data anonymised.")
            services.anonymise_user(user=user, by=request.user)
            done += 1
        return done

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404("No such person.")
        if not self.has_delete_permission(request, user):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("post") == "yes":
            if self._anonymise(request, [user]):
                self.message_user(
                    request,
                    "The account is deleted: personal data anonymised, shared history kept.",
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(reverse("admin:accounts_user_changelist"))
        return self._confirmation(request, [user], action=False)

    @admin.action(description="Delete (anonymise) selected people", permissions=["delete"])
    def anonymise_selected(self, request: HttpRequest, queryset):
        users = list(queryset)
        if request.POST.get("post") == "yes":
            done = self._anonymise(request, users)
            self.message_user(
                request,
                f"{done} account{'s' if done != 1 else ''} deleted: personal data anonymised, "
                "shared history kept.",
                messages.SUCCESS,
            )
            return None
        return self._confirmation(request, users, action=True)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "current_level", "timezone", "no_shows"]
    search_fields = ["user__email", "display_name"]
    list_filter = ["current_level", "target_level"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A profile goes only with its person, through the person's delete (anonymise).
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what waits, and why it failed."""

    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    # Mails carry reset and confirmation keys: staff see who and when, not the body.
    fields = [
        "to",
        "subject",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    readonly_fields = fields
    search_fields = ["subject"]
    date_hierarchy = "created_at"

    @admin.display(description="To")
    def recipients(self, obj: OutgoingEmail) -> str:
        return ", ".join(obj.to)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import password_validation
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from .models import FocusArea, Profile, User
from .timezones import canonical_name, canonical_timezones

TIMEZONE_HELP = "Every time on the site and in emails is shown in this zone."


class TimezoneInput(forms.TextInput):
    """A text box with the zone list as a <datalist>: type part of a city and pick.

    Works without JavaScript; the options are written in one pass (Django's
    per-option templates cost some 80 ms for the ~420 zones).
    """

    def __init__(self, attrs=None):
        defaults = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        super().__init__({**defaults, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        list_id = f"{final_attrs.get('id') or name}_zones"
        final_attrs.update(type="text", name=name, list=list_id)
        if value:
            final_attrs["value"] = value
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((zone, zone.replace("_", " ")) for zone in canonical_timezones()),
        )
        return format_html(
            '<input{}><datalist id="{}">{}</datalist>', flatatt(final_attrs), list_id, options
        )


class TimezoneField(forms.CharField):
    """A current IANA zone name (accounts.timezones); legacy aliases are refused
    with the current name they stand for, where the database knows it."""

    widget = TimezoneInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault("help_text", TIMEZONE_HELP)
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def validate(self, value: str) -> None:
        super().validate(value)
        if not value or value in canonical_timezones():
            return
        current = canonical_name(value)
        if current:
            raise forms.ValidationError(
                "“%(value)s” is an old name kept for old software. Pick %(current)s, the "
                "current name for the same clock.",
                params={"value": value, "current": current},
                code="timezone_alias",
            )
        raise forms.ValidationError(
            "“%(value)s” is not a known time zone. Type a city and pick it from the list, "
            "e.g. Europe/Berlin.",
            params={"value": value},
            code="invalid_timezone",
        )


def is_claimed(email: str) -> bool:
    """Whether an account confirmed this address or logs in with it.

    Addresses other accounts merely typed (unconfirmed secondary addresses)
    don't count: they give no right to the address.
    """
    return (
        EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
        or User.objects.filter(email__iexact=email).exists()
    )


def password_help() -> str:
    min_length = next(
        (
            v.min_length
            for v in password_validation.get_default_password_validators()
            if isinstance(v, password_validation.MinimumLengthValidator)
        ),
        8,
    )
    return (
        f"At least {min_length} characters. Not a common password, not only digits, "
        "and not close to your email address."
    )


class OurVoiceMixin:
    """allauth's forms with sentence-case labels and no placeholders that repeat them."""

    labels: dict[str, str] = {}
    new_password_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.new_password_fields:
                field.help_text = password_help()


class SignupForm(OurVoiceMixin, allauth_forms.SignupForm):
    """allauth's email sign-up with the two profile fields a newcomer needs first."""

    display_name = forms.CharField(
        max_length=Profile._meta.get_field("display_name").max_length,
        required=False,
        help_text="How peers see you. Leave empty to use the start of your email address.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    timezone = TimezoneField(initial="UTC")

    field_order = ["email", "display_name", "timezone", "password1", "password2"]
    labels = {"email": "Email address", "password2": "Password again"}
    new_password_fields = ("password1",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # static/js/app.js swaps in the browser's zone; only on a fresh form,
            # so a zone the person picked survives a failed submission.
            self.fields["timezone"].widget.attrs["data-browser-timezone"] = "1"

    def validate_unique_email(self, value: str) -> str:
        # An address that other accounts only typed (never confirmed) is free:
        # whoever confirms it owns it, and the confirmation removes the typed
        # copies (accounts.signals). A confirmed address, or another account's
        # login address, is "taken": allauth then shows the usual "check your
        # inbox" page and mails the address's owner instead (no enumeration).
        if is_claimed(value):
            return super().validate_unique_email(value)
        self.account_already_exists = False
        return get_adapter().validate_unique_email(value)

    def signup(self, request, user) -> None:
        profile = user.profile
        profile.display_name = self.cleaned_data.get("display_name", "")
        profile.timezone = self.cleaned_data["timezone"]
        profile.save(update_fields=["display_name", "timezone"])


class LoginForm(OurVoiceMixin, allauth_forms.LoginForm):
    labels = {"login": "Email address", "remember": "Keep me logged in on this device"}


class ResetPasswordForm(OurVoiceMixin, allauth_forms.ResetPasswordForm):
    labels = {"email": "Email address"}

    def clean_email(self) -> str:
        email = super().clean_email()
        self.users = [user for user in self.users if may_receive_reset_key(user, email)]
        return email


def may_receive_reset_key(user: User, email: str) -> bool:
    """Whether a password-reset key for this account may be mailed to this address.

    Yes when the account confirmed the address. Also when it is the account's
    own login address and the account never confirmed any address (a sign-up
    left unfinished): only the inbox's owner can then ever activate it, and
    after the reset they still confirm the address at their first log-in. A
    typed, unconfirmed secondary address (a typo, or someone else's address)
    never gets a key; it gets the "no account uses this address" mail.
    """
    confirmed = EmailAddress.objects.filter(user=user, verified=True)
    if confirmed.filter(email__iexact=email).exists():
        return True
    return user.email.lower() == email.lower() and not confirmed.exists()


class ResetPasswordKeyForm(OurVoiceMixin, allauth_forms.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "New password again"}
    new_password_fields = ("password1",)


class ChangePasswordForm(OurVoiceMixin, allauth_forms.ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "New password again",
    }
    new_password_fields = ("password1",)


class SetPasswordForm(OurVoiceMixin, allauth_forms.SetPasswordForm):
    labels = {"password1": "Password", "password2": "Password again"}
    new_password_fields = ("password1",)


class AddEmailForm(OurVoiceMixin, allauth_forms.AddEmailForm):
    # No "taken" error: like sign-up, the form reveals no accounts. An address
    # confirmed elsewhere gets a confirmation mail that can't take it over
    # (allauth refuses to verify an address verified on another account), and
    # ACCOUNT_RATE_LIMITS["manage_email"] keeps such mails to a few an hour.
    labels = {"email": "New email address"}


def focus_areas_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=FocusArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Focus areas",
        help_text="The interview types you want to practise most.",
    )


class LevelsMixin:
    """Levels are chosen, never defaulted: both required, the target at or above the
    current level (Profile.clean, reported on the target field)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("current_level", "target_level"):
            field = self.fields[name]
            field.required = True
            field.choices = [("", "Choose a level")] + [c for c in field.choices if c[0]]
        self.fields["current_level"].label = "Your level now"
        self.fields["target_level"].label = "The level you are aiming for"
        zone = self.initial.get("timezone")
        if zone and zone not in canonical_timezones():
            # A zone saved under an old alias keeps working; the form offers its current name.
            self.initial["timezone"] = canonical_name(zone) or zone


class ProfileForm(LevelsMixin, forms.ModelForm):
    timezone = TimezoneField(widget=TimezoneInput(attrs={"data-suggest-browser-timezone": "1"}))
    focus_areas = focus_areas_field()
    years_of_experience = forms.IntegerField(
        min_value=0, max_value=60, required=False, label="Years of experience"
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "timezone",
            "clock",
            "current_level",
            "target_level",
            "years_of_experience",
            "focus_areas",
            "bio",
            "avoid_seen_questions",
            "share_email_with_peers",
        ]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "bio": forms.Textarea(attrs={"rows": 4}),
            "clock": forms.RadioSelect,
        }
        help_texts = {
            "display_name": "How peers see you beside your slots and scorecards.",
            "bio": "Up to 600 characters: your background and what you are preparing for.",
        }


class WelcomeForm(LevelsMixin, forms.ModelForm):
    """The first-run step: what a newcomer chooses before publishing or booking."""

    timezone = TimezoneField(widget=TimezoneInput(attrs={"data-suggest-browser-timezone": "1"}))
    focus_areas = focus_areas_field()

    class Meta:
        model = Profile
        fields = ["current_level", "target_level", "focus_areas", "timezone", "clock"]
        widgets = {"clock": forms.RadioSelect}


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["email_reminder_24h", "email_reminder_1h", "email_feedback"]


DELETE_PHRASE = "delete my account"


class DeleteAccountForm(forms.Form):
    """Typed confirmation before an account is anonymised."""

    confirmation = forms.CharField(
        label=f"Type “{DELETE_PHRASE}” to confirm",
        max_length=40,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_confirmation(self) -> str:
        value = " ".join(self.cleaned_data["confirmation"].lower().split())
        if value != DELETE_PHRASE:
            raise forms.ValidationError(
                f"Type “{DELETE_PHRASE}” exactly to confirm; nothing was deleted.",
                code="confirmation",
            )
        return value

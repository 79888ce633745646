from django import forms

from .models import FocusArea, Profile, timezone_names


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(timezone_names())]


class TimezoneField(forms.ChoiceField):
    default_error_messages = {
        "invalid_choice": "“%(value)s” is not a known time zone. Pick one from the list, e.g. Europe/Berlin.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", timezone_choices)
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault(
            "help_text", "Every time on the site and in emails is shown in this zone."
        )
        super().__init__(**kwargs)


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        max_length=60,
        required=False,
        help_text="How peers see you. Leave empty to use the start of your email address.",
    )
    timezone = TimezoneField(
        initial="UTC",
        widget=forms.Select(attrs={"data-browser-timezone": "1"}),
    )

    def signup(self, request, user) -> None:
        profile = user.profile
        profile.display_name = self.cleaned_data.get("display_name", "")
        profile.timezone = self.cleaned_data["timezone"]
        profile.save(update_fields=["display_name", "timezone"])


class ProfileForm(forms.ModelForm):
    timezone = TimezoneField()
    focus_areas = forms.MultipleChoiceField(
        choices=FocusArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The interview types you want to practise most.",
    )
    years_of_experience = forms.IntegerField(
        min_value=0, max_value=60, required=False, label="Years of experience"
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "timezone",
            "current_level",
            "target_level",
            "years_of_experience",
            "focus_areas",
            "bio",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": 600})}
        help_texts = {
            "bio": "Up to 600 characters: your background and what you are preparing for."
        }


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["email_reminder_24h", "email_reminder_1h", "email_feedback"]

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .models import Profile, User
        from .pagecache import watch

        # A profile save (zone, display settings) re-renders its person's pages.
        watch(User, lambda user: (user.pk,))
        watch(Profile, lambda profile: (profile.user_id,))

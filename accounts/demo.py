"""Demo people for `make run`. Every demo account's password is DEMO_PASSWORD."""

from allauth.account.models import EmailAddress

from .models import FocusArea, Level, User

DEMO_PASSWORD = "practise-senior-2026"  # noqa: S105 (documented demo password)

PEOPLE = [
    ("ada@example.com", "Ada", "Europe/Berlin", Level.SENIOR, Level.STAFF, 11,
     [FocusArea.SYSTEM_DESIGN, FocusArea.COMPENSATION], "Backend lead at a payments company, aiming for staff."),
    ("ben@example.com", "Ben", "America/Los_Angeles", Level.STAFF, Level.PRINCIPAL, 15,
     [FocusArea.SYSTEM_DESIGN, FocusArea.BEHAVIORAL], "Infrastructure engineer; has run a few hundred interviews."),
    ("chioma@example.com", "Chioma", "Europe/London", Level.SENIOR, Level.SENIOR, 8,
     [FocusArea.BEHAVIORAL, FocusArea.CODING], "Mobile platform engineer moving into backend."),
    ("dev@example.com", "Dev", "Asia/Kolkata", Level.MID, Level.SENIOR, 6,
     [FocusArea.CODING, FocusArea.SYSTEM_DESIGN], "Preparing for a first senior loop."),
    ("elena@example.com", "Elena", "America/New_York", Level.STAFF, Level.STAFF, 13,
     [FocusArea.COMPENSATION, FocusArea.BEHAVIORAL], "Data platform staff engineer, happy to play recruiter."),
]  # fmt: skip


def load(stdout) -> None:
    for email, name, tz, level, target, years, focus, bio in PEOPLE:
        user, created = User.objects.get_or_create(email=email)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        profile = user.profile
        profile.display_name = name
        profile.timezone = tz
        profile.current_level = level
        profile.target_level = target
        profile.years_of_experience = years
        profile.focus_areas = list(focus)
        profile.bio = bio
        profile.onboarded_at = profile.onboarded_at or user.date_joined
        profile.save()
    admin, created = User.objects.get_or_create(
        email="admin@example.com", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=admin, email=admin.email, defaults={"verified": True, "primary": True}
    )
    stdout.write(
        f"Demo people: {', '.join(p[0] for p in PEOPLE)} and admin@example.com "
        f"(staff); password {DEMO_PASSWORD}"
    )

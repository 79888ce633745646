import factory
from allauth.account.models import EmailAddress

from accounts.models import User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # Users are verified unless a test says otherwise (verified=False).
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def onboarded(self, create, extracted, **kwargs):
        # People have finished the welcome step (Senior, aiming for Staff) unless a
        # test says otherwise (onboarded=False: no levels, sent to /welcome/).
        if create and extracted is not False:
            from django.utils import timezone

            profile = self.profile
            profile.current_level, profile.target_level = "senior", "staff"
            profile.onboarded_at = timezone.now()
            profile.save(update_fields=["current_level", "target_level", "onboarded_at"])

    @factory.post_generation
    def tz(self, create, extracted, **kwargs):
        if extracted:
            self.profile.timezone = extracted
            self.profile.save(update_fields=["timezone"])


def make_booking(
    *,
    host=None,
    guest=None,
    starts_at=None,
    minutes: int = 60,
    interview_type: str = "system_design",
    host_role: str = "interviewer",
):
    """A confirmed booking with its participants and rounds, written directly.

    For tests of grading and reminders that need a booking to exist; tests of
    booking itself go through sessions.scheduling.services.book_slot.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from sessions.models import Booking, BookingParticipant, Round, Slot

    host = host or UserFactory()
    guest = guest or UserFactory()
    starts_at = starts_at or (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    length = timedelta(minutes=minutes * (2 if host_role == "swap" else 1))
    ends_at = starts_at + length
    slot = Slot.objects.create(
        host=host,
        starts_at=starts_at,
        ends_at=ends_at,
        interview_type=interview_type,
        host_role=host_role,
        status=Slot.Status.BOOKED,
    )
    booking = Booking.objects.create(
        slot=slot,
        host=host,
        guest=guest,
        interview_type=interview_type,
        host_role=host_role,
        starts_at=starts_at,
        ends_at=ends_at,
        meeting_url=f"{settings.MEETING_BASE_URL}interviewprep-test-{slot.pk}",
    )
    for person in (host, guest):
        BookingParticipant.objects.create(
            booking=booking, user=person, starts_at=starts_at, ends_at=ends_at
        )
    first_interviewer, first_candidate = (
        (guest, host) if host_role == "candidate" else (host, guest)
    )
    Round.objects.create(
        booking=booking, number=1, interviewer=first_interviewer, candidate=first_candidate
    )
    if host_role == "swap":
        Round.objects.create(booking=booking, number=2, interviewer=guest, candidate=host)
    return booking

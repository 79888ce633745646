"""No-show reports: refused when the session happened, confirmed, disputable for
72 hours, counted only once undisputed or confirmed by staff."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse

from sessions.grading import services as grading
from sessions.models import Booking, InterviewerRating, NoShowReport, Reminder
from sessions.notifications.services import deliver_reminder
from sessions.scheduling import services
from sessions.scheduling.tasks import uphold_undisputed_no_shows
from tests.factories import UserFactory, make_booking
from tests.sessions.grading.grading_support import complete_data

pytestmark = pytest.mark.django_db

# A Tuesday afternoon in UTC; every test runs at this instant or a fixed offset from it.
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def person(email: str, name: str, zone: str):
    user = UserFactory(email=email, tz=zone)
    user.profile.display_name = name
    user.profile.save(update_fields=["display_name"])
    return user


@pytest.fixture
def ada(db):
    return person("ada@example.com", "Ada", "America/Los_Angeles")


@pytest.fixture
def dev(db):
    return person("dev@example.com", "Dev", "Europe/Berlin")


@pytest.fixture
def booking(ada, dev):
    """Ada interviews Dev; it started 30 minutes ago and runs an hour."""
    return make_booking(host=ada, guest=dev, starts_at=NOW - timedelta(minutes=30))


def refresh(*objs):
    for obj in objs:
        obj.refresh_from_db()


def report_url(booking):
    return reverse("sessions:no_show", args=[booking.pk])


def dispute_url(booking):
    return reverse("sessions:dispute_no_show", args=[booking.pk])


class TestRefusals:
    def test_it_refuses_when_the_accused_started_a_scorecard(self, booking, ada, dev):
        swap = make_booking(
            host=ada, guest=dev, host_role="swap", starts_at=NOW - timedelta(hours=3)
        )
        dev_round = swap.rounds.get(interviewer=dev)
        grading.start_scorecard(round=dev_round)  # an empty draft is enough
        with pytest.raises(services.SchedulingError, match="Dev started a scorecard"):
            services.report_no_show(booking=swap, by=ada)
        assert not NoShowReport.objects.exists()

    def test_it_refuses_when_the_accused_submitted_a_scorecard(self, ada, dev):
        past = make_booking(host=dev, guest=ada, starts_at=NOW - timedelta(hours=2))
        round_ = past.rounds.get()
        grading.submit_scorecard(round=round_, grader=dev, data=complete_data())
        with pytest.raises(services.SchedulingError, match="evidently took place"):
            services.report_no_show(booking=past, by=ada)
        assert not NoShowReport.objects.exists()

    def test_it_refuses_when_the_accused_took_notes_in_the_room(self, ada, dev):
        past = make_booking(host=dev, guest=ada, starts_at=NOW - timedelta(minutes=40))
        services.save_round_notes(round=past.rounds.get(), by=dev, notes="Asked about QPS first.")
        with pytest.raises(services.SchedulingError, match="took notes in the interview room"):
            services.report_no_show(booking=past, by=ada)

    def test_it_refuses_when_the_accused_rated_their_interviewer(self, booking, ada, dev):
        InterviewerRating.objects.create(
            round=booking.rounds.get(), rater=dev, interviewer=ada, helpfulness=4, preparation=4
        )
        with pytest.raises(services.SchedulingError, match="Dev rated their interviewer"):
            services.report_no_show(booking=booking, by=ada)

    def test_it_refuses_when_the_reporter_wrote_a_scorecard_for_the_booking(
        self, booking, ada, dev
    ):
        card = grading.start_scorecard(round=booking.rounds.get())
        grading.save_draft(scorecard=card, data={"strengths": "Clear about the SLA."})
        with pytest.raises(services.SchedulingError, match="you wrote a scorecard for Dev"):
            services.report_no_show(booking=booking, by=ada)

    def test_an_empty_draft_the_reporter_merely_opened_is_not_evidence(self, booking, ada):
        grading.start_scorecard(round=booking.rounds.get())
        report = services.report_no_show(booking=booking, by=ada)
        assert report.status == NoShowReport.Status.REPORTED

    def test_it_refuses_in_the_first_ten_minutes(self, ada, dev):
        just_started = make_booking(host=ada, guest=dev, starts_at=NOW - timedelta(minutes=5))
        with pytest.raises(services.SchedulingError, match="10 minutes after the start"):
            services.report_no_show(booking=just_started, by=ada)

    def test_it_refuses_seven_days_after_the_end(self, ada, dev):
        old = make_booking(host=ada, guest=dev, starts_at=NOW - timedelta(days=8))
        with pytest.raises(services.SchedulingError, match="up to 7 days"):
            services.report_no_show(booking=old, by=ada)

    def test_it_refuses_a_cancelled_booking(self, booking, ada):
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
        refresh(booking)
        with pytest.raises(services.SchedulingError, match="cancelled"):
            services.report_no_show(booking=booking, by=ada)

    def test_the_accused_cannot_report_back_and_is_sent_to_dispute(self, booking, ada, dev):
        services.report_no_show(booking=booking, by=ada)
        with pytest.raises(services.SchedulingError, match="dispute the report instead"):
            services.report_no_show(booking=booking, by=dev)
        assert NoShowReport.objects.count() == 1

    def test_a_stranger_cannot_report(self, booking):
        with pytest.raises(services.SchedulingError, match="Only the two people"):
            services.report_no_show(booking=booking, by=UserFactory())


class TestReportPage:
    def test_get_shows_a_confirmation_and_changes_nothing(self, client, booking, ada):
        client.force_login(ada)
        response = client.get(report_url(booking))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Yes, report that Dev did not turn up" in body
        assert "72 hours to dispute" in body
        assert not NoShowReport.objects.exists()

    def test_a_post_without_the_confirmation_changes_nothing(self, client, booking, ada):
        client.force_login(ada)
        response = client.post(report_url(booking), {"reason": "Never came"})
        assert response.status_code == 200
        assert "Yes, report that Dev did not turn up" in response.content.decode()
        assert not NoShowReport.objects.exists()

    def test_the_confirmed_report_is_filed_and_counts_for_nothing_yet(
        self, client, booking, ada, dev
    ):
        client.force_login(ada)
        response = client.post(report_url(booking), {"confirm": "yes", "reason": "Waited 20 min"})
        assert response.status_code == 302
        report = NoShowReport.objects.get()
        assert (report.reporter, report.accused, report.status) == (ada, dev, "reported")
        assert report.reason == "Waited 20 min"
        assert report.dispute_until == NOW + timedelta(hours=72)
        refresh(booking, dev.profile)
        assert booking.status == Booking.Status.CONFIRMED
        assert dev.profile.no_shows == 0

    def test_a_refusal_is_explained_on_the_page_with_no_button(self, client, ada, dev):
        past = make_booking(host=dev, guest=ada, starts_at=NOW - timedelta(minutes=40))
        services.save_round_notes(round=past.rounds.get(), by=dev, notes="Good clarifying.")
        client.force_login(ada)
        body = client.get(report_url(past)).content.decode()
        assert "took notes in the interview room" in body
        assert "Yes, report" not in body
        response = client.post(report_url(past), {"confirm": "yes"})
        assert response.status_code == 400
        assert not NoShowReport.objects.exists()

    def test_the_booking_page_offers_the_report_only_when_it_is_allowed(
        self, client, booking, ada, dev
    ):
        client.force_login(ada)
        assert (
            report_url(booking)
            in client.get(reverse("sessions:booking", args=[booking.pk])).content.decode()
        )
        grading.start_scorecard(round=booking.rounds.get())
        services.save_round_notes(round=booking.rounds.get(), by=ada, notes="x")
        card = grading.start_scorecard(round=booking.rounds.get())
        grading.save_draft(scorecard=card, data={"strengths": "Good."})
        assert (
            report_url(booking)
            not in client.get(reverse("sessions:booking", args=[booking.pk])).content.decode()
        )

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_strangers_get_404(self, client, booking, method):
        client.force_login(UserFactory())
        response = getattr(client, method)(report_url(booking), {"confirm": "yes"})
        assert response.status_code == 404
        assert not NoShowReport.objects.exists()

    def test_it_needs_a_login(self, client, booking):
        assert client.post(report_url(booking), {"confirm": "yes"}).status_code == 302
        assert not NoShowReport.objects.exists()


class TestNotice:
    def test_the_accused_is_emailed_with_the_deadline_in_their_zone(
        self, booking, ada, dev, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks():
            services.report_no_show(booking=booking, by=ada, reason="Waited 20 minutes.")
        row = Reminder.objects.get(kind=Reminder.Kind.NO_SHOW_REPORTED)
        assert row.recipient == dev
        assert deliver_reminder(reminder_id=row.pk) == Reminder.Status.SENT
        message = mail.outbox[-1]
        assert message.to == [dev.email]
        assert "Ada reported that you missed" in message.subject
        deadline = (NOW + timedelta(hours=72)).astimezone(dev.profile.zone)
        assert f"{deadline:%a} {deadline.day} {deadline:%b}, {deadline:%H:%M}" in message.body
        assert "(Europe/Berlin)" in message.body
        assert dispute_url(booking) in message.body
        assert "Waited 20 minutes." in message.body

    def test_the_notice_is_not_sent_once_the_report_is_rejected(self, booking, ada):
        services.report_no_show(booking=booking, by=ada)
        staff = UserFactory(is_staff=True)
        services.reject_no_show(report=NoShowReport.objects.get(), by=staff)
        row = Reminder.objects.get(kind=Reminder.Kind.NO_SHOW_REPORTED)
        assert deliver_reminder(reminder_id=row.pk) == Reminder.Status.CANCELLED


class TestDispute:
    def test_the_accused_disputes_in_time(self, client, booking, ada, dev, clock):
        services.report_no_show(booking=booking, by=ada)
        clock.shift(timedelta(hours=71))
        client.force_login(dev)
        assert "Send the dispute" in client.get(dispute_url(booking)).content.decode()
        response = client.post(dispute_url(booking), {"reason": "I was there; we did it."})
        assert response.status_code == 302
        report = NoShowReport.objects.get()
        assert report.status == NoShowReport.Status.DISPUTED
        assert report.dispute_reason == "I was there; we did it."
        assert report.disputed_at == NOW + timedelta(hours=71)

    def test_the_reporter_hears_of_the_dispute(self, booking, ada, dev):
        report = services.report_no_show(booking=booking, by=ada)
        services.dispute_no_show(report=report, by=dev, reason="The call link was dead.")
        row = Reminder.objects.get(kind=Reminder.Kind.NO_SHOW_DISPUTED)
        assert row.recipient == ada
        assert deliver_reminder(reminder_id=row.pk) == Reminder.Status.SENT
        message = mail.outbox[-1]
        assert message.to == [ada.email]
        assert message.subject == "Dev disputes your no-show report"
        assert "The call link was dead." in message.body

    def test_a_dispute_needs_a_reason(self, client, booking, ada, dev):
        services.report_no_show(booking=booking, by=ada)
        client.force_login(dev)
        response = client.post(dispute_url(booking), {"reason": "  "})
        assert response.status_code == 400
        assert NoShowReport.objects.get().status == NoShowReport.Status.REPORTED

    def test_a_dispute_after_72_hours_is_refused(self, client, booking, ada, dev, clock):
        services.report_no_show(booking=booking, by=ada)
        clock.shift(timedelta(hours=72, minutes=1))
        client.force_login(dev)
        assert (
            "The time to dispute this report ended"
            in client.get(dispute_url(booking)).content.decode()
        )
        response = client.post(dispute_url(booking), {"reason": "I was there"}, follow=True)
        assert "The time to dispute this report ended" in response.content.decode()
        report = NoShowReport.objects.get()
        assert report.status == NoShowReport.Status.REPORTED
        assert report.dispute_reason == ""

    @pytest.mark.parametrize("who", ["reporter", "stranger"])
    def test_only_the_accused_reaches_the_dispute_page(self, client, booking, ada, who):
        services.report_no_show(booking=booking, by=ada)
        client.force_login(ada if who == "reporter" else UserFactory())
        assert client.get(dispute_url(booking)).status_code == 404
        assert client.post(dispute_url(booking), {"reason": "x"}).status_code == 404
        assert NoShowReport.objects.get().status == NoShowReport.Status.REPORTED

    def test_the_dashboard_asks_the_accused_to_dispute(self, client, booking, ada, dev):
        services.report_no_show(booking=booking, by=ada)
        client.force_login(dev)
        body = client.get(reverse("sessions:dashboard")).content.decode()
        assert "No-show reported" in body
        assert dispute_url(booking) in body


class TestCounting:
    def test_an_undisputed_report_counts_once_the_window_has_passed(self, booking, ada, dev, clock):
        services.complete_finished_bookings(now=booking.ends_at)
        services.report_no_show(booking=booking, by=ada)
        clock.shift(timedelta(hours=71))
        assert uphold_undisputed_no_shows() == 0
        refresh(dev.profile)
        assert dev.profile.no_shows == 0
        clock.shift(timedelta(hours=1))
        assert uphold_undisputed_no_shows() == 1
        assert uphold_undisputed_no_shows() == 0  # a second run counts nothing twice
        refresh(booking, ada.profile, dev.profile)
        assert booking.status == Booking.Status.NO_SHOW
        assert booking.no_show_user == dev
        assert dev.profile.no_shows == 1
        # The session was counted as completed when it ended; it wasn't.
        assert (ada.profile.completed_sessions, dev.profile.completed_sessions) == (0, 0)
        report = NoShowReport.objects.get()
        assert (report.status, report.resolved_by) == (NoShowReport.Status.UPHELD, None)

    def test_a_disputed_report_waits_for_staff(self, booking, ada, dev, clock):
        report = services.report_no_show(booking=booking, by=ada)
        services.dispute_no_show(report=report, by=dev, reason="I was there")
        clock.shift(timedelta(days=5))
        assert uphold_undisputed_no_shows() == 0
        refresh(dev.profile, booking)
        assert dev.profile.no_shows == 0
        assert booking.status == Booking.Status.CONFIRMED

    def test_suspension_follows_only_once_two_reports_count(self, ada, dev, clock):
        first = make_booking(host=ada, guest=dev, starts_at=NOW - timedelta(days=10))
        second = make_booking(host=ada, guest=dev, starts_at=NOW - timedelta(minutes=30))
        clock.move_to(first.starts_at + timedelta(minutes=20))
        services.report_no_show(booking=first, by=ada)
        clock.move_to(NOW)
        services.report_no_show(booking=second, by=ada)
        assert uphold_undisputed_no_shows() == 1  # the first one's window has passed
        refresh(dev.profile)
        assert (dev.profile.no_shows, dev.profile.booking_suspended_until) == (1, None)
        clock.shift(timedelta(hours=72))
        assert uphold_undisputed_no_shows() == 1
        refresh(dev.profile)
        assert dev.profile.no_shows == 2
        assert dev.profile.booking_suspended_until == NOW + timedelta(hours=72, days=14)

    def test_the_public_record_shows_the_no_show_only_after_it_counts(
        self, client, booking, ada, dev, clock
    ):
        services.report_no_show(booking=booking, by=ada)
        viewer = UserFactory()
        other = make_booking(host=dev, guest=viewer, starts_at=NOW + timedelta(days=2))
        client.force_login(viewer)
        page = reverse("sessions:booking", args=[other.pk])
        assert "No-shows</dt><dd>0" in client.get(page).content.decode()
        clock.shift(timedelta(hours=73))
        uphold_undisputed_no_shows()
        assert "No-shows</dt><dd>1" in client.get(page).content.decode()


class TestStaffDecisions:
    @pytest.fixture
    def staff(self, db):
        return UserFactory(email="team@example.com", is_staff=True, is_superuser=True)

    @pytest.fixture
    def disputed(self, booking, ada, dev):
        report = services.report_no_show(booking=booking, by=ada)
        return services.dispute_no_show(report=report, by=dev, reason="I was there")

    def changelist(self):
        return reverse("admin:interviews_noshowreport_changelist")

    def test_the_queue_filters_disputed_reports(self, client, staff, disputed):
        client.force_login(staff)
        response = client.get(self.changelist(), {"status__exact": "disputed"})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [disputed]

    def test_staff_confirm_and_it_counts_and_is_logged(
        self, client, staff, disputed, dev, django_capture_on_commit_callbacks
    ):
        client.force_login(staff)
        with django_capture_on_commit_callbacks():
            client.post(self.changelist(), {"action": "uphold", "_selected_action": [disputed.pk]})
        refresh(disputed, dev.profile)
        assert disputed.status == NoShowReport.Status.UPHELD
        assert disputed.resolved_by == staff
        assert dev.profile.no_shows == 1
        entry = LogEntry.objects.get(object_id=str(disputed.pk))
        assert entry.user == staff
        assert "Upheld" in entry.get_change_message()
        decided = Reminder.objects.filter(kind=Reminder.Kind.NO_SHOW_DECIDED)
        assert {r.recipient.email for r in decided} == {"ada@example.com", "dev@example.com"}

    def test_staff_reject_and_nothing_counts_and_it_is_logged(
        self, client, staff, disputed, booking, dev
    ):
        client.force_login(staff)
        client.post(self.changelist(), {"action": "reject", "_selected_action": [disputed.pk]})
        refresh(disputed, dev.profile, booking)
        assert disputed.status == NoShowReport.Status.REJECTED
        assert dev.profile.no_shows == 0
        assert booking.status == Booking.Status.CONFIRMED
        assert "Rejected" in LogEntry.objects.get(object_id=str(disputed.pk)).get_change_message()
        # Decided once: the other action changes nothing now.
        client.post(self.changelist(), {"action": "uphold", "_selected_action": [disputed.pk]})
        refresh(disputed, dev.profile)
        assert disputed.status == NoShowReport.Status.REJECTED
        assert dev.profile.no_shows == 0

    def test_the_booking_shows_its_report_in_the_admin(self, client, staff, disputed):
        client.force_login(staff)
        url = reverse("admin:interviews_booking_change", args=[disputed.booking_id])
        body = client.get(url).content.decode()
        assert "I was there" in body
        assert "Disputed, waiting for staff" in body

    def test_only_staff_decide(self, disputed, ada):
        with pytest.raises(services.SchedulingError, match="Only staff"):
            services.uphold_no_show(report=disputed, by=ada)
        refresh(disputed)
        assert disputed.status == NoShowReport.Status.DISPUTED


def test_beat_runs_the_uphold_sweep():
    from interviewprep.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "sessions.tasks.uphold_undisputed_no_shows" in tasks

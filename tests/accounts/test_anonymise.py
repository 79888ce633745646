"""Deleting a person anonymises them: their peers' history stays whole."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import FORMER_MEMBER, User
from accounts.services import PLACEHOLDER_EMAIL_DOMAIN, anonymise_user
from payments.models import DownloadLog, Order, Product, StripeEvent
from sessions.grading import services as grading
from sessions.models import (
    Booking,
    InterviewerRating,
    Reminder,
    RescheduleRequest,
    Round,
    Scorecard,
    Slot,
)
from sessions.notifications.services import send_due_reminders
from tests.factories import PASSWORD, UserFactory, make_booking
from tests.sessions.grading.grading_support import complete_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(db):
    user = UserFactory(email="ada@example.com")
    user.profile.display_name = "Ada Lovelace"
    user.profile.bio = "Staff engineer, payments."
    user.profile.years_of_experience = 14
    user.profile.focus_areas = ["system_design"]
    user.profile.save()
    return user


@pytest.fixture
def grace(db):
    user = UserFactory(email="grace@example.com")
    user.profile.display_name = "Grace Hopper"
    user.profile.save(update_fields=["display_name"])
    return user


@pytest.fixture
def history(ada, grace):
    """A finished swap between Ada and Grace: two rounds, both graded, Grace rated Ada."""
    starts = (timezone.now() - timedelta(hours=4)).replace(second=0, microsecond=0)
    booking = make_booking(host=ada, guest=grace, starts_at=starts, host_role="swap")
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)
    first, second = booking.rounds.order_by("number")
    grading.submit_scorecard(round=first, grader=ada, data=complete_data())
    grading.submit_scorecard(round=second, grader=grace, data=complete_data())
    grading.rate_interviewer(
        round=first, rater=grace, helpfulness=5, preparation=4, comment="Sharp questions."
    )
    return booking


def _counts(booking):
    return {
        "rounds": Round.objects.filter(booking=booking).count(),
        "scorecards": Scorecard.objects.filter(booking=booking).count(),
        "ratings": InterviewerRating.objects.filter(round__booking=booking).count(),
    }


def test_admin_delete_keeps_the_peers_booking_rounds_scorecards_and_rating(
    client, staff, ada, grace, history
):
    before = _counts(history)
    assert before == {"rounds": 2, "scorecards": 2, "ratings": 1}
    client.force_login(staff)

    page = client.get(f"/admin/accounts/user/{ada.pk}/delete/")
    assert page.status_code == 200
    assert b"anonymises" in page.content and b"ada@example.com" in page.content
    response = client.post(f"/admin/accounts/user/{ada.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302

    ada.refresh_from_db()
    assert ada.is_anonymised and not ada.is_active
    assert _counts(history) == before
    client.force_login(grace)
    booking_page = client.get(f"/interviews/{history.pk}/")
    assert booking_page.status_code == 200
    text = booking_page.content.decode()
    assert FORMER_MEMBER in text.lower()
    assert "Ada" not in text and "ada@example.com" not in text
    for round_ in history.rounds.all():
        feedback = client.get(f"/interviews/rounds/{round_.pk}/feedback/")
        assert feedback.status_code == 200, round_.number
        assert "Ada" not in feedback.content.decode()


def test_the_admin_delete_action_anonymises_after_a_confirmation_page(
    client, staff, ada, grace, history
):
    client.force_login(staff)
    data = {"action": "anonymise_selected", "_selected_action": [ada.pk, grace.pk]}
    confirm = client.post("/admin/accounts/user/", data)
    assert confirm.status_code == 200
    assert b"What stays" in confirm.content
    assert User.objects.filter(anonymised_at__isnull=False).count() == 0

    done = client.post("/admin/accounts/user/", {**data, "post": "yes"})
    assert done.status_code == 302
    assert User.objects.filter(anonymised_at__isnull=False).count() == 2
    assert _counts(history) == {"rounds": 2, "scorecards": 2, "ratings": 1}


def test_django_bulk_delete_is_not_offered(client, staff):
    client.force_login(staff)
    page = client.get("/admin/accounts/user/")
    assert b"anonymise_selected" in page.content
    assert b'value="delete_selected"' not in page.content


def test_a_person_with_orders_and_downloads_can_be_removed(client, staff, ada):
    product = Product.objects.create(slug="playbook", title="Playbook", price_cents=3700)
    order = Order.objects.create(
        user=ada,
        product=product,
        status=Order.Status.PAID,
        amount_cents=3700,
        currency="usd",
        stripe_checkout_session_id="cs_test_0001",
    )
    DownloadLog.objects.create(
        order=order, user=ada, ip_address="203.0.113.9", user_agent="Firefox/140"
    )
    StripeEvent.objects.create(
        event_id="evt_ada",
        type="checkout.session.completed",
        order=order,
        payload={
            "data": {
                "object": {
                    "id": "cs_test_0001",
                    "amount_total": 3700,
                    "customer_email": "ada@example.com",
                    "customer_details": {"email": "ada@example.com", "name": "Ada Lovelace"},
                    "metadata": {"contact": "ADA@example.com"},
                }
            }
        },
    )
    client.force_login(staff)
    response = client.post(f"/admin/accounts/user/{ada.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302

    order.refresh_from_db()
    assert order.user_id == ada.pk and order.status == Order.Status.PAID
    assert order.user.email.endswith(f"@{PLACEHOLDER_EMAIL_DOMAIN}")
    log = DownloadLog.objects.get(order=order)
    assert log.ip_address is None and log.user_agent == ""
    payload = StripeEvent.objects.get(event_id="evt_ada").payload
    assert "ada@" not in str(payload).lower() and "lovelace" not in str(payload).lower()
    assert payload["data"]["object"]["amount_total"] == 3700


def test_a_raw_delete_of_a_person_with_history_is_refused(ada, grace, history):
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=ada.pk).delete()
    assert User.objects.filter(pk=ada.pk).exists()
    assert _counts(history) == {"rounds": 2, "scorecards": 2, "ratings": 1}


def test_it_scrubs_personal_data_and_closes_the_account(client, ada):
    SocialAccount.objects.create(user=ada, provider="github", uid="4242")
    old_token = ada.profile.calendar_token
    anonymise_user(user=ada, by=ada)

    ada.refresh_from_db()
    profile = ada.profile
    assert ada.email.startswith("former-member-") and ada.email.endswith(".invalid")
    assert ada.display_name == FORMER_MEMBER
    assert not ada.has_usable_password() and not ada.is_active and not ada.is_staff
    assert (profile.display_name, profile.bio, profile.years_of_experience) == ("", "", None)
    assert profile.focus_areas == [] and profile.timezone == "UTC"
    assert profile.calendar_token != old_token
    assert not EmailAddress.objects.filter(user=ada).exists()
    assert not SocialAccount.objects.filter(user=ada).exists()
    assert client.get(f"/calendar/{old_token}.ics").status_code == 404
    assert client.get(f"/calendar/{profile.calendar_token}.ics").status_code == 404
    assert not client.login(email="ada@example.com", password=PASSWORD)


def test_placeholder_addresses_are_unique_and_the_address_can_sign_up_again(client, ada, grace):
    first, second = anonymise_user(user=ada), anonymise_user(user=grace)
    assert first.email != second.email
    response = client.post(
        "/accounts/signup/",
        {
            "email": "ada@example.com",
            "timezone": "UTC",
            "password1": "a-new-start-42!",
            "password2": "a-new-start-42!",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="ada@example.com", is_active=True).exists()


def test_anonymising_twice_changes_nothing(ada):
    first = anonymise_user(user=ada)
    email, when = first.email, first.anonymised_at
    second = anonymise_user(user=ada)
    assert (second.email, second.anonymised_at) == (email, when)


def test_upcoming_interviews_are_cancelled_with_the_usual_notice_to_the_peer(ada, grace):
    # Ten hours ahead: a late cancellation if Ada pressed Cancel herself.
    soon = (timezone.now() + timedelta(hours=10)).replace(second=0, microsecond=0)
    booking = make_booking(host=grace, guest=ada, starts_at=soon)
    RescheduleRequest.objects.create(
        booking=booking,
        proposed_by=ada,
        starts_at=soon + timedelta(days=1),
        ends_at=soon + timedelta(days=1, hours=1),
    )
    reminder = Reminder.objects.create(
        booking=booking, recipient=ada, kind=Reminder.Kind.REMINDER_1H, due_at=soon
    )
    open_slot = Slot.objects.create(
        host=ada,
        starts_at=soon + timedelta(days=2),
        ends_at=soon + timedelta(days=2, hours=1),
        interview_type="behavioral",
        host_role="interviewer",
    )
    mail.outbox.clear()

    anonymise_user(user=ada, by=ada)
    send_due_reminders()

    booking.refresh_from_db()
    grace.profile.refresh_from_db()
    ada.profile.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert not booking.late_cancellation
    assert grace.profile.late_cancellations == 0 and ada.profile.late_cancellations == 0
    assert booking.reschedules.get().status == RescheduleRequest.Status.WITHDRAWN
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED
    assert not Reminder.objects.filter(recipient=ada, status=Reminder.Status.PENDING).exists()
    open_slot.refresh_from_db()
    assert open_slot.status == Slot.Status.WITHDRAWN

    notices = [m for m in mail.outbox if "cancel" in m.subject.lower()]
    assert [m.to for m in notices] == [["grace@example.com"]]
    body = notices[0].body
    assert FORMER_MEMBER in body.lower()
    assert "Ada" not in body and "ada@example.com" not in body


def test_a_former_members_slots_are_not_offered(client, ada, grace):
    starts = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    Slot.objects.create(
        host=ada,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        interview_type="behavioral",
        host_role="interviewer",
    )
    anonymise_user(user=ada)
    client.force_login(grace)
    page = client.get("/interviews/find/")
    assert FORMER_MEMBER not in page.content.decode().lower()
    assert not Slot.objects.filter(host=ada, status=Slot.Status.OPEN).exists()


def test_a_deactivated_accounts_calendar_feed_serves_nothing(client, ada, grace):
    make_booking(host=ada, guest=grace)
    token = ada.profile.calendar_token
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    ada.refresh_from_db()
    ada.is_active = False
    ada.save()  # as the admin's change form does
    assert client.get(f"/calendar/{token}.ics").status_code == 404

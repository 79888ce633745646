"""Self-service: "Download my data" gives exactly the person's own data."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from payments.models import Order, Product
from sessions.grading import services as grading
from sessions.models import Booking, Slot
from tests.factories import PASSWORD, UserFactory, make_booking
from tests.sessions.grading.grading_support import complete_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    ada = UserFactory(email="ada@example.com")
    grace = UserFactory(email="grace@example.com")
    other = UserFactory(email="someone-else@example.com")
    for person, name in ((ada, "Ada"), (grace, "Grace"), (other, "Linus")):
        person.profile.display_name = name
        person.profile.save(update_fields=["display_name"])
    return ada, grace, other


@pytest.fixture
def export(client):
    def run(user) -> dict:
        client.force_login(user)
        first = client.get("/profile/data/")
        assert first["Location"].startswith("/accounts/reauthenticate/")
        client.post(first["Location"], {"password": PASSWORD})
        response = client.get("/profile/data/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert "attachment" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]
        return json.loads(response.content)

    return run


def test_it_contains_exactly_the_persons_data_and_no_unrevealed_feedback(people, export):
    ada, grace, other = people
    now = timezone.now().replace(second=0, microsecond=0)
    # A swap that just ended: Grace graded Ada, Ada has not graded Grace yet, so
    # Grace's scorecard about Ada is still blind.
    swap = make_booking(host=ada, guest=grace, starts_at=now - timedelta(hours=3), host_role="swap")
    Booking.objects.filter(pk=swap.pk).update(status=Booking.Status.COMPLETED)
    ada_grades_grace, grace_grades_ada = swap.rounds.order_by("number")
    blind = {**complete_data(), "strengths": "UNREVEALED: clarified the read path first."}
    grading.submit_scorecard(round=grace_grades_ada, grader=grace, data=blind)
    grading.save_draft(
        scorecard=grading.start_scorecard(round=ada_grades_grace),
        data={"strengths": "Ada's own draft."},
    )
    # A one-round session where Grace interviewed Ada: revealed (the only round).
    revealed = make_booking(host=grace, guest=ada, starts_at=now - timedelta(days=2))
    Booking.objects.filter(pk=revealed.pk).update(status=Booking.Status.COMPLETED)
    shown = {**complete_data(), "strengths": "REVEALED: named the trade-offs."}
    grading.submit_scorecard(round=revealed.rounds.get(), grader=grace, data=shown)
    grading.rate_interviewer(
        round=revealed.rounds.get(), rater=ada, helpfulness=5, preparation=5, comment="Useful."
    )
    # Someone else's session and slot.
    make_booking(host=grace, guest=other, starts_at=now + timedelta(days=4))
    Slot.objects.create(
        host=ada,
        starts_at=now + timedelta(days=6),
        ends_at=now + timedelta(days=6, hours=1),
        interview_type="behavioral",
        host_role="interviewer",
        note="Ada's open slot",
    )
    product = Product.objects.create(slug="playbook", title="Playbook", price_cents=3700)
    Order.objects.create(
        user=ada, product=product, status="paid", amount_cents=3700, currency="usd"
    )
    Order.objects.create(
        user=other, product=product, status="paid", amount_cents=3700, currency="usd"
    )

    data = export(ada)
    text = json.dumps(data)

    assert data["account"]["email"] == "ada@example.com"
    assert data["profile"]["display_name"] == "Ada"
    assert set(data["email_preferences"]) == {"reminder_24h", "reminder_1h", "feedback"}
    assert {b["id"] for b in data["bookings"]} == {swap.pk, revealed.pk}
    # The swap's slot (Ada hosted it) and her open one; never Grace's.
    assert sorted(s["note"] for s in data["slots"]) == ["", "Ada's open slot"]
    assert [s["strengths"] for s in data["scorecards_written"]] == ["Ada's own draft."]
    assert [s["strengths"] for s in data["scorecards_received"]] == [
        "REVEALED: named the trade-offs."
    ]
    assert len(data["ratings_given"]) == 1 and data["ratings_given"][0]["helpfulness"] == 5
    assert data["ratings_received"] == []
    assert len(data["orders"]) == 1 and data["orders"][0]["amount"] == "$37.00"

    assert "UNREVEALED" not in text
    assert "grace@example.com" not in text and "someone-else@example.com" not in text
    assert "Linus" not in text
    assert "Grace" in text  # peers appear by display name


def test_the_grader_sees_their_own_scorecard_and_received_ratings(people, export):
    ada, grace, _ = people
    booking = make_booking(host=ada, guest=grace, starts_at=timezone.now() - timedelta(hours=3))
    round_ = booking.rounds.get()
    grading.submit_scorecard(round=round_, grader=ada, data=complete_data())
    grading.rate_interviewer(
        round=round_, rater=grace, helpfulness=4, preparation=3, comment="Kind and exact."
    )
    data = export(ada)
    assert len(data["scorecards_written"]) == 1
    assert data["scorecards_written"][0]["status"] == "submitted"
    assert data["scorecards_written"][0]["candidate"] == "Grace"
    assert [(r["helpfulness"], r["preparation"]) for r in data["ratings_received"]] == [(4, 3)]
    assert "grace@example.com" not in json.dumps(data)


def test_a_no_show_report_and_its_dispute_are_in_both_peoples_data(people, export):
    from sessions.scheduling import services as scheduling

    ada, grace, _ = people
    now = timezone.now().replace(second=0, microsecond=0)
    missed = make_booking(host=ada, guest=grace, starts_at=now - timedelta(hours=2))
    report = scheduling.report_no_show(booking=missed, by=ada, reason="Waited 20 minutes.")
    scheduling.dispute_no_show(report=report, by=grace, reason="My train stopped in a tunnel.")

    for person, reported_by, about in ((ada, "you", "Grace"), (grace, "Ada", "you")):
        (booking,) = export(person)["bookings"]
        entry = booking["no_show_report"]
        assert (entry["reported_by"], entry["about"]) == (reported_by, about)
        assert entry["status"] == "disputed"
        assert entry["reason"] == "Waited 20 minutes."
        assert entry["dispute_reason"] == "My train stopped in a tunnel."
        assert "resolved_by" not in entry


def test_it_requires_login(client):
    response = client.get("/profile/data/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

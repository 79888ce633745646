"""An interviewer grades a peer; the candidate reads it, sees the trend and rates back."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from sessions.models import InterviewerRating, Rubric, Scorecard
from tests.browser_support import log_in, person, shown
from tests.sessions.grading.grading_support import past_booking

pytestmark = [
    pytest.mark.browser,
    pytest.mark.clock,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_interviewer_grades_a_peer_and_the_candidate_sees_it_and_rates_back(
    browser, live_server
):
    ben = person("ben@example.com", "Ben", "America/Los_Angeles")
    ada = person("ada@example.com", "Ada", "Europe/Berlin")
    booking = past_booking(host=ben, guest=ada, ended_ago=timedelta(minutes=10))
    round = booking.rounds.get()
    round.notes = "Asked about the read/write ratio at minute three."
    round.clarifying_minutes = "6.5"
    round.save()
    rubric = Rubric.objects.get(interview_type="system_design", active=True)
    keys = list(rubric.dimensions.values_list("key", flat=True))

    # Ben, in Los Angeles, finds the feedback he owes on his dashboard.
    context, page = log_in(browser, live_server, ben, "America/Los_Angeles")
    page.get_by_role("link", name="Grade Ada").click()
    expect(page.get_by_role("heading", name="Scorecard for Ada")).to_be_visible()
    expect(page.locator(".scorecard-meta")).to_contain_text(
        shown(booking.starts_at, "America/Los_Angeles")
    )
    expect(page.get_by_label("Session notes")).to_have_value(
        "Asked about the read/write ratio at minute three."
    )
    expect(page.get_by_label("Minutes spent clarifying before designing")).to_have_value("6.5")
    # Every score choice shows its anchor beside it.
    expect(page.locator(".anchor-behaviour")).to_have_count(4 * len(keys))

    # The draft saves itself and survives a reload.
    page.locator(f"#dimension-{keys[0]} label.anchor-3").click()
    page.locator(f"#id_evidence_{keys[0]}").fill("Spent six minutes on scale and the SLA.")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at")
    page.reload()
    expect(page.locator(f"#id_evidence_{keys[0]}")).to_have_value(
        "Spent six minutes on scale and the SLA."
    )
    expect(page.locator(f"#dimension-{keys[0]} input[value='3']")).to_be_checked()

    for key, value in zip(keys[1:], [2, 3, 3, 4], strict=True):
        page.locator(f"#dimension-{key} label.anchor-{value}").click()
        page.locator(f"#id_evidence_{key}").fill(f"What I saw for {key}.")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Senior", exact=True).check()
    page.get_by_label("Strengths to keep").fill("Calm, structured opening.")
    page.get_by_label("1. Fix this first").fill("Tie the design to a business constraint.")
    page.get_by_label("2. Then this").fill("Estimate storage before choosing a database.")
    page.get_by_label("3. And this").fill("Summarise decisions at the end.")
    page.get_by_role("button", name="Submit and lock").click()
    # Nothing is locked before a second, explicit step, which works from the keyboard.
    expect(page.get_by_role("heading", name="Submit and lock your scorecard")).to_be_visible()
    assert Scorecard.objects.get(round=round).status == Scorecard.Status.DRAFT
    page.get_by_role("button", name="Submit and lock", exact=True).focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Scorecard submitted.")).to_be_visible()
    card = Scorecard.objects.get(round=round)
    assert card.status == Scorecard.Status.SUBMITTED
    assert [s.value for s in card.scores.order_by("dimension__order")] == [3, 2, 3, 3, 4]
    context.close()

    # Ada, in Berlin: a one-round session is revealed as soon as it is in.
    context, page = log_in(browser, live_server, ada, "Europe/Berlin")
    expect(page.get_by_role("heading", name="What to fix first")).to_be_visible()
    expect(page.get_by_text("Tie the design to a business constraint.")).to_be_visible()
    expect(page.get_by_role("heading", name="System design: scores over time")).to_be_visible()
    # + clarifying minutes; the narrow drawing of each chart is for phones.
    expect(page.locator("svg.chart-wide circle")).to_have_count(len(keys) + 1)
    expect(page.locator(".focus-weakest")).to_contain_text("Business constraints and owner mindset")
    expect(
        page.locator(".focus-weakest").get_by_role("link", name="See the playbook")
    ).to_be_visible()

    page.get_by_role("link", name="Read the whole scorecard").click()
    expect(page.get_by_role("heading", name="Your feedback from Ben")).to_be_visible()
    expect(page.locator(".scorecard-meta")).to_contain_text(
        shown(booking.starts_at, "Europe/Berlin")
    )
    expect(page.get_by_text("Spent six minutes on scale and the SLA.")).to_be_visible()
    # On a phone the scores stand as cards, neither widening the page nor scrolling inside it.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".table-wrap").evaluate("el => el.scrollWidth <= el.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 720})

    page.get_by_role("link", name="Rate Ben").click()
    page.locator('input[name="helpfulness"][value="5"]').check()
    page.locator('input[name="preparation"][value="4"]').check()
    page.get_by_label("Comment (optional)").fill("Pushed me on the first ten minutes.")
    page.get_by_role("button", name="Save rating").click()
    expect(page.get_by_text("Thanks. Your rating of Ben is saved.")).to_be_visible()
    context.close()

    rating = InterviewerRating.objects.get(round=round)
    assert (rating.rater, rating.interviewer) == (ada, ben)
    assert (rating.helpfulness, rating.preparation) == (5, 4)

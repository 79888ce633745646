"""Practice now and My requests: personas, methods, side effects, local times."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from sessions.matching import matcher
from sessions.matching.models import MatchBlock, MatchRequest
from sessions.scheduling.services import cancel_booking
from tests.factories import UserFactory
from tests.sessions.matching.matching_support import ask

pytestmark = pytest.mark.django_db

# Thursday 5 March 2026, 09:00 in Los Angeles, 18:00 in Berlin; the US clocks jump on the 8th.
NOW = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
LA, BERLIN = "America/Los_Angeles", "Europe/Berlin"
PRACTICE = reverse("matching:practice")
REQUESTS = reverse("matching:requests")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ben(db):
    user = UserFactory(email="ben@example.com", tz=LA)
    user.profile.display_name = "Ben"
    user.profile.save()
    return user


@pytest.fixture
def ada(db):
    user = UserFactory(email="ada@example.com", tz=BERLIN)
    user.profile.display_name = "Ada"
    user.profile.save()
    return user


def form(**extra):
    return {
        "interview_type": "system_design",
        "role": "candidate",
        "level": "senior",
        "target_level": "staff",
        "minutes": "",
        "cells": ["2026-03-06T09:00", "2026-03-06T10:00", "2026-03-07T18:00"],
        **extra,
    }


def matched_pair(ben, ada):
    ask(ben, role="interviewer", windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 12))])
    mine = ask(ada, windows=[(datetime(2026, 3, 6, 18), datetime(2026, 3, 6, 21))])
    matcher.run(now=NOW)
    mine.refresh_from_db()
    return mine


class TestPracticeNow:
    def test_it_needs_a_login(self, client):
        response = client.get(PRACTICE)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_the_grid_is_in_the_viewers_zone(self, client, ben):
        client.force_login(ben)
        page = client.get(PRACTICE).content.decode()
        assert "Thu 5 Mar to Wed 11 Mar" in page and "Thu 12 Mar to Wed 18 Mar" in page
        assert 'value="2026-03-06T09:00" aria-label="Fri 6 Mar, 09:00 to 10:00"' in page
        # Two hours' notice: 10:00 today can't hold a session, 11:00 can.
        assert 'value="2026-03-05T10:00"' not in page
        assert 'value="2026-03-05T11:00"' in page
        # 02:00 on Sunday 8 March does not exist in Los Angeles.
        assert 'value="2026-03-08T02:00"' not in page
        assert 'value="2026-03-08T03:00"' in page
        assert "America/Los_Angeles" in page

    def test_a_berlin_viewer_gets_berlin_hours(self, client, ada):
        client.force_login(ada)
        page = client.get(PRACTICE).content.decode()
        # 18:00 in Berlin is now; the first cell with two hours' notice is 20:00.
        assert 'value="2026-03-05T19:00"' not in page and 'value="2026-03-05T20:00"' in page
        assert 'value="2026-03-08T02:00"' in page  # Berlin keeps its clocks that night

    def test_post_puts_a_request_in_the_pool(self, client, ben):
        client.force_login(ben)
        response = client.post(PRACTICE, form(either_role="on"))
        assert response.status_code == 302 and response["Location"] == REQUESTS
        request = MatchRequest.objects.get(person=ben)
        assert (request.role, request.either_role, request.minutes) == ("candidate", True, 60)
        assert list(request.windows.values_list("starts_at", "ends_at")) == [
            (datetime(2026, 3, 6, 17, tzinfo=UTC), datetime(2026, 3, 6, 19, tzinfo=UTC)),
            (datetime(2026, 3, 8, 2, tzinfo=UTC), datetime(2026, 3, 8, 3, tzinfo=UTC)),
        ]
        assert "You are in the pool" in client.get(REQUESTS).content.decode()

    def test_no_hours_marked_is_an_error_and_saves_nothing(self, client, ben):
        client.force_login(ben)
        response = client.post(PRACTICE, form(cells=[]))
        assert response.status_code == 200
        assert "Mark at least one hour when you are free." in response.content.decode()
        assert not MatchRequest.objects.exists()

    def test_an_hour_not_on_offer_is_refused(self, client, ben):
        client.force_login(ben)
        response = client.post(PRACTICE, form(cells=["2026-03-08T02:00"]))
        assert "can&#x27;t be offered any more" in response.content.decode()
        assert not MatchRequest.objects.exists()

    def test_a_single_hour_for_a_swap_is_too_short(self, client, ben):
        client.force_login(ben)
        response = client.post(PRACTICE, form(role="swap", cells=["2026-03-06T09:00"]))
        assert response.status_code == 200
        assert "needs 120 minutes" in response.content.decode()
        # The marked hours stay marked.
        assert 'value="2026-03-06T09:00" aria-label="Fri 6 Mar, 09:00 to 10:00" checked' in (
            response.content.decode()
        )
        assert not MatchRequest.objects.exists()

    def test_a_fourth_open_request_is_refused(self, client, ben):
        client.force_login(ben)
        for _ in range(3):
            client.post(PRACTICE, form())
        response = client.post(PRACTICE, form())
        assert "already have 3 requests waiting" in response.content.decode()
        assert MatchRequest.objects.count() == 3

    def test_it_refuses_put(self, client, ben):
        client.force_login(ben)
        assert client.put(PRACTICE).status_code == 405


class TestMyRequests:
    def test_waiting_windows_show_in_the_viewers_zone(self, client, ben):
        ask(ben, windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11))])
        client.force_login(ben)
        page = client.get(REQUESTS).content.decode()
        assert "Waiting for a partner" in page and "Fri 6 Mar, 09:00–11:00" in page

    def test_both_see_the_match_with_whom_and_when_at_their_own_time(self, client, ben, ada):
        matched_pair(ben, ada)
        client.force_login(ada)
        page = client.get(REQUESTS).content.decode()
        assert "with <strong>Ben</strong>" in page and "Fri 6 Mar, 18:00–19:00" in page
        client.force_login(ben)
        page = client.get(REQUESTS).content.decode()
        assert "with <strong>Ada</strong>" in page and "Fri 6 Mar, 09:00–10:00" in page
        assert "Your median wait for a partner: <strong>under a minute</strong>" in page

    def test_after_a_cancellation_the_page_says_back_in_line(self, client, ben, ada):
        mine = matched_pair(ben, ada)
        cancel_booking(booking=mine.booking, by=ben, reason="Travelling.")
        client.force_login(ada)
        page = client.get(REQUESTS).content.decode()
        assert "Ben cancelled the interview of Fri 6 Mar, 18:00" in page
        assert "back in the pool, first in line" in page

    def test_it_refuses_post(self, client, ben):
        client.force_login(ben)
        assert client.post(REQUESTS).status_code == 405


class TestWithdraw:
    def test_the_owner_withdraws(self, client, ben):
        request = ask(ben, windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11))])
        client.force_login(ben)
        response = client.post(reverse("matching:withdraw", args=[request.pk]), follow=True)
        assert "Your request is withdrawn." in response.content.decode()
        request.refresh_from_db()
        assert request.status == "withdrawn"

    def test_a_stranger_gets_404_and_nothing_changes(self, client, ben, ada):
        request = ask(ben, windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11))])
        client.force_login(ada)
        assert client.post(reverse("matching:withdraw", args=[request.pk])).status_code == 404
        assert client.post(reverse("matching:block", args=[request.pk])).status_code == 404
        request.refresh_from_db()
        assert request.status == "waiting" and not MatchBlock.objects.exists()

    def test_a_matched_request_says_cancel_instead(self, client, ben, ada):
        mine = matched_pair(ben, ada)
        client.force_login(ada)
        response = client.post(reverse("matching:withdraw", args=[mine.pk]), follow=True)
        assert "Cancel the interview instead" in response.content.decode()
        mine.refresh_from_db()
        assert mine.status == "matched"

    def test_it_refuses_get(self, client, ben):
        request = ask(ben, windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11))])
        client.force_login(ben)
        assert client.get(reverse("matching:withdraw", args=[request.pk])).status_code == 405


class TestBlock:
    def test_block_the_partner_then_allow_again(self, client, ben, ada):
        mine = matched_pair(ben, ada)
        client.force_login(ada)
        response = client.post(reverse("matching:block", args=[mine.pk]), follow=True)
        assert "You won&#x27;t be paired with Ben again" in response.content.decode()
        row = MatchBlock.objects.get()
        assert (row.blocker, row.blocked) == (ada, ben)
        assert "People you won" in response.content.decode()
        client.post(reverse("matching:unblock", args=[row.pk]))
        assert not MatchBlock.objects.exists()

    def test_an_unmatched_request_has_nobody_to_block(self, client, ben):
        request = ask(ben, windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11))])
        client.force_login(ben)
        response = client.post(reverse("matching:block", args=[request.pk]), follow=True)
        assert "nobody to block" in response.content.decode()
        assert not MatchBlock.objects.exists()

    def test_someone_elses_block_is_404(self, client, ben, ada):
        row = MatchBlock.objects.create(blocker=ben, blocked=ada)
        client.force_login(ada)
        assert client.post(reverse("matching:unblock", args=[row.pk])).status_code == 404
        assert MatchBlock.objects.filter(pk=row.pk).exists()

    def test_the_admin_lists_the_pool(self, client, ben, staff):
        ask(ben, windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11))])
        client.force_login(staff)
        response = client.get(reverse("admin:interviews_matchrequest_changelist"))
        assert response.status_code == 200 and "ben@example.com" in response.content.decode()


class TestDashboard:
    def test_the_dashboard_shows_the_median_time_to_a_match(self, client, ben, ada):
        earlier = NOW - timedelta(hours=3, minutes=5)
        ask(
            ben,
            role="interviewer",
            windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 12))],
            now=earlier,
        )
        ask(ada, windows=[(datetime(2026, 3, 6, 18), datetime(2026, 3, 6, 21))], now=NOW)
        matcher.run(now=NOW)
        client.force_login(ben)
        page = client.get(reverse("sessions:dashboard")).content.decode()
        assert "Your median time to a match</dt><dd>3 h 05 min" in page
        # Everyone's: Ben waited 3 h 05 min and Ada nothing; the median lies between.
        assert "Everyone's, last 30 days</dt><dd>1 h 32 min" in page
        client.force_login(UserFactory())
        page = client.get(reverse("sessions:dashboard")).content.decode()
        assert "Your median time to a match</dt><dd>no matches yet" in page


def test_expired_and_withdrawn_requests_come_twenty_at_a_time_newest_first(client, ada):
    window = [(datetime(2026, 3, 6, 18), datetime(2026, 3, 6, 21))]
    ask(ada, windows=window)  # still waiting: shown in full, never paged
    closed = []
    for minutes in range(23):
        request = ask(ada, windows=window)
        MatchRequest.objects.filter(pk=request.pk).update(
            status="withdrawn", closed_at=NOW, created_at=NOW - timedelta(minutes=minutes)
        )
        closed.append(request.pk)
    client.force_login(ada)

    pages = [client.get(REQUESTS + f"?closed={n}") for n in (1, 2, 3)]

    assert [[r.pk for r in page.context["closed"].rows] for page in pages] == [
        closed[:20],
        closed[20:],
        [],
    ]
    assert all(len(page.context["waiting"]) == 1 for page in pages)
    first, second, third = (page.content.decode() for page in pages)
    assert 'href="?closed=2#closed-title"' in first and "Newer" not in first
    assert 'href="?closed=1#closed-title"' in second and "Older</a>" not in second
    assert "No older requests." in third
    assert [r.pk for r in client.get(REQUESTS + "?closed=x").context["closed"].rows] == closed[:20]

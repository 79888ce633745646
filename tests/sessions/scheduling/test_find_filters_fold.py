"""The Find filters fold away on a phone unless something is set: the page sends
them open when a filter is set or has an error, folded otherwise."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.scheduling.forms import SlotFilterForm

pytestmark = pytest.mark.django_db

FIND = reverse("sessions:find")


def _fold(response) -> str:
    return re.search(r"<details class=\"filters-fold\"[^>]*>", response.text).group(0)


@pytest.mark.parametrize(
    ("query", "active"),
    [
        ({}, 0),
        ({"interview_type": "", "level": "", "page": "2"}, 0),
        ({"interview_type": "behavioral"}, 1),
        ({"level": "staff", "times_of_day": ["morning", "evening"]}, 2),
        ({"date_from": "  "}, 0),
    ],
)
def test_it_counts_the_filters_the_request_sets(rf, query, active):
    form = SlotFilterForm(rf.get(FIND, query).GET or None)
    assert form.active_filters() == active


def test_the_filters_come_folded_when_none_is_set(client, user):
    client.force_login(user)
    fold = _fold(client.get(FIND))
    assert "data-open-when-wide" in fold
    assert " open" not in fold


def test_the_filters_come_open_with_how_many_are_set(client, user):
    client.force_login(user)
    response = client.get(FIND, {"interview_type": "behavioral", "level": "staff"})
    assert " open" in _fold(response)
    assert '<span class="badge">2 set</span>' in response.text


def test_the_filters_come_open_to_show_an_error(client, user):
    client.force_login(user)
    today = timezone.localdate()
    later, sooner = today + timedelta(days=10), today + timedelta(days=2)
    response = client.get(FIND, {"date_from": later.isoformat(), "date_to": sooner.isoformat()})
    assert " open" in _fold(response)
    assert "The end date is before the start date" in response.text

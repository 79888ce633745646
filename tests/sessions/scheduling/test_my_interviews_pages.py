"""My interviews shows a bounded slice of the past, with pages for older ones."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.scheduling.models import Booking
from tests.factories import UserFactory, make_booking

pytestmark = pytest.mark.django_db


def test_past_interviews_come_ten_at_a_time_newest_first(client):
    person = UserFactory()
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(days=30)
    past = [
        make_booking(host=UserFactory(), guest=person, starts_at=start + timedelta(hours=5 * i))
        for i in range(23)
    ]
    Booking.objects.filter(pk__in=[b.pk for b in past]).update(status=Booking.Status.COMPLETED)
    newest_first = [b.pk for b in sorted(past, key=lambda b: b.starts_at, reverse=True)]
    client.force_login(person)

    pages = [client.get(reverse("sessions:mine") + f"?past={n}") for n in (1, 2, 3)]
    shown = [[b.pk for b in page.context["past"]] for page in pages]
    assert shown == [newest_first[:10], newest_first[10:20], newest_first[20:]]
    assert 'href="?past=2#past-title"' in pages[0].content.decode()
    assert "Newer" not in pages[0].content.decode()
    assert 'href="?past=1#past-title"' in pages[1].content.decode()
    assert "Older</a>" not in pages[2].content.decode()
    # A page number that is not one falls back to the first page.
    assert [b.pk for b in client.get(reverse("sessions:mine") + "?past=x").context["past"]] == (
        newest_first[:10]
    )

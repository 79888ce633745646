"""Races on PostgreSQL: real threads, real connections, committed data.

serialized_rollback like every transactional test here: the flush afterwards
must leave the seeded rubrics and questions for the tests that follow.
"""

import threading

import pytest
from celery.signals import task_prerun
from django.db import connection
from django.test import Client

from payments.models import Order, StripeEvent
from tests.factories import UserFactory
from tests.fakes.stripe_server import WEBHOOK_PATH
from tests.payments.helpers import receipts_to


def run_together(jobs) -> list:
    """Start every job at the same moment; each thread closes its own connection."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.fixture
def receipt_tasks():
    started = []

    def count(sender=None, task_id=None, task=None, args=None, **kwargs):
        if task.name == "payments.tasks.send_receipt":
            started.append(list(args))

    task_prerun.connect(count, weak=False)
    yield started
    task_prerun.disconnect(count)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_webhooks_racing_the_success_page_make_one_paid_order_and_one_receipt(
    live_server, settings, stripe_fake, product, eager_tasks, receipt_tasks
):
    settings.SITE_URL = live_server.url
    stripe_fake.webhook_url = live_server.url + WEBHOOK_PATH
    stripe_fake.delivery = "hold"
    buyer = UserFactory(email="racer@example.com")
    browser = Client()
    browser.force_login(buyer)
    session_id = browser.post("/playbook/buy/")["Location"].rsplit("/", 1)[1]
    event = stripe_fake.pay(session_id)

    def success_page():
        page = Client()
        page.force_login(buyer)
        return page.get(f"/playbook/success/?session_id={session_id}").status_code

    jobs = [lambda: stripe_fake.deliver(event)] * 10 + [success_page] * 5
    results = run_together(jobs)

    assert results == [200] * 15
    order = Order.objects.get(user=buyer)
    assert order.status == Order.Status.PAID
    assert Order.objects.filter(status=Order.Status.PAID).count() == 1
    assert StripeEvent.objects.get().deliveries == 10
    assert receipt_tasks == [[order.pk]]
    assert len(receipts_to("racer@example.com")) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_five_buy_clicks_at_once_open_one_checkout(settings, stripe_fake, product):
    buyer = UserFactory(email="clicker@example.com")

    def press_buy():
        tab = Client()
        tab.force_login(buyer)
        return tab.post("/playbook/buy/")["Location"]

    results = run_together([press_buy] * 5)

    assert len(set(results)) == 1, results
    assert results[0].startswith(f"{stripe_fake.url}/checkout/")
    assert stripe_fake.sessions_created() == 1
    assert Order.objects.filter(user=buyer).count() == 1

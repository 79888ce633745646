import pytest
from django.db import IntegrityError, transaction

from payments.models import Order
from payments.services import grant_complimentary, has_playbook


def make_order(user, product, status) -> Order:
    return Order.objects.create(
        user=user, product=product, status=status, amount_cents=3700, currency="usd"
    )


def test_a_paid_order_gives_the_playbook(user, product):
    make_order(user, product, Order.Status.PAID)
    assert has_playbook(user)


@pytest.mark.parametrize("status", ["pending", "failed", "expired", "refunded", "disputed"])
def test_no_other_order_state_gives_the_playbook(user, product, status):
    make_order(user, product, status)
    assert not has_playbook(user)


def test_someone_elses_order_gives_nothing(user, stranger, product):
    make_order(user, product, Order.Status.PAID)
    assert not has_playbook(stranger)


def test_an_anonymous_visitor_has_no_playbook(product):
    from django.contrib.auth.models import AnonymousUser

    assert not has_playbook(AnonymousUser())
    assert not has_playbook(None)


def test_an_inactive_product_is_not_the_playbook(user, product):
    make_order(user, product, Order.Status.PAID)
    product.active = False
    product.save(update_fields=["active"])
    assert not has_playbook(user)


def test_a_complimentary_copy_gives_the_playbook_once(user, staff, product):
    first = grant_complimentary(user=user, product=product, granted_by=staff)
    second = grant_complimentary(user=user, product=product, granted_by=staff)
    assert first == second
    assert first.complimentary and first.amount_cents == 0 and first.granted_by == staff
    assert has_playbook(user)


def test_the_database_refuses_two_paid_orders_for_one_person(user, product):
    make_order(user, product, Order.Status.PAID)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_order(user, product, Order.Status.PAID)


def test_the_database_refuses_two_open_checkouts_for_one_person(user, product):
    make_order(user, product, Order.Status.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_order(user, product, Order.Status.PENDING)


def test_the_database_refuses_a_paid_order_of_nothing(user, product):
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.create(
            user=user, product=product, status="paid", amount_cents=0, currency="usd"
        )


def test_only_one_product_is_on_sale_at_a_time(product):
    from payments.models import Product

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(slug="second", title="Second", price_cents=100, active=True)
    Product.objects.create(slug="draft", title="Draft", price_cents=100, active=False)

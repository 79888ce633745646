import pytest

from payments.models import Order, StripeEvent
from payments.services import has_playbook


@pytest.fixture
def paid_order(user, product):
    order = Order.objects.create(
        user=user, product=product, status="paid", amount_cents=3700, currency="usd",
        stripe_checkout_session_id="cs_test_admin", needs_attention=True,
        attention_note="Dispute dp_test_1 opened (fraudulent); download revoked.",
    )  # fmt: skip
    StripeEvent.objects.create(
        event_id="evt_test_admin", type="charge.dispute.created", order=order, payload={}
    )
    return order


def test_staff_see_orders_and_their_events(client, staff, paid_order):
    client.force_login(staff)
    listing = client.get("/admin/payments/order/?needs_attention__exact=1")
    assert listing.status_code == 200
    assert paid_order.reference in listing.content.decode()
    assert "Grant a complimentary copy" in listing.content.decode()
    page = client.get(f"/admin/payments/order/{paid_order.pk}/change/").content.decode()
    assert "evt_test_admin" in page and "charge.dispute.created" in page
    assert client.get("/admin/payments/stripeevent/").status_code == 200


def test_staff_grant_a_complimentary_copy(client, staff, stranger, product):
    client.force_login(staff)
    response = client.post(
        "/admin/payments/order/grant/", {"email": "STRANGER@example.com", "product": product.pk}
    )
    order = Order.objects.get(user=stranger)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/payments/order/{order.pk}/change/"
    assert order.complimentary and order.granted_by == staff and order.status == "paid"
    assert has_playbook(stranger)


def test_granting_to_an_unknown_email_shows_the_error_beside_the_field(client, staff, product):
    client.force_login(staff)
    response = client.post(
        "/admin/payments/order/grant/", {"email": "nobody@example.com", "product": product.pk}
    )
    assert response.status_code == 200
    assert "Nobody has an account with this email address." in response.content.decode()
    assert not Order.objects.exists()


def test_the_action_grants_copies_to_buyers_who_lost_theirs(client, staff, user, product):
    refunded = Order.objects.create(
        user=user, product=product, status="refunded", amount_cents=3700, currency="usd"
    )
    client.force_login(staff)
    client.post(
        "/admin/payments/order/",
        {"action": "grant_copy_to_buyers", "_selected_action": [refunded.pk]},
    )
    assert has_playbook(user)
    assert Order.objects.filter(user=user, complimentary=True).count() == 1


def test_people_who_are_not_staff_cannot_grant(client, user, stranger, product):
    client.force_login(user)
    response = client.post(
        "/admin/payments/order/grant/", {"email": stranger.email, "product": product.pk}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Order.objects.exists()


def test_staff_upload_the_pdf_without_exposing_a_link(client, staff, product):
    client.force_login(staff)
    page = client.get(f"/admin/payments/product/{product.pk}/change/").content.decode()
    assert "served only to buyers" in page
    assert f'href="{product.file.name}"' not in page
    assert 'type="file"' in page

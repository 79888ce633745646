from django.core import mail

from payments.models import Order


def buy(client, stripe_fake) -> tuple[Order, str]:
    """Press Buy as the logged-in client; returns the pending order and its session id."""
    response = client.post("/playbook/buy/")
    assert response.status_code == 302, response
    assert response["Location"].startswith(f"{stripe_fake.url}/checkout/cs_test_")
    session_id = response["Location"].rsplit("/", 1)[1]
    order = Order.objects.get(stripe_checkout_session_id=session_id)
    return order, session_id


def receipts_to(email: str) -> list:
    return [m for m in mail.outbox if m.to == [email] and "receipt" in m.subject.lower()]

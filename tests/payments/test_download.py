import pytest

from payments.models import DownloadLog, Order
from payments.services import grant_complimentary
from tests.payments.conftest import PDF_BYTES


@pytest.fixture
def owner(user, product):
    Order.objects.create(
        user=user, product=product, status="paid", amount_cents=3700, currency="usd"
    )
    return user


def test_an_owner_downloads_the_uploaded_file_as_an_attachment(client, owner, product):
    client.force_login(owner)
    response = client.get("/playbook/download/", HTTP_USER_AGENT="pytest-browser")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="senior-engineer-interview-playbook.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    log = DownloadLog.objects.get()
    assert (log.user, log.order.user, log.user_agent) == (owner, owner, "pytest-browser")


def test_every_download_is_logged(client, owner, product):
    client.force_login(owner)
    for _ in range(3):
        assert client.get("/playbook/download/").status_code == 200
    assert DownloadLog.objects.filter(user=owner).count() == 3


def test_a_stranger_gets_404(client, owner, stranger, product):
    client.force_login(stranger)
    assert client.get("/playbook/download/").status_code == 404
    assert not DownloadLog.objects.exists()


@pytest.mark.parametrize("status", ["pending", "failed", "refunded", "disputed"])
def test_an_order_that_is_not_paid_gets_404(client, user, product, status):
    Order.objects.create(
        user=user, product=product, status=status, amount_cents=3700, currency="usd"
    )
    client.force_login(user)
    assert client.get("/playbook/download/").status_code == 404


def test_a_complimentary_copy_downloads(client, user, staff, product):
    grant_complimentary(user=user, product=product, granted_by=staff)
    client.force_login(user)
    assert client.get("/playbook/download/").status_code == 200


def test_a_visitor_is_asked_to_log_in(client, owner, product):
    response = client.get("/playbook/download/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_download_refuses_post(client, owner, product):
    client.force_login(owner)
    assert client.post("/playbook/download/").status_code == 405
    assert not DownloadLog.objects.exists()


def test_the_file_has_no_public_url(client, owner, product, private_media):
    assert (private_media / product.file.name).read_bytes() == PDF_BYTES
    client.force_login(owner)
    for guess in (
        f"/{product.file.name}",
        f"/media/{product.file.name}",
        f"/private/{product.file.name}",
    ):
        assert client.get(guess).status_code == 404

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import deliver_outbox

pytestmark = pytest.mark.django_db


def test_a_visitor_who_signs_up_from_the_playbook_page_comes_back_to_it(client):
    response = client.post(
        reverse("account_signup") + "?next=/playbook/",
        {
            "email": "buyer@example.com",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "timezone": "Europe/Berlin",
            "next": "/playbook/",
        },
    )
    assert response.status_code == 302
    deliver_outbox()
    (message,) = mail.outbox
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body).group(1)
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == "/playbook/"

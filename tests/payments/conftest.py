import pytest
from django.core.files.base import ContentFile

from interviewprep.celery import app as celery_app
from payments.models import PLAYBOOK_SLUG, Product
from tests.fakes.stripe_server import FakeStripe

API_KEY = "sk_test_interviewprep"
WEBHOOK_SECRET = "whsec_interviewprep_test"
PDF_BYTES = b"%PDF-1.4\n% the playbook under test\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"


@pytest.fixture
def product(db, private_media):
    product = Product(
        slug=PLAYBOOK_SLUG,
        title="The Senior Engineer Interview Playbook",
        page_count=45,
        price_cents=3700,
        currency="usd",
    )
    product.file.save("playbook.pdf", ContentFile(PDF_BYTES), save=False)
    product.save()
    return product


@pytest.fixture
def stripe_fake(settings):
    """The fake Stripe, wired in; webhooks go to the test client unless a test says otherwise."""
    fake = FakeStripe(api_key=API_KEY, webhook_secret=WEBHOOK_SECRET).start()
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    settings.SITE_URL = "http://testserver"
    yield fake
    fake.stop()


@pytest.fixture
def webhook_to_client(stripe_fake, client):
    from django.test import Client

    stripe_fake.webhook_client = Client()
    return stripe_fake


@pytest.fixture
def eager_tasks():
    """Run Celery task bodies inline (the queue itself is not under test here)."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

PLAYBOOK_SLUG = "senior-engineer-interview-playbook"


def format_money(cents: int, currency: str) -> str:
    if currency.lower() == "usd":
        return f"${cents // 100}.{cents % 100:02d}"
    return f"{cents // 100}.{cents % 100:02d} {currency.upper()}"


# The page cache's name (accounts.pagecache) for the product every reader sees alike.
PRODUCT_PAGES = "playbook-product"


class ProductQuerySet(models.QuerySet):
    def active(self) -> "ProductQuerySet":
        return self.filter(active=True)


class Product(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(default=45)
    price_cents = models.PositiveIntegerField(
        help_text="In the smallest unit of the currency: 3700 is $37.00."
    )
    currency = models.CharField(max_length=3, default="usd")
    # The default storage is private (no base URL): only the download view
    # streams this file, to buyers.
    file = models.FileField(upload_to="playbooks/", blank=True)
    download_name = models.CharField(
        max_length=120,
        default="senior-engineer-interview-playbook.pdf",
        help_text="The file name buyers see when they download.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            # The site sells one thing; "the playbook" is whichever product is active.
            models.UniqueConstraint(
                fields=["active"],
                condition=Q(active=True),
                name="product_one_active",
                violation_error_message="Another product is already on sale: deactivate it first.",
            ),
            models.CheckConstraint(condition=Q(price_cents__gt=0), name="product_price_positive"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[a-z]{3}$"), name="product_currency_lowercase_iso"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def price_display(self) -> str:
        return format_money(self.price_cents, self.currency)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for payment"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"
        EXPIRED = "expired", "Checkout expired"
        REFUNDED = "refunded", "Refunded"
        DISPUTED = "disputed", "Disputed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Copied from the product when the order is made, so a later price change
    # never alters what this order was charged or is checked against.
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    stripe_checkout_session_id = models.CharField(
        max_length=255, blank=True, null=True, unique=True
    )
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    complimentary = models.BooleanField(default=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    # The payment's dispute as Stripe last described it (one dispute per charge).
    stripe_dispute_id = models.CharField(max_length=255, blank=True)
    dispute_status = models.CharField(
        max_length=32, blank=True, help_text="Stripe's status of the dispute, e.g. won or lost."
    )
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When checkout failed or expired."
    )
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    needs_attention = models.BooleanField(default=False)
    attention_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Two paid copies for one person would mean charging twice.
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=Q(status="paid"),
                name="order_one_paid_per_user_product",
            ),
            # One open checkout per person: pressing Buy again reuses it.
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=Q(status="pending"),
                name="order_one_pending_per_user_product",
            ),
            models.CheckConstraint(
                condition=Q(complimentary=True) | Q(amount_cents__gt=0),
                name="order_paid_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk} ({self.get_status_display()})"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount_cents, self.currency)

    @property
    def grants_access(self) -> bool:
        return self.status == self.Status.PAID

    @property
    def reference(self) -> str:
        return f"IP-{self.pk:06d}"


class StripeEvent(models.Model):
    """Every verified event Stripe sent, once per event id."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=1)
    outcome = models.CharField(max_length=255, blank=True)
    payload = models.JSONField()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class DownloadLog(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="downloads"
    )
    downloaded_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"{self.user} downloaded order {self.order_id}"

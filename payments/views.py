import json
import logging
import re
from urllib.parse import urlencode

import stripe
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.pagecache import cached_page

from . import checkout, services, webhooks
from .models import PRODUCT_PAGES, Order, Product

logger = logging.getLogger(__name__)

# Stripe's Checkout Session ids: "cs_test_" or "cs_live_" and letters and digits.
CHECKOUT_SESSION_ID = re.compile(r"cs_(?:test|live)_[A-Za-z0-9]{1,200}")

# Stripe's own default; a delivery older than this is refused as a possible replay.
WEBHOOK_TOLERANCE_SECONDS = 300


def _get_playbook_or_404() -> Product:
    product = services.get_playbook()
    if product is None:
        raise Http404("The playbook is not on sale.")
    return product


def _get_order_for_user(request: HttpRequest, **lookup) -> Order:
    """One of the viewer's own orders; anyone else's is a 404."""
    return get_object_or_404(Order.objects.select_related("product"), user=request.user, **lookup)


@require_GET
@cached_page(shared=[PRODUCT_PAGES])
def playbook(request: HttpRequest) -> HttpResponse:
    product = services.get_playbook()
    owned = product is not None and services.paid_order_for(request.user, product) is not None
    login_query = urlencode({"next": reverse("payments:playbook")})
    return render(
        request,
        "payments/playbook.html",
        {
            "product": product,
            "owned": owned,
            "configured": services.payments_configured(),
            "cancelled": request.GET.get("cancelled") == "1",
            "signup_url": f"{reverse('account_signup')}?{login_query}",
            "login_url": f"{reverse('account_login')}?{login_query}",
        },
    )


@require_POST
def buy(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        query = urlencode({"next": reverse("payments:playbook")})
        return redirect(f"{reverse('account_login')}?{query}")
    product = _get_playbook_or_404()
    if not services.payments_configured():
        messages.error(request, "Payments are not set up on this server yet.")
        return redirect("payments:playbook")
    try:
        url = checkout.start_checkout(user=request.user, product=product)
    except services.AlreadyOwned:
        messages.info(request, "You already own the playbook: download it below.")
        return redirect("payments:playbook")
    except services.DisputedOrder:
        messages.error(
            request,
            "Your payment for the playbook is disputed with your bank, so the download is on "
            "hold and a second purchase can't start. Once your bank closes the dispute in our "
            "favour the download comes back by itself; reply to your receipt if you need help.",
        )
        return redirect("payments:playbook")
    except services.PaymentProcessing:
        messages.info(
            request,
            "Your last payment is still being processed. We'll email your receipt and "
            "download link as soon as it clears; you won't be charged again.",
        )
        return redirect("payments:purchases")
    except stripe.StripeError:
        logger.exception("Could not start a checkout for %s", request.user)
        messages.error(
            request,
            "We couldn't reach our payment provider. Nothing was charged; please try again.",
        )
        return redirect("payments:playbook")
    return redirect(url)


@never_cache
@login_required
@require_GET
def success(request: HttpRequest) -> HttpResponse:
    session_id = request.GET.get("session_id", "")
    if not CHECKOUT_SESSION_ID.fullmatch(session_id):
        # Also keeps a NUL byte or a megabyte of text away from the database.
        raise Http404("No such checkout session.")
    order = _get_order_for_user(request, stripe_checkout_session_id=session_id)
    if order.status == Order.Status.PENDING and services.payments_configured():
        # The webhook usually gets here first; if not, settle it now.
        try:
            order = checkout.fulfill_checkout(session_id=session_id) or order
        except stripe.StripeError:
            logger.warning("Success page could not check session %s", session_id, exc_info=True)
    return render(request, "payments/success.html", {"order": order})


@login_required
@require_GET
def download(request: HttpRequest) -> FileResponse:
    product = _get_playbook_or_404()
    order = services.paid_order_for(request.user, product)
    if order is None or not product.file:
        raise Http404("No download for you here.")
    services.record_download(
        order=order,
        # The visitor, not the proxy: the same rule as the log-in rate limits.
        ip_address=get_adapter(request).get_client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
    )
    response = FileResponse(
        product.file.open("rb"),
        as_attachment=True,
        filename=product.download_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def purchases(request: HttpRequest) -> HttpResponse:
    orders = (
        Order.objects.filter(user=request.user)
        .exclude(status__in=[Order.Status.EXPIRED, Order.Status.FAILED], fulfilled_at__isnull=True)
        .select_related("product")
    )
    product = services.get_playbook()
    return render(
        request,
        "payments/purchases.html",
        {"orders": orders, "owned": services.has_playbook(request.user), "product": product},
    )


@login_required
@require_GET
def receipt(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _get_order_for_user(request, pk=order_id, fulfilled_at__isnull=False)
    return render(request, "payments/receipt.html", {"order": order})


def _is_event(data) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("id"), str)
        and isinstance(data.get("type"), str)
        and isinstance(data.get("data"), dict)
        and isinstance(data["data"].get("object"), dict)
    )


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        # A deployment mistake: once the secret is set, Stripe's retry succeeds.
        logger.error("Stripe webhook received but STRIPE_WEBHOOK_SECRET is not set")
        return HttpResponse("Webhooks are not configured.", status=503)
    payload = request.body
    try:
        # The library's own check: HMAC over the raw body, and the timestamp
        # (construct_event without the object tree it builds and we never read).
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"),
            request.headers.get("Stripe-Signature"),
            secret,
            WEBHOOK_TOLERANCE_SECONDS,
        )
        event = json.loads(payload)
    except stripe.SignatureVerificationError:
        logger.warning("Stripe webhook with a bad signature refused")
        return HttpResponse("Bad signature.", status=400)
    except (ValueError, TypeError, AttributeError):
        # Signed but not an event: JSON that doesn't parse, or isn't an object.
        logger.warning("Stripe webhook with a malformed body refused")
        return HttpResponse("Malformed body.", status=400)
    if not _is_event(event):
        return HttpResponse("Not an event.", status=400)
    row, created = webhooks.record_event(event)
    try:
        outcome = webhooks.process_event(row, created=created)
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError):
        logger.warning("Stripe event %s deferred: Stripe unreachable", row.event_id, exc_info=True)
        return HttpResponse("Try again later.", status=503)
    except services.PaymentsNotConfigured:
        logger.error("Stripe event %s deferred: STRIPE_SECRET_KEY is not set", row.event_id)
        return HttpResponse("Payments are not configured.", status=503)
    return HttpResponse(outcome, content_type="text/plain")

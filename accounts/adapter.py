"""allauth's account adapter, with this site's rules for client addresses and log-in failures."""

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.httpkit import clean_client_ip
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse

from .outbox import queue_email

logger = logging.getLogger(__name__)


def _welcome_first(user, default: str) -> str:
    """The welcome step for someone who has not finished it, else `default`."""
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    if profile is not None and not profile.is_onboarded:
        return reverse("welcome")
    return default


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """After sign-up, confirmation or log-in: the welcome step until it is done.

        An explicit ?next= still wins (allauth); the pages that need the welcome
        step send the person there themselves (accounts.decorators).
        """
        return _welcome_first(request.user, super().get_login_redirect_url(request))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return _welcome_first(request.user, super().get_signup_redirect_url(request))

    def get_email_verification_redirect_url(self, email_address) -> str:
        return _welcome_first(
            self.request.user, super().get_email_verification_redirect_url(email_address)
        )

    def get_client_ip(self, request: HttpRequest) -> str:
        """The visitor's address: from the trusted proxy's header, else the TCP peer.

        allauth reads ALLAUTH_TRUSTED_CLIENT_IP_HEADER, or the entry of
        X-Forwarded-For that ALLAUTH_TRUSTED_PROXY_COUNT points at. A request
        whose chain is shorter than the configured count did not come through
        the proxy (or the count is wrong): its TCP peer is used, with a warning,
        instead of allauth's ImproperlyConfigured (a 500).
        """
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning(
                "X-Forwarded-For has fewer entries than ALLAUTH_TRUSTED_PROXY_COUNT; "
                "using the peer address %s",
                request.META.get("REMOTE_ADDR"),
            )
            return clean_client_ip(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The bucket of ACCOUNT_RATE_LIMITS["login_failed"]'s per-key rate.

        allauth keys it on the address typed alone, so five wrong passwords from
        anywhere lock the account's owner out. Keyed on the address typed *and*
        the client's IP, the guesser is slowed while the owner, elsewhere, is not.
        """
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render as allauth does, then queue in the outbox instead of sending.

        Sign-up, password reset, address confirmation and security notices
        then never wait for (or fail with) the mail server.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        queue_email(self.render_mail(template_prefix, email, ctx))

    def send_account_already_exists_mail(self, email: str) -> None:
        """Sign-up with a taken address: tell the owner, with log-in and reset links.

        The page shows the same "check your inbox" as any sign-up, so only the
        person who reads this inbox learns the account exists.
        """
        from allauth.account.internal import flows
        from allauth.utils import build_absolute_uri

        request = allauth_context.request
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "signup_url": flows.signup.get_signup_url(request),
                "password_reset_url": flows.password_reset.get_reset_password_url(request),
                "login_url": build_absolute_uri(request, reverse("account_login")),
            },
        )

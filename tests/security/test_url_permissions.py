"""Every URL the project answers, walked from the resolver, against who may use it.

For each pattern (the project's, allauth's, the admin's top level and every
ModelAdmin's), five personas send a GET and a POST: anonymous, a stranger, a
member of staff, the participant the URL is for (the "actor") and the other
participant of the same booking (the "peer"). Each answer must match the
pattern's entry in ACCESS, and carry the security headers every page needs.

A pattern without an entry fails test_every_url_has_an_entry, naming the
pattern. To add one: pick a rule (public, login_only, participants, actor_only,
staff_only, token) and say how to fill the pattern's arguments from the World.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import World, build_world

ANON, STRANGER, STAFF, PEER, ACTOR = "anonymous", "stranger", "staff", "peer", "actor"
PERSONAS = (ANON, STRANGER, STAFF, PEER, ACTOR)

OK, LOGIN, NOT_FOUND, ADMIN_LOGIN = "ok", "login", "404", "admin login"
REAUTHENTICATE = "reauthenticate"
UNAUTHORIZED, FORBIDDEN = "401", "403"
# A ModelAdmin may forbid adding or deleting a kind of row, even to staff.
OK_OR_FORBIDDEN = "ok or 403"

LOGIN_PATH = "/accounts/login/"
REAUTHENTICATE_PATH = "/accounts/reauthenticate/"
ADMIN_LOGIN_PATH = "/admin/login/"


@dataclass(frozen=True)
class Rule:
    who: dict[str, str]
    # Which participant the URL belongs to: "host" or "guest" of the world's bookings.
    actor: str = "host"
    kwargs: Callable[[World], dict] = field(default=lambda w: {})
    # The path to request, for patterns whose arguments a name can't reverse.
    path: Callable[[World], str] | None = None
    methods: tuple[str, ...] = ("get", "post")


def public(**kw) -> Rule:
    return Rule(who=dict.fromkeys(PERSONAS, OK), **kw)


def login_only(**kw) -> Rule:
    return Rule(who={**dict.fromkeys(PERSONAS, OK), ANON: LOGIN}, **kw)


def participants(**kw) -> Rule:
    """Both people of the booking; everyone else 404 (staff too: only the admin shows them)."""
    return Rule(who={ANON: LOGIN, STRANGER: NOT_FOUND, STAFF: NOT_FOUND, PEER: OK, ACTOR: OK}, **kw)


def actor_only(**kw) -> Rule:
    """One side of the booking only: the interviewer's notes, the candidate's rating..."""
    return Rule(
        who={ANON: LOGIN, STRANGER: NOT_FOUND, STAFF: NOT_FOUND, PEER: NOT_FOUND, ACTOR: OK}, **kw
    )


def staff_only(staff: str = OK, **kw) -> Rule:
    return Rule(who={**dict.fromkeys(PERSONAS, ADMIN_LOGIN), STAFF: staff}, **kw)


def token(**kw) -> Rule:
    """The secret in the URL is the permission, whoever holds it (calendar apps, mail clients)."""
    return Rule(who=dict.fromkeys(PERSONAS, OK), **kw)


def nothing_of_theirs(**kw) -> Rule:
    """A page about something the person does not have: 404 to everyone signed in."""
    return Rule(who={**dict.fromkeys(PERSONAS, NOT_FOUND), ANON: LOGIN}, **kw)


def reauthenticate_first(**kw) -> Rule:
    """Everyone signed in is sent to confirm their password before anything is read."""
    return Rule(who={**dict.fromkeys(PERSONAS, REAUTHENTICATE), ANON: LOGIN}, **kw)


def not_found(**kw) -> Rule:
    return Rule(who=dict.fromkeys(PERSONAS, NOT_FOUND), **kw)


def _booking(w: World) -> dict:
    return {"pk": w.upcoming.pk}


def _unsubscribe_token(w: World) -> dict:
    from sessions.notifications.emails import unsubscribe_token

    return {"token": unsubscribe_token(w.host, "reminder_24h")}


def _reset_key_path(w: World) -> str:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(w.host)
    return f"/accounts/password/reset/key/{user_pk_to_url_str(w.host)}-{key}/"


def _confirm_email_path(w: World) -> str:
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    address = EmailAddress.objects.get(user=w.host)
    return f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/"


# Route pattern (as the resolver spells it, prefixes joined) -> who may use it.
ACCESS: dict[str, Rule] = {
    "": public(),
    # the site's own pages, linked from every footer
    "terms/": public(),
    "privacy/": public(),
    "contact/": public(),
    # allauth
    "accounts/login/": public(),
    "accounts/logout/": public(),
    "accounts/inactive/": public(),
    "accounts/signup/": public(),
    "accounts/reauthenticate/": login_only(),
    "accounts/email/": login_only(),
    "accounts/confirm-email/": public(),
    "accounts/password/change/": login_only(),
    "accounts/password/set/": login_only(),
    "accounts/password/reset/": public(),
    # Without a login code pending there is nothing to confirm: back to the login page.
    "accounts/login/code/confirm/": login_only(),
    # GET only: the first POST confirms the address and every later one rightly 404s.
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": public(
        path=_confirm_email_path, methods=("get",)
    ),
    "accounts/password/reset/key/done/": public(),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": public(
        path=_reset_key_path
    ),
    "accounts/password/reset/done/": public(),
    "accounts/3rdparty/login/cancelled/": public(),
    # allauth answers its social-login error page with 401 Unauthorized.
    "accounts/3rdparty/login/error/": Rule(who=dict.fromkeys(PERSONAS, UNAUTHORIZED)),
    # No social sign-up is in progress, so everyone is sent to the login page.
    "accounts/3rdparty/signup/": Rule(who=dict.fromkeys(PERSONAS, LOGIN)),
    "accounts/3rdparty/": login_only(),
    "accounts/social/login/cancelled/": public(path=lambda w: "/accounts/social/login/cancelled/"),
    "accounts/social/login/error/": public(path=lambda w: "/accounts/social/login/error/"),
    "accounts/social/signup/": public(path=lambda w: "/accounts/social/signup/"),
    "accounts/social/connections/": public(path=lambda w: "/accounts/social/connections/"),
    # allauth.mfa (two-factor, passkeys)
    "accounts/2fa/": login_only(),
    "accounts/2fa/authenticate/": login_only(),
    "accounts/2fa/reauthenticate/": reauthenticate_first(),
    "accounts/2fa/totp/activate/": reauthenticate_first(),
    # Nobody in the world has an authenticator app or recovery codes: nothing to show.
    "accounts/2fa/totp/deactivate/": nothing_of_theirs(),
    "accounts/2fa/recovery-codes/": nothing_of_theirs(),
    "accounts/2fa/recovery-codes/generate/": reauthenticate_first(),
    "accounts/2fa/recovery-codes/download/": nothing_of_theirs(),
    "accounts/2fa/webauthn/": login_only(),
    "accounts/2fa/webauthn/add/": reauthenticate_first(),
    # Without a passkey of one's own, the password form instead.
    "accounts/2fa/webauthn/reauthenticate/": reauthenticate_first(),
    # Everyone signed in is asked for their password first, before allauth looks
    # the key up among the person's own passkeys (nobody in the world has one).
    "accounts/2fa/webauthn/keys/<int:pk>/remove/": reauthenticate_first(kwargs=lambda w: {"pk": 1}),
    "accounts/2fa/webauthn/keys/<int:pk>/edit/": reauthenticate_first(kwargs=lambda w: {"pk": 1}),
    # The login page's passkey form posts here; anything else goes back to the login page.
    "accounts/2fa/webauthn/login/": login_only(),
    # accounts
    "welcome/": login_only(),
    "profile/": login_only(),
    "profile/emails/": login_only(),
    "profile/calendar-token/": login_only(),
    "profile/data/": reauthenticate_first(),
    "profile/delete/": reauthenticate_first(),
    # scheduling
    # The anonymised board of open slots: counts only, for visitors without an account.
    "on-offer/": public(),
    "dashboard/": login_only(),
    "interviews/find/": login_only(),
    "interviews/mine/": login_only(),
    "interviews/publish/": login_only(),
    "interviews/slots/<int:pk>/book/": login_only(kwargs=lambda w: {"pk": w.open_slot.pk}),
    "interviews/slots/<int:pk>/withdraw/": actor_only(kwargs=lambda w: {"pk": w.open_slot.pk}),
    "interviews/slots/<int:pk>/restore/": actor_only(kwargs=lambda w: {"pk": w.withdrawn_slot.pk}),
    # Each person's own withdrawn slots; nothing in the URL names anyone else's.
    "interviews/slots/withdrawn/": login_only(),
    # One schedule per person: the page is always one's own (empty until set).
    "interviews/availability/": login_only(),
    # Withdrawing or restoring a schedule one doesn't have is 404 (only the host has one).
    "interviews/availability/withdraw/": actor_only(),
    "interviews/availability/restore/": actor_only(),
    "interviews/<int:pk>/": participants(kwargs=_booking),
    "interviews/<int:pk>/cancel/": participants(kwargs=_booking),
    "interviews/<int:pk>/reschedule/": participants(kwargs=_booking),
    "interviews/<int:pk>/no-show/": participants(kwargs=_booking),
    # Only the person the report accuses may dispute it; the reporter too gets 404.
    "interviews/<int:pk>/no-show/dispute/": actor_only(
        actor="guest", kwargs=lambda w: {"pk": w.missed.pk}
    ),
    "interviews/<int:pk>/invite.ics": participants(kwargs=_booking),
    "interviews/<int:pk>/room/": participants(kwargs=_booking),
    "interviews/reschedules/<int:pk>/accept/": participants(
        actor="guest", kwargs=lambda w: {"pk": w.proposal.pk}
    ),
    "interviews/reschedules/<int:pk>/decline/": participants(
        actor="guest", kwargs=lambda w: {"pk": w.proposal.pk}
    ),
    "interviews/reschedules/<int:pk>/withdraw/": participants(
        kwargs=lambda w: {"pk": w.proposal.pk}
    ),
    "interviews/rounds/<int:round_id>/notes/": actor_only(
        kwargs=lambda w: {"round_id": w.upcoming_round.pk}
    ),
    "interviews/rounds/<int:round_id>/design-started/": actor_only(
        kwargs=lambda w: {"round_id": w.upcoming_round.pk}
    ),
    # The interviewer switches the round's question (POST only).
    "interviews/rounds/<int:round_id>/question/": actor_only(
        kwargs=lambda w: {"round_id": w.upcoming_round.pk}
    ),
    # room: the interviewer's clarifying checklist (POST only)
    "room/rounds/<int:round_id>/checklist/": actor_only(
        kwargs=lambda w: {"round_id": w.upcoming_round.pk}
    ),
    # matching (Practice now): a request or a block is its owner's alone
    "practice/": login_only(),
    "practice/requests/": login_only(),
    "practice/requests/<int:pk>/withdraw/": actor_only(kwargs=lambda w: {"pk": w.match_request.pk}),
    "practice/requests/<int:pk>/block/": actor_only(kwargs=lambda w: {"pk": w.match_request.pk}),
    "practice/blocks/<int:pk>/remove/": actor_only(kwargs=lambda w: {"pk": w.match_block.pk}),
    "calendar/<calendar_token:token>.ics": token(
        kwargs=lambda w: {"token": w.host.profile.calendar_token}
    ),
    # grading
    "interviews/rounds/<int:round_id>/scorecard/": actor_only(
        kwargs=lambda w: {"round_id": w.past_round.pk}
    ),
    "interviews/rounds/<int:round_id>/scorecard/autosave/": actor_only(
        kwargs=lambda w: {"round_id": w.past_round.pk}
    ),
    # The grader, and the candidate once revealed (the world's scorecard is).
    "interviews/rounds/<int:round_id>/feedback/": participants(
        kwargs=lambda w: {"round_id": w.past_round.pk}
    ),
    "interviews/rounds/<int:round_id>/rate/": actor_only(
        actor="guest", kwargs=lambda w: {"round_id": w.past_round.pk}
    ),
    # notifications
    "emails/unsubscribe/<signed_token:token>/": token(kwargs=_unsubscribe_token),
    # payments
    "playbook/": public(),
    "playbook/buy/": login_only(),
    "playbook/success/": actor_only(path=lambda w: "/playbook/success/?session_id=cs_test_world"),
    "playbook/download/": actor_only(),
    "playbook/purchases/": login_only(),
    "playbook/purchases/<int:order_id>/receipt/": actor_only(
        kwargs=lambda w: {"order_id": w.order.pk}
    ),
    # Stripe calls it; without a valid signature it refuses everyone alike.
    "playbook/stripe/webhook/": public(),
    # the admin's top level
    "admin/": staff_only(),
    "admin/login/": public(),
    "admin/logout/": public(),
    "admin/password_change/": staff_only(),
    "admin/password_change/done/": staff_only(),
    # Without a field to complete the admin refuses even staff.
    "admin/autocomplete/": staff_only(staff=FORBIDDEN),
    "admin/jsi18n/": staff_only(),
    # A person has no public page, so "view on site" has nowhere to go.
    "admin/r/<path:content_type_id>/<path:object_id>/": staff_only(
        staff=NOT_FOUND,
        path=lambda w: f"/admin/r/{_content_type_id('accounts', 'user')}/{w.host.pk}/",
    ),
    "admin/accounts/user/<id>/password/": staff_only(kwargs=lambda w: {"id": w.host.pk}),
    "admin/interviews/rubric/<int:rubric_id>/new-version/": staff_only(
        kwargs=lambda w: {"rubric_id": w.scorecard.rubric_id}, methods=("get",)
    ),
    "admin/payments/order/grant/": staff_only(),
    "admin/^(?P<app_label>auth|account|socialaccount|mfa|accounts|interviews|payments)/$": staff_only(
        path=lambda w: "/admin/accounts/"
    ),
    "admin/(?P<url>.*)$": staff_only(
        staff=NOT_FOUND, path=lambda w: "/admin/no-such-page/", methods=("get",)
    ),
}


def _content_type_id(app_label: str, model: str) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get(app_label=app_label, model=model).pk


# --- Walking the resolver -----------------------------------------------------------


@dataclass(frozen=True)
class Found:
    route: str
    name: str | None
    view: str
    model_admin: object | None


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            yield Found(
                route=prefix + str(entry.pattern),
                name=f"{namespace}{entry.name}" if entry.name else None,
                view=f"{callback.__module__}.{getattr(callback, '__qualname__', callback)}",
                model_admin=getattr(callback, "model_admin", None),
            )


ALL = list(walk())
PLAIN = [f for f in ALL if f.model_admin is None]
MODEL_ADMIN = [f for f in ALL if f.model_admin is not None]
CHECKED: list[tuple[str, int]] = []  # (route, requests), summed up in conftest


def test_every_url_has_an_entry():
    missing = [f for f in PLAIN if f.route not in ACCESS]
    assert not missing, (
        "These URL patterns have no entry in tests/security/test_url_permissions.py ACCESS; "
        "add one saying who may use each:\n"
        + "\n".join(f"  {f.route!r}  (name {f.name!r}, view {f.view})" for f in missing)
    )


def test_every_entry_names_a_url():
    routes = {f.route for f in PLAIN}
    stale = sorted(set(ACCESS) - routes)
    assert not stale, f"ACCESS has entries for URL patterns that no longer exist: {stale}"


def test_the_walk_sees_every_kind_of_url():
    routes = {f.route for f in ALL}
    assert "accounts/login/" in routes  # allauth
    assert "admin/" in routes  # the admin's top level
    assert any(f.model_admin for f in ALL)  # every ModelAdmin's pages
    assert len(MODEL_ADMIN) >= 5 * 10


# --- Asking as each persona --------------------------------------------------------------


def _fill(route: str, kwargs: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        return str(kwargs[name])

    return "/" + re.sub(r"<([^>]+)>", value, route)


def _url(found: Found, rule: Rule, world: World) -> str:
    if rule.path:
        return rule.path(world)
    kwargs = rule.kwargs(world)
    if found.name:
        return reverse(found.name, kwargs=kwargs)
    return _fill(found.route, kwargs)


def _clients(world: World, actor: str) -> dict[str, Client]:
    people = {
        STRANGER: world.stranger,
        STAFF: world.staff,
        ACTOR: world.host if actor == "host" else world.guest,
        PEER: world.guest if actor == "host" else world.host,
    }
    clients = {ANON: Client()}
    for persona, person in people.items():
        client = Client()
        client.force_login(person)
        clients[persona] = client
    return clients


def _outcome(response, method: str) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status in (301, 302, 303) and location.startswith(LOGIN_PATH):
        return LOGIN
    if status in (301, 302, 303) and location.startswith(ADMIN_LOGIN_PATH):
        return ADMIN_LOGIN
    if status in (301, 302, 303) and location.startswith(REAUTHENTICATE_PATH):
        return REAUTHENTICATE
    if status == 404:
        return NOT_FOUND
    if status == 401:
        return UNAUTHORIZED
    if status == 403:
        return FORBIDDEN
    if status >= 500:
        return f"status {status}"
    return OK


def _allowed(expected: str, response, method: str) -> bool:
    got = _outcome(response, method)
    if got == expected or (expected == OK_OR_FORBIDDEN and got in (OK, FORBIDDEN)):
        return True
    # A wrong method is refused before anything is read or changed, whoever asks.
    return response.status_code == 405


PRIVATE_PREFIXES = ("/accounts/", "/admin/", "/emails/", "/profile/")
# The calendar feed: stored by the subscriber's own client only, revalidated on every poll.
REVALIDATED_PREFIXES = ("/calendar/",)
# The one page that may use the camera and microphone: the live room's video call.
ROOM_PAGE = re.compile(r"^/interviews/\d+/room/$")


def assert_security_headers(response, *, url: str, logged_in: bool) -> None:
    where = f"{response.request['REQUEST_METHOD']} {url} ({response.status_code})"
    csp = response.get("Content-Security-Policy", "")
    assert csp, f"{where}: no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{where}: {csp}"
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert directives.get("script-src") == "'self'", f"{where}: {csp}"
    assert directives.get("style-src") == "'self'", f"{where}: {csp}"
    assert directives.get("frame-ancestors") == "'none'", f"{where}: {csp}"
    policy = response.get("Permissions-Policy", "")
    features = dict(part.strip().split("=", 1) for part in policy.split(",") if "=" in part)
    assert features.get("geolocation") == "()", f"{where}: {policy!r}"
    if ROOM_PAGE.match(url) and response.status_code == 200:
        # Exactly camera and microphone, for our own origin; everything else stays off.
        assert features.get("camera") == "(self)", f"{where}: {policy!r}"
        assert features.get("microphone") == "(self)", f"{where}: {policy!r}"
        assert features.get("display-capture") == "()", f"{where}: {policy!r}"
    else:
        assert features.get("camera") == "()", f"{where}: {policy!r}"
        assert features.get("microphone") == "()", f"{where}: {policy!r}"
    assert response.get("X-Content-Type-Options") == "nosniff", where
    if url.startswith(REVALIDATED_PREFIXES):
        cache_control = {
            part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")
        }
        # Private (no shared cache keeps it), stored by the client so it can send
        # If-None-Match, and revalidated on every poll.
        assert {"private", "no-cache"} <= cache_control, f"{where}: {cache_control}"
        assert not cache_control & {"no-store", "public", "s-maxage"}, f"{where}: {cache_control}"
    elif logged_in or url.startswith(PRIVATE_PREFIXES):
        assert "no-store" in response.get("Cache-Control", ""), (
            f"{where}: personal page without Cache-Control: no-store "
            f"({response.get('Cache-Control')!r})"
        )


def _check(found: Found, rule: Rule) -> int:
    world = build_world()
    url = _url(found, rule, world)
    clients = _clients(world, rule.actor)
    problems, requests = [], 0
    for method in rule.methods:
        for persona in PERSONAS:
            if found.model_admin is not None and method == "post" and persona == STAFF:
                continue  # a staff POST would really add or delete; GET shows the page
            response = getattr(clients[persona], method)(url)
            requests += 1
            expected = rule.who[persona]
            if not _allowed(expected, response, method):
                problems.append(
                    f"{method.upper()} {url} as {persona}: expected {expected}, got "
                    f"{_outcome(response, method)} ({response.status_code} "
                    f"{response.get('Location', '')})"
                )
            assert_security_headers(response, url=url, logged_in=persona != ANON)
    assert not problems, f"pattern {found.route!r}:\n" + "\n".join(problems)
    CHECKED.append((found.route, requests))
    return requests


@pytest.fixture(autouse=True)
def _payments(settings, private_media):
    # The webhook then checks signatures (400 without one) instead of answering
    # 503 "not configured"; Checkout itself stays off, so nothing calls Stripe.
    settings.STRIPE_WEBHOOK_SECRET = "whsec_url_walk"


@pytest.mark.django_db
@pytest.mark.parametrize("found", [f for f in PLAIN if f.route in ACCESS], ids=lambda f: f.route)
def test_who_may_use_it(found):
    _check(found, ACCESS[found.route])


def _admin_rule(found: Found) -> Rule:
    model = found.model_admin.model

    def object_id(w: World) -> dict:
        obj = model._default_manager.order_by("pk").first()
        return {"object_id": obj.pk if obj else 0}

    return staff_only(
        staff=OK_OR_FORBIDDEN,
        kwargs=object_id if "object_id" in found.route else (lambda w: {}),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("found", MODEL_ADMIN, ids=lambda f: f.route)
def test_admin_pages_are_staff_only(found):
    _check(found, _admin_rule(found))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/calendar/not-a-real-token.ics",
        # Not a token's shape (the converter's alphabet): 404 before any query.
        "/emails/unsubscribe/not%20a%20token/",
        "/interviews/999999/",
        "/interviews/rounds/999999/feedback/",
        "/playbook/purchases/999999/receipt/",
    ],
)
def test_a_made_up_secret_or_id_is_404_for_everyone(path):
    world = build_world()
    for persona, client in _clients(world, "host").items():
        response = client.get(path)
        expected = (
            (LOGIN,)
            if persona == ANON and not path.startswith(("/calendar", "/emails"))
            else (NOT_FOUND,)
        )
        assert _outcome(response, "get") in expected, (path, persona, response.status_code)
        assert_security_headers(response, url=path, logged_in=persona != ANON)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        # A token's shape, but not our signature: the page says the link is not valid.
        ("/emails/unsubscribe/not-a-real-token/", 400, "This unsubscribe link is not valid"),
        (
            "/emails/unsubscribe/eyJ1IjoxfQ:1abc:sig_nature/",
            400,
            "This unsubscribe link is not valid",
        ),
    ],
)
def test_a_made_up_unsubscribe_token_gets_a_page_that_says_so(path, status, says):
    world = build_world()
    for persona, client in _clients(world, "host").items():
        for response in (client.get(path), client.post(path)):
            assert response.status_code == status, (path, persona)
            assert says in response.content.decode()
            assert_security_headers(response, url=path, logged_in=persona != ANON)

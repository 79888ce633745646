"""Rendered pages of a signed-in person, kept in the cache under versioned keys.

Rendering the busiest pages (find, my interviews, the dashboard, a booking)
costs ten to twenty times a bare signed-in request, while their data changes
rarely. `cached_page` keeps a page's rendered body in the cache (Redis in
production) and serves it again while nothing it shows has changed.

What "nothing changed" means: each person has a version token, and so has the
board of open slots and each other named piece of shared content a page shows
(the playbook's product, say). Any save or delete of a watched model (see
`watch`) replaces the tokens it touches, at once and again after the
transaction commits (so a page read meanwhile is not kept under the new
token). A stored page remembers the tokens it was rendered under and is used
only while they are still current. Bulk `.update()` calls bypass model signals:
code that changes watched rows that way calls `people_changed` /
`board_changed` itself. Every entry also expires after
settings.PAGE_CACHE_SECONDS, which bounds how stale a page can be for what no
token covers: the clock ("in 3 hours", past or upcoming) and other people's
names and ratings. A view that knows when its page next changes with the clock
(a round starts) ends the entry then with `expire_page_at`.

The key holds the page's full path, the viewer, the viewer's time zone and the
viewer's CSRF cookie (a cached form's token must match the browser that posts
it). A response with a flash message, a status other than 200, or a streamed
body is never stored, and a request with a message waiting is never served
from the cache. With PAGE_CACHE_SECONDS at 0 nothing is stored or served.

A page whose every response carries values of its own (a CSP nonce, the clock)
renders stand-ins for them and names a `finish` function that fills them in,
on each response whether rendered now or served from the cache.
"""

import hashlib
import math
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

BOARD = "board"
_VERSION_PREFIX = "pagecache:v:"
_PAGE_PREFIX = "pagecache:page:"
_PERSON_PREFIX = "pagecache:person:"


def _version_key(scope) -> str:
    return f"{_VERSION_PREFIX}{scope}"


def _bump(scopes: set) -> None:
    if scopes:
        cache.set_many({_version_key(s): secrets.token_hex(8) for s in scopes}, timeout=None)


def _changed(scopes: set) -> None:
    # Now, for the rest of this request and transaction; and after commit, so a
    # page rendered by another request before the commit is not kept as current.
    _bump(scopes)
    transaction.on_commit(lambda: _bump(scopes))


def people_changed(*user_ids: int | None) -> None:
    """Every cached page of these people (user ids; None is ignored) is out of date."""
    _changed({pk for pk in user_ids if pk is not None})


def board_changed() -> None:
    """Every cached page listing open slots (the find page) is out of date."""
    _changed({BOARD})


def watch(
    model: type[Model],
    people: Callable[[Model], Iterable[int | None]],
    *,
    board: bool = False,
    shared: Iterable[str] = (),
) -> None:
    """After any save or delete of `model`, the people `people(instance)` names are
    out of date (user ids), with `board` the slot board too, and every page
    cached with one of the `shared` names (see `cached_page`)."""
    named = {f"shared:{name}" for name in shared}

    def receiver(sender, instance, **kwargs) -> None:
        scopes = {pk for pk in people(instance) if pk is not None} | named
        if board:
            scopes.add(BOARD)
        _changed(scopes)

    uid = f"pagecache:{model._meta.label}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid)


def read_through(key: str, *, version_key: str, build: Callable[[], Any], timeout: int) -> Any:
    """The value stored under `key` while the token under `version_key` holds, else `build()`.

    One cache round trip on a hit: the entry and the current token are read
    together. A built value is stored with the token read before building, so
    a change that replaces the token meanwhile is never hidden by it; a missing
    token is made (never reused). None from `build` is returned but not kept,
    and nothing is kept while the cache is unreachable. `timeout` in seconds.
    """
    found = cache.get_many([key, version_key])
    version, entry = found.get(version_key), found.get(key)
    if entry is not None and version and entry[0] == version:
        return entry[1]
    if not version:
        cache.add(version_key, secrets.token_hex(8), timeout=None)
        version = cache.get(version_key)
    value = build()
    if value is not None and version:
        cache.set(key, (version, value), timeout=timeout)
    return value


def signed_in_person(user_id: int, load: Callable[[], Model | None]) -> Model | None:
    """The signed-in person `user_id` as `load()` reads it, from the cache while their version holds.

    The authentication backends call this on every signed-in request: a hit
    costs one cache round trip (the entry and the person's version token read
    together) instead of an SQL query. The entry is the loaded user with what
    `load` joins (the profile); it is used only while the person's version
    token is the one read before loading, so any save of their user or profile
    (`watch`), and every `people_changed`, makes the next request read the
    database again. Entries expire after settings.PAGE_CACHE_SECONDS; with that
    at 0, or the cache unreachable, every call loads. A None from `load` (no
    such user) is not kept.
    """
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return load()
    return read_through(
        f"{_PERSON_PREFIX}{user_id}", version_key=_version_key(user_id), build=load, timeout=seconds
    )


def _page_key(request: HttpRequest, csrf_secret: str) -> str:
    user = request.user
    profile = getattr(user, "profile", None)  # as accounts.middleware.TimezoneMiddleware
    parts = (
        str(user.pk),
        request.get_full_path(),
        profile.timezone if profile else "",
        csrf_secret,
        getattr(request, "LANGUAGE_CODE", ""),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return _PAGE_PREFIX + digest


def expire_page_at(response: HttpResponse, moment: datetime | None) -> None:
    """Keep the cached copy of this page (see `cached_page`) until `moment` at the
    latest (an aware datetime): the instant it would first render differently
    with the clock alone. None leaves the entry its PAGE_CACHE_SECONDS."""
    response.page_cache_until = moment


def cached_page(
    *,
    board: bool = False,
    shared: Iterable[str] = (),
    finish: Callable[[HttpRequest, HttpResponse], None] | None = None,
) -> Callable:
    """Serve a signed-in person's GET page from the cache while its versions hold.

    With `board`, the page also depends on the slot board's version; `shared`
    names content every reader sees alike, told by `watch(..., shared=...)`.
    `finish(request, response)` completes every 200 response of the page, served
    or rendered, cache on or off; the cache keeps the body as the view rendered
    it. Use under login_required; anonymous requests and other methods pass
    straight through.
    """
    others = [BOARD] if board else []
    others += [f"shared:{name}" for name in shared]

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            def finished(response: HttpResponse) -> HttpResponse:
                if finish is not None and response.status_code == 200 and not response.streaming:
                    finish(request, response)
                return response

            seconds = settings.PAGE_CACHE_SECONDS
            csrf_secret = request.META.get("CSRF_COOKIE")
            if (
                not seconds
                or request.method != "GET"
                or not request.user.is_authenticated
                or not csrf_secret
                or len(messages.get_messages(request))
            ):
                return finished(view(request, *args, **kwargs))
            scopes = [_version_key(scope) for scope in (request.user.pk, *others)]
            key = _page_key(request, csrf_secret)
            found = cache.get_many([key, *scopes])
            versions = [found.get(s) for s in scopes]
            entry = found.get(key)
            if (
                entry is not None
                and all(versions)
                and entry["versions"] == versions
                and (entry.get("until") is None or timezone.now() < entry["until"])
            ):
                return finished(HttpResponse(entry["body"], content_type=entry["content_type"]))
            if not all(versions):
                # A missing token is made now (never reused), so no old entry matches it.
                for scope, value in zip(scopes, versions, strict=True):
                    if not value:
                        cache.add(scope, secrets.token_hex(8), timeout=None)
                current = cache.get_many(scopes)
                versions = [current.get(s) for s in scopes]
            response = view(request, *args, **kwargs)
            until = getattr(response, "page_cache_until", None)
            timeout = seconds
            if until is not None:
                timeout = min(seconds, math.ceil((until - timezone.now()).total_seconds()))
            if (
                response.status_code == 200
                and not response.streaming
                and all(versions)
                and not len(messages.get_messages(request))
                and timeout > 0
            ):
                cache.set(
                    key,
                    {
                        "versions": versions,
                        "body": response.content,
                        "content_type": response["Content-Type"],
                        "until": until,
                    },
                    timeout=timeout,
                )
            return finished(response)

        return wrapper

    return decorator

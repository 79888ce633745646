"""Two people in two browsers share the live room: editor, whiteboard, video, reconnects.

The app runs under daphne (tests/asgi_server.py) because the room needs
WebSockets; each person is a separate Chromium context with their own session.
"""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from sessions.models import Round
from tests.asgi_server import free_port, start_asgi_server, stop
from tests.browser_support import person
from tests.conftest import BROWSER_ARGS
from tests.factories import make_booking
from tests.sessions.room.support import session_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LA, BERLIN = "America/Los_Angeles", "Europe/Berlin"
PAGE_ERRORS: list[str] = []
OUTSIDE_REQUESTS: list[str] = []
# What the Content-Security-Policy refused (a script, style, font, socket or image).
CSP_VIOLATIONS: list[str] = []
WATCH_CSP = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.effectiveDirective + ' ' + (e.blockedURI || 'inline'));
});
"""
FAKE_MEDIA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    port = free_port()
    proc = start_asgi_server(port)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture
def chromium():
    # Function scope: Playwright must stop before the database is flushed, or
    # Django flushes through another connection and re-creates content types.
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=[*BROWSER_ARGS, *FAKE_MEDIA]
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def no_page_errors():
    """Every script error in either page, any request to another server, and anything
    the Content-Security-Policy refused, fails the test."""
    PAGE_ERRORS.clear()
    OUTSIDE_REQUESTS.clear()
    CSP_VIOLATIONS.clear()
    yield
    assert PAGE_ERRORS == []
    assert CSP_VIOLATIONS == [], "\n".join(CSP_VIOLATIONS)
    assert OUTSIDE_REQUESTS == []


@pytest.fixture
def interview():
    """Ben (Los Angeles) interviews Ada (Berlin) in a system design round that began 4 minutes ago."""
    ben = person("ben@example.com", "Ben", LA)
    ada = person("ada@example.com", "Ada", BERLIN)
    booking = make_booking(
        host=ben, guest=ada, starts_at=timezone.now() - timedelta(minutes=4), minutes=60
    )
    return booking, ben, ada


def open_room(chromium, server, booking, user, zone):
    context = chromium.new_context(timezone_id=zone, permissions=["camera", "microphone"])
    cookie = session_cookie(user).decode().split("=", 1)[1]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server}])
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.on("pageerror", lambda error: PAGE_ERRORS.append(f"{zone}: {error}"))
    page.on(
        "console",
        lambda message: (
            CSP_VIOLATIONS.append(f"{zone}: {message.text}")
            if message.type == "error"
            and ("CSP violation" in message.text or "Content Security Policy" in message.text)
            else None
        ),
    )
    # Everything (scripts, fonts, styles) comes from our server: no CDN.
    page.on(
        "request",
        lambda request: (
            OUTSIDE_REQUESTS.append(request.url)
            if request.url.startswith("http") and not request.url.startswith(server)
            else None
        ),
    )
    page.goto(f"{server}/interviews/{booking.pk}/room/")
    expect(page.locator("#room-connection")).to_have_attribute(
        "data-state", "connected", timeout=20000
    )
    return context, page


def wait_until(page, expression: str, timeout: float = 30000) -> None:
    """Poll `expression` in the page until it is true.

    Playwright's wait_for_function compiles its predicate with eval inside the
    page, which the room's CSP (no 'unsafe-eval') refuses; evaluate does not.
    """
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true within {timeout:.0f} ms: {expression}"
        time.sleep(0.05)


def code_of(page) -> str:
    return page.evaluate("window.interviewRoom.doc.getText('code').toString()")


def test_typing_and_drawing_reach_the_other_person_and_the_board_records_designing(
    chromium, server, interview
):
    booking, ben, ada = interview
    ben_context, ben_page = open_room(chromium, server, booking, ben, LA)
    ada_context, ada_page = open_room(chromium, server, booking, ada, BERLIN)
    try:
        # Each sees the other as here.
        expect(ben_page.locator("#room-presence")).to_contain_text("Ada: here")
        expect(ada_page.locator("#room-presence")).to_contain_text("Ben: here")

        # Ada types in the shared editor; Ben sees it within 2 seconds.
        ada_page.locator("#room-editor .cm-content").click()
        ada_page.keyboard.type("# ")  # keystrokes first, then the clock starts on one insert
        wait_until(ben_page, "window.interviewRoom.doc.getText('code').toString() === '# '")
        ada_page.keyboard.insert_text("def shorten(url):")
        wait_until(
            ben_page,
            "window.interviewRoom.doc.getText('code').toString() === '# def shorten(url):'",
            timeout=2000,
        )
        expect(ben_page.locator("#room-editor .cm-content")).to_contain_text("def shorten(url):")

        # Ada draws a rectangle; it appears on Ben's board and starts the design.
        for page in (ben_page, ada_page):
            expect(page.locator("#room-board canvas.interactive")).to_be_visible(timeout=30000)
        canvas = ada_page.locator("#room-board canvas.interactive")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        ada_page.mouse.click(x, y)  # focus the board (an empty spot, selection tool)
        ada_page.keyboard.press("r")  # the rectangle tool
        ada_page.mouse.move(x, y)
        ada_page.mouse.down()
        ada_page.mouse.move(x + 120, y + 80, steps=8)
        ada_page.mouse.up()
        wait_until(
            ben_page,
            "window.interviewRoom.doc.getArray('elements').toArray()"
            ".some(m => m.get('el').type === 'rectangle' && !m.get('el').isDeleted)",
            timeout=2000,
        )
        expect(
            ben_page.locator(f'[data-design-started="{booking.rounds.get().pk}"]')
        ).to_contain_text("minutes of clarifying came first", timeout=5000)
        round_ = Round.objects.get(booking=booking)
        assert round_.design_started_at is not None
        assert 3.9 <= float(round_.clarifying_minutes) <= 6

        # Ada closes her tab: Ben sees her leave within a second.
        ada_page.close(run_before_unload=True)
        expect(ben_page.locator("#room-presence")).to_contain_text("Ada: not here", timeout=1000)
    finally:
        ben_context.close()
        ada_context.close()


def test_the_video_call_connects_both_peers(chromium, server, interview):
    booking, ben, ada = interview
    ben_context, ben_page = open_room(chromium, server, booking, ben, LA)
    ada_context, ada_page = open_room(chromium, server, booking, ada, BERLIN)
    try:
        connected = (
            "window.interviewRoom.video && window.interviewRoom.video.pc && "
            "window.interviewRoom.video.pc.connectionState === 'connected'"
        )
        wait_until(ben_page, connected, timeout=30000)
        wait_until(ada_page, connected, timeout=30000)
        expect(ben_page.locator("#video-status")).to_contain_text("Connected to Ada")
        expect(ben_page.locator("#video-fallback")).to_be_hidden()
        ada_page.locator("#video-mute").click()
        expect(ada_page.locator("#video-mute")).to_have_attribute("aria-pressed", "true")
    finally:
        ben_context.close()
        ada_context.close()


def test_edits_made_offline_merge_without_loss_after_reconnecting(chromium, server, interview):
    booking, ben, ada = interview
    ben_context, ben_page = open_room(chromium, server, booking, ben, LA)
    ada_context, ada_page = open_room(chromium, server, booking, ada, BERLIN)
    try:
        ben_page.locator("#room-editor .cm-content").click()
        ben_page.keyboard.type("# shared start\n")
        wait_until(
            ada_page, "window.interviewRoom.doc.getText('code').toString().includes('shared start')"
        )

        ada_context.set_offline(True)
        expect(ada_page.locator("#room-connection")).not_to_have_attribute(
            "data-state", "connected", timeout=40000
        )
        ada_page.locator("#room-editor .cm-content").click()
        ada_page.keyboard.press("Control+End")
        ada_page.keyboard.type("ada_offline = 1\n")
        ben_page.keyboard.press("Control+End")
        ben_page.keyboard.type("ben_online = 2\n")

        ada_context.set_offline(False)
        expect(ada_page.locator("#room-connection")).to_have_attribute(
            "data-state", "connected", timeout=30000
        )
        for page in (ben_page, ada_page):
            wait_until(
                page,
                "(() => { const t = window.interviewRoom.doc.getText('code').toString();"
                " return t.includes('ada_offline = 1') && t.includes('ben_online = 2'); })()",
                timeout=10000,
            )
        assert code_of(ben_page) == code_of(ada_page)
        assert "# shared start" in code_of(ben_page)
    finally:
        ben_context.close()
        ada_context.close()


def test_a_reload_mid_interview_keeps_the_code_and_the_saved_notes(chromium, server, interview):
    # The room page comes from the page cache on a reload: the body the cache kept
    # must carry this response's nonce (the editor's styles) and the notes saved since.
    booking, ben, ada = interview
    notes = f"#notes-{booking.rounds.get().pk}"
    ben_context, ben_page = open_room(chromium, server, booking, ben, LA)
    try:
        ben_page.locator("#room-editor .cm-content").click()
        ben_page.keyboard.type("# kept across reloads\n")
        wait_until(ben_page, "window.interviewRoom.doc.getText('code').toString().includes('kept')")
        ben_page.locator(notes).fill("Asked about read/write ratio")
        expect(ben_page.locator(".notes-status")).to_contain_text("Saved", timeout=10000)
        nonces = set()
        for _ in range(3):  # the first reload renders and stores, the next ones are served
            ben_page.reload()
            expect(ben_page.locator("#room-connection")).to_have_attribute(
                "data-state", "connected", timeout=20000
            )
            expect(ben_page.locator(notes)).to_have_value("Asked about read/write ratio")
            wait_until(
                ben_page, "window.interviewRoom.doc.getText('code').toString().includes('kept')"
            )
            expect(ben_page.locator("#room-editor .cm-content")).to_contain_text("kept across")
            nonces.add(
                ben_page.evaluate(
                    "JSON.parse(document.getElementById('room-live').textContent).styleNonce"
                )
            )
        assert len(nonces) == 3
    finally:
        ben_context.close()


def test_question_checklist_and_notes_survive_reloads_on_a_laptop_and_a_phone(chromium, server):
    # Before the round starts (the room opens 15 minutes early): Ben on a laptop
    # switches the question and ticks the checklist, Ada on a phone reloads; both
    # pages come from the page cache on their second reload.
    ben = person("ben@example.com", "Ben", LA)
    ada = person("ada@example.com", "Ada", BERLIN)
    booking = make_booking(host=ben, guest=ada, starts_at=timezone.now() + timedelta(minutes=10))
    round_ = booking.rounds.get()
    ben_context, ben_page = open_room(chromium, server, booking, ben, LA)
    ada_context, ada_page = open_room(chromium, server, booking, ada, BERLIN)
    ben_page.set_viewport_size({"width": 1280, "height": 800})
    ada_page.set_viewport_size({"width": 390, "height": 844})
    notes = f"#notes-{round_.pk}"
    written = 'nonce-1 now-2 </textarea><script>alert("x")</script>'
    try:
        select = ben_page.locator(f"#id_round-{round_.number}-question")
        options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        choice = next(v for v in options if v and v != str(round_.question_id))
        select.select_option(choice)
        ben_page.get_by_role("button", name="Use this question").click()
        expect(ben_page.locator(".messages")).to_contain_text("The question is now")
        round_.refresh_from_db()
        for _ in range(2):
            ada_page.reload()
            expect(ada_page.locator("#room-connection")).to_have_attribute(
                "data-state", "connected", timeout=20000
            )
            expect(ada_page.locator(".candidate-view")).to_be_visible()
        ben_page.locator('input[name="item"][value="scale"]').check()
        expect(ben_page.locator(".checklist [role=status]")).to_have_text("Ticked.", timeout=10000)
        ben_page.locator(notes).fill(written)
        expect(ben_page.locator(".notes-status")).to_contain_text("Saved", timeout=10000)
        for _ in range(2):
            ben_page.reload()
            expect(ben_page.locator("#room-connection")).to_have_attribute(
                "data-state", "connected", timeout=20000
            )
            expect(ben_page.locator(".messages")).to_have_count(0)
            expect(ben_page.locator(".question-prompt")).to_contain_text(
                round_.question.prompt[:30]
            )
            expect(ben_page.locator('input[name="item"][value="scale"]')).to_be_checked()
            expect(ben_page.locator(notes)).to_have_value(written)
    finally:
        ben_context.close()
        ada_context.close()


def test_notes_typed_just_before_a_reload_are_in_the_reloaded_page(chromium, server, interview):
    # The last keystrokes leave with the page (a beacon on pagehide); the page
    # that replaces it, served from the page cache, must not show the notes as
    # they were before them (a later autosave would then write the old text back).
    booking, ben, ada = interview
    notes = f"#notes-{booking.rounds.get().pk}"
    ben_context, ben_page = open_room(chromium, server, booking, ben, LA)
    try:
        ben_page.locator(notes).fill("First line")
        expect(ben_page.locator(".notes-status")).to_contain_text("Saved", timeout=10000)
        for attempt in range(5):
            ben_page.reload()  # stored in the cache, then served from it
            expect(ben_page.locator(notes)).to_have_value(
                "First line" + "".join(f" +{n}" for n in range(attempt))
            )
            ben_page.locator(notes).press("End")
            ben_page.keyboard.type(f" +{attempt}")
        deadline = time.monotonic() + 10
        while Round.objects.get(booking=booking).notes != "First line +0 +1 +2 +3 +4":
            assert time.monotonic() < deadline, Round.objects.get(booking=booking).notes
            time.sleep(0.1)
    finally:
        ben_context.close()

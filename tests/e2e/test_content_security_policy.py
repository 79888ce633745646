"""Every kind of page works under the Content-Security-Policy: the browser reports
no violation (no inline script, style or handler was refused) and the page's own
script still runs."""

import pytest

from tests.factories import PASSWORD
from tests.security.world import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def _log_in(browser, live_server, user):
    context = browser.new_context(timezone_id="Europe/Berlin")
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="login"]').fill(user.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")
    return context, page


def _violations(page, live_server, paths) -> dict[str, list]:
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status < 500, path
        assert "unsafe-inline" not in response.headers.get("content-security-policy", "")
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__csp")
        if violations:
            found[path] = violations
    return found


def test_pages_of_a_participant_raise_no_violation(browser, live_server, private_media):
    world = build_world()
    context, page = _log_in(browser, live_server, world.host)
    paths = [
        "/dashboard/",
        "/interviews/find/",
        "/interviews/mine/",
        "/interviews/publish/",
        f"/interviews/{world.upcoming.pk}/",
        f"/interviews/{world.upcoming.pk}/room/",
        f"/interviews/rounds/{world.past_round.pk}/feedback/",
        "/profile/",
        "/profile/delete/",  # the re-authentication page
        "/accounts/email/",
        "/accounts/password/change/",
        "/playbook/",
        "/playbook/purchases/",
    ]
    assert _violations(page, live_server, paths) == {}
    context.close()


def test_public_and_admin_pages_raise_no_violation(browser, live_server, private_media):
    world = build_world()
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    public = [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/playbook/",
    ]
    assert _violations(page, live_server, public) == {}
    context.close()

    context, page = _log_in(browser, live_server, world.staff)
    admin = [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{world.host.pk}/change/",
        f"/admin/accounts/user/{world.host.pk}/delete/",
        f"/admin/interviews/rubric/{world.scorecard.rubric_id}/change/",
        "/admin/interviews/booking/",
    ]
    assert _violations(page, live_server, admin) == {}
    context.close()

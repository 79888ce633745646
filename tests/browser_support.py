"""Shared steps of the browser tests."""

from zoneinfo import ZoneInfo

from tests.factories import PASSWORD, UserFactory


def shown(dt, zone: str, *, year: bool = False) -> str:
    """A datetime as templates render it with date:"D j M, H:i" (or "D j M Y, H:i") in a zone."""
    local = dt.astimezone(ZoneInfo(zone))
    return (
        f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
        if year
        else f"{local:%a} {local.day} {local:%b, %H:%M}"
    )


def person(email: str, name: str, zone: str):
    user = UserFactory(email=email, tz=zone)
    user.profile.display_name = name
    user.profile.save(update_fields=["display_name"])
    return user


def log_in(browser, live_server, user, zone: str):
    """A new browser context in the person's zone, logged in on their dashboard."""
    context = browser.new_context(timezone_id=zone)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="login"]').fill(user.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")
    return context, page

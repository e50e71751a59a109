"""Browser tests: Playwright's sync API driving Debian's Chromium (/usr/bin/chromium) against pytest-django's
live_server. Never `playwright install`: the browser comes from `apt-get install chromium` (scripts/test.py does it).

Without /usr/bin/chromium the tests are skipped, except with CI=true, where that is a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 768}
DEMO_USERNAME = "tinh"  # the demo's province officer (Lâm Đồng)


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def chromium_browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium (or run python3 scripts/test.py as root)"
        if _on_ci():
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    # Playwright's sync API keeps an asyncio loop running in this thread; Django would then refuse database access
    # from the test itself (SynchronousOnlyOperation). Only the browser tests need this.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_login(chromium_browser, live_server, settings):
    """The demo built in the test database (it imports the official units itself); returns (username, password).

    live_server makes the test transactional: the tables are emptied after each test, so each test loads again.
    pytest-django orders such tests after all tests that use `db`, so a session-wide import is not lost to them.
    """
    from django.db import connection

    from giamsat.demo.loader import demo_password, load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # nine demo users, fast

    load_demo()
    # The tables were emptied after the previous test and refilled: until autovacuum gets to them, PostgreSQL
    # plans with the empty tables' statistics, and a page that joins the 14,000 units may then take seconds.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return DEMO_USERNAME, demo_password()


@pytest.fixture
def new_page(chromium_browser):
    """new_page(viewport, touch) -> a page in a fresh context with a Vietnamese browser; closed after the test."""
    contexts = []

    def make(viewport=DESKTOP, touch=False):
        # touch: a phone's browser (a touch screen, so CSS's "pointer: coarse" holds).
        context = chromium_browser.new_context(viewport=viewport, locale="vi-VN", has_touch=touch, is_mobile=touch)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def logged_in(new_page, demo_login, live_server):
    """logged_in(viewport, username, touch) -> a page where a demo user (by default the province officer) has logged in
    through the login form."""

    def make(viewport=DESKTOP, username=None, touch=False):
        default, password = demo_login
        username = username or default
        page = new_page(viewport, touch)
        page.goto(f"{live_server.url}/")
        assert "/login/" in page.url
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("form[action$='/login/'] button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return make

"""Playwright driving Debian's chromium (/usr/bin/chromium); no browser is downloaded.

Without chromium the browser tests are skipped on a developer's machine and fail in CI (CI=true).
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags that keep chromium from calling out of this machine (offline by construction).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def chromium_browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required for the browser tests in CI (apt-get install chromium)")
        pytest.skip("chromium is not installed: browser tests skipped (apt-get install chromium)")
    # Playwright's sync API runs an event loop; Django's async-safety check must allow ORM calls
    # made by fixtures in the same thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    context = chromium_browser.new_context(base_url=live_server.url, locale="vi-VN",
                                           timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "about:")) else None)
    yield page
    context.close()
    assert not outside, f"the page tried to reach outside the instance: {outside}"

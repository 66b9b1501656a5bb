"""Browser tests: Playwright driving Debian's Chromium against a live server.

Every page load is watched: a server error (5xx) or a browser console error fails the test.
Screenshots of each step land in test-artifacts/<test>/ (kept by CI as artifacts).
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests import services

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path():
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if not executable:
        services.unavailable("needs Debian's Chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


class Journey:
    """A browser tab with error watching and numbered screenshots."""

    def __init__(self, page, base_url, folder):
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.step = 0
        self.problems = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._on_response)

    def _on_console(self, message):
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _on_response(self, response):
        if response.status >= 500:
            self.problems.append(f"server error {response.status} for {response.url}")

    def go(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def shot(self, name):
        self.step += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.page.screenshot(path=str(self.folder / f"{self.step:02d}-{slug}.png"), full_page=True)

    def login(self, username, password):
        self.go("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("form.card button[type=submit]")
        self.page.wait_for_load_state()

    def logout(self):
        self.page.click("header form[action='/accounts/logout/'] button")
        self.page.wait_for_load_state()


@pytest.fixture
def journey(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    run = Journey(page, live_server.url, ARTIFACTS / request.node.name)
    yield run
    context.close()
    assert not run.problems, "\n".join(run.problems)

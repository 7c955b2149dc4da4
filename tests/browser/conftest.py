"""Real-browser tests: Playwright's sync API driving Debian's chromium against the live server.

No browser is downloaded: `make test` installs the distribution's chromium when it is missing, and
axe-core (the accessibility checker) from the npm registry into node_modules/.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 720}
# Run in every page of every flow (injected through the DevTools protocol, so the CSP does not apply):
# an id used twice is reported on the console and fails the test at the end, with the page's address.
DUPLICATE_IDS_PREFIX = "duplicate ids:"
DUPLICATE_IDS_JS = """
document.addEventListener('DOMContentLoaded', () => {
  const seen = new Set(), twice = new Set();
  for (const el of document.querySelectorAll('[id]')) { (seen.has(el.id) ? twice : seen).add(el.id); }
  if (twice.size) console.warn('PREFIX ' + location.pathname + ' ' + [...twice].join(','));
});
""".replace("PREFIX", DUPLICATE_IDS_PREFIX)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Screenshots:
    """Numbered full-page screenshots under test-artifacts/<test name>/."""

    def __init__(self, name: str):
        self.folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
        self.count = 0

    def __call__(self, page, label: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        slug = re.sub(r"[^\w-]+", "-", label)
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shot(request):
    """shot(page, "label"): save a screenshot of the page for this test."""
    return Screenshots(request.node.name)


@pytest.fixture
def new_page(browser, live_server):
    """new_page(language="nl") -> a page in its own context (own cookies), 1280×720, on the live server.

    The context keeps the site's real Content-Security-Policy: a violation (an inline script or style)
    is collected in `page.csp_violations` and fails the test at the end; so does an id used twice on
    any page the test visits (`page.duplicate_ids`).
    """
    contexts = []
    pages = []

    def _new(language: str = "nl"):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=VIEWPORT,
            locale=language,
            extra_http_headers={"Accept-Language": language},
        )
        context.set_default_timeout(10_000)
        context.add_init_script(DUPLICATE_IDS_JS)
        contexts.append(context)
        page = context.new_page()
        page.csp_violations = []
        page.duplicate_ids = []

        def on_console(msg):
            if "Content Security Policy" in msg.text:
                page.csp_violations.append(msg.text)
            elif msg.text.startswith(DUPLICATE_IDS_PREFIX):
                page.duplicate_ids.append(msg.text.removeprefix(DUPLICATE_IDS_PREFIX).strip())

        page.on("console", on_console)
        pages.append(page)
        return page

    yield _new
    violations = [v for page in pages for v in page.csp_violations]
    duplicates = [d for page in pages for d in page.duplicate_ids]
    for context in contexts:
        context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"
    assert not duplicates, f"ids used twice on a page (path, ids): {duplicates}"


@pytest.fixture
def page(new_page):
    return new_page()


def axe_check(page, *, impacts=("minor", "moderate", "serious", "critical")) -> list[dict]:
    """Run axe-core on the page; returns the violations with one of `impacts` (empty means clean):
    every impact by default, so a page passes only with no violation at all.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
    page keeps its real policy while it is checked.
    """
    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS} is missing: `make test` installs axe-core from npm")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
          const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


@pytest.fixture
def assert_accessible():
    """assert_accessible(page): no axe-core violation of any impact on the current page."""

    def _check(page):
        violations = axe_check(page)
        assert not violations, f"axe-core on {page.url}:\n{json.dumps(violations, indent=2, ensure_ascii=False)}"

    return _check


def second_factor(user):
    """The user's confirmed TOTP device, created like the demo's when missing."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, name="default", confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def current_code(device) -> str:
    """The code the authenticator app shows; the next step's code if this step was already used
    (django-otp refuses a code twice, and a test may log the same user in twice in 30 seconds)."""
    from django_otp.oath import TOTP

    from tests.twofactor import totp_code

    device.refresh_from_db()
    now_t = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift).t()
    offset = 0
    if device.last_t is not None and device.last_t >= now_t:
        offset = device.last_t - now_t + 1
    return totp_code(device, offset=offset)


@pytest.fixture
def browser_login():
    """browser_login(page, user): the two-step login through the real pages (password, then the code)."""
    from django.urls import reverse

    def _login(page, user, *, password: str = settings.DEMO_PASSWORD):
        device = second_factor(user)
        page.goto(reverse("login"))
        page.locator("input[name='auth-username']").fill(user.username)
        page.locator("input[name='auth-password']").fill(password)
        page.locator("main button[type='submit']").first.click()
        page.locator("input[name='token-otp_token']").fill(current_code(device))
        page.locator("main button[type='submit']").first.click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"login of {user.username} failed at {page.url}"
        return page

    return _login

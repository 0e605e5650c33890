"""One seeded platform on a real port and one headless Chromium (the system's, driven by Playwright)
for the console's browser tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.console.seed import Platform, seed, serve

CHROMIUM = Path(os.environ.get("ACUSIGHT_CHROMIUM", "/usr/bin/chromium"))
VIEWPORT = {"width": 1280, "height": 800}

# Reports a Content-Security-Policy violation as a console error (the page's own listener would be
# subject to the policy; an init script is not).
CSP_WATCH = """
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${where}`);
});
"""


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    with serve(tmp_path_factory.mktemp("console")) as p:
        yield seed(p)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set ACUSIGHT_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    if os.environ.get("CI"):
        from playwright.sync_api import sync_playwright
    else:
        sync_playwright = pytest.importorskip(
            "playwright.sync_api", reason="pip install -e '.[dev]'"
        ).sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def context(browser: Any, platform: Platform) -> Iterator[Any]:
    """One browser context for the module: this origin only (anything else is refused, as offline)."""
    ctx = browser.new_context(viewport=VIEWPORT, base_url=platform.url)
    ctx.set_default_timeout(10_000)
    ctx.add_init_script(CSP_WATCH)
    origin = urlsplit(platform.url).netloc
    ctx.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).netloc == origin
            or route.request.url.startswith(("data:", "blob:"))
            else route.abort("internetdisconnected")
        ),
    )
    yield ctx
    ctx.close()


@dataclass
class Tab:
    """A page and the errors it logged: console errors, uncaught exceptions, CSP violations."""

    page: Any
    errors: list[str] = field(default_factory=list)
    allowed: list[Callable[[str, str], bool]] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.errors, "the page logged errors:\n" + "\n".join(self.errors)
        self.errors.clear()


def expected_404(text: str, url: str) -> bool:
    # A project without a Label Studio link answers its link 404, which the browser logs.
    return "status of 404" in text and url.endswith("/label-studio")


def watch(page: Any) -> Tab:
    tab = Tab(page, allowed=[expected_404])

    def on_console(msg: Any) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        if not any(allow(msg.text, url) for allow in tab.allowed):
            tab.errors.append(f"console.error: {msg.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: tab.errors.append(f"uncaught: {exc}"))
    return tab


@pytest.fixture(scope="module")
def open_tab(context: Any, platform: Platform) -> Iterator[Callable[..., Tab]]:
    """open_tab(role=None) -> a new tab, signed in as the seeded user of ``role`` by a sign-in link."""
    pages: list[Any] = []

    def _open(role: str | None = None) -> Tab:
        page = context.new_page()
        pages.append(page)
        tab = watch(page)
        if role is not None:
            page.goto(platform.login_link(role))
            page.get_by_test_id("whoami").wait_for()
        return tab

    yield _open
    for page in pages:
        page.close()


@pytest.fixture(scope="module")
def _admin_tab(open_tab: Callable[..., Tab]) -> Tab:
    return open_tab("admin")


@pytest.fixture
def admin_tab(_admin_tab: Tab) -> Tab:
    """The admin's tab, shared by the module's tests, brought to the front (a background tab's
    animation frames are throttled, which slows every action's checks)."""
    _admin_tab.page.bring_to_front()
    return _admin_tab

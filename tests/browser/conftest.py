"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Every page a test visits goes through ``visit``/``check_page``, which runs axe-core
and fails on serious or critical accessibility violations.
"""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from ..conftest import totp_code
from ..factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
_axe = Axe()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # `playwright install` cannot download browsers here: use Debian's Chromium.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def page(page, live_server):
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page


def check_page(page):
    """Fail on serious or critical axe-core violations, or a CSP/console error."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"{page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )
    assert not page.console_errors, f"{page.url}: console errors {page.console_errors}"


def visit(page, path, *, status=200):
    """Open a page, check its status, then its accessibility and console."""
    response = page.goto(page.base_url + path)
    assert response.status == status, f"{path}: {response.status}"
    if status >= 400:
        # Chromium logs the page's own error status as a console error.
        page.console_errors[:] = [e for e in page.console_errors if str(status) not in e]
    check_page(page)


def log_in(page, user, *, next_path=""):
    """Sign in through the real form; answer the TOTP prompt when the user has one."""
    visit(page, "/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if getattr(user, "totp_secret", None):
        page.wait_for_url("**/accounts/2fa/authenticate/")
        check_page(page)
        page.get_by_label("Code").fill(totp_code(user.totp_secret))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(lambda url: "/accounts/2fa/" not in url)

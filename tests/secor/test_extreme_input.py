"""No input gives a 500: every form on every page, fed extreme values.

The demo data (three associations, every role, employers in every state) is
built; for each role the test signs in, follows the links of its association
(breadth first) to find every page, parses each page's POST forms, and sends
each form once per extreme value with every field set to it. Every answer must
be a page (a clear message, or the saved value) — never a server error.
Each distinct form is fed once per run, by the first role that reaches it; every
role still crawls (and GETs) every page it can reach.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from secor.models import User

EXTREMES = [
    "0001-01-01",
    "9999-12-31",
    "0",
    "-1",
    str(2**31),
    str(2**63),
    "",
    "x" * 10_000,
    "nul\x00byte",
    "emoji 🦺🚧👷‍♀️",
    "\u202eright-to-left \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
]
ROLES = [
    "amta-admin@demo.example",
    "amta-reviewer@demo.example",
    "amta-auditor@demo.example",
    "amta-employer@demo.example",
    "scsa-admin@demo.example",
    "scsa-employer@demo.example",
]
MAX_PAGES = 120
# Forms already fed every extreme value by an earlier role of this run, by
# (route of the action, field names, button): a reviewer's copy of a form the
# program admin already sent 11 times only adds minutes (six roles, ~100 forms).
_SENT: set = set()
# Links that end the session or leave the association.
SKIP = ("/accounts/logout", "/switch/", "download=", ".pdf", "/evidence")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form = None
        self._buttons: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "button": None}
            self._buttons = []
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea") and a.get("name"):
            if a.get("type") in ("submit", "button"):
                self._buttons.append((a["name"], a.get("value", "")))
                return
            if a.get("type") == "file":
                return
            self._form["fields"].setdefault(a["name"], a.get("value", ""))
        elif (
            self._form is not None
            and tag == "button"
            and a.get("name")
            and (a.get("type") or "submit") == "submit"
        ):
            self._buttons.append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            # One more form per named submit button ("Add element", "Publish…"):
            # each button leads somewhere else in the view.
            for button in dict.fromkeys(self._buttons):
                self.forms.append({**self._form, "button": button})
            self._form = None


def _route(path):
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return path


def _crawl(client, start):
    """Pages reachable from ``start`` inside its association, with their forms.

    At most two pages per route (the tenth worker's edit page has the same form
    as the first), and each form once per (route, field names).
    """
    seen, queue, forms = set(), [start], []
    per_route: dict[str, int] = {}
    form_keys = set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        route = _route(url)
        if url in seen or per_route.get(route, 0) >= 2:
            continue
        seen.add(url)
        per_route[route] = per_route.get(route, 0) + 1
        response = client.get(url)
        if response.status_code >= 500:
            forms.append((url, None, {}, None))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        for form in page.forms:
            action = urljoin(url, form["action"]) or url
            key = (_route(action), frozenset(form["fields"]), form["button"])
            if key not in form_keys:
                form_keys.add(key)
                forms.append((url, action, form["fields"], form["button"]))
        for href in page.links:
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith(start) or any(s in target for s in SKIP):
                continue
            if target not in seen:
                queue.append(target)
    return seen, forms


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    settings.SECOR_REQUIRE_STAFF_MFA = False
    # Invitations are rate limited; this test sends hundreds of forms.
    settings.SECOR_INVITATIONS_PER_USER_PER_HOUR = 10_000
    settings.SECOR_INVITATIONS_PER_ASSOCIATION_PER_HOUR = 10_000
    call_command("demo_data", verbosity=0)
    # A draft audit tool per program, so the crawl reaches the tool editor's form.
    from audits.services import tool_create_draft
    from secor.models import Program
    from secor.tenancy import activate, scopes_disabled

    with scopes_disabled():
        programs = list(Program.objects.select_related("association"))
    for program in programs:
        with activate(program.association):
            tool_create_draft(program=program, actor=None)


# What a refused form answers with: an error on a field, a summary, or a message.
MESSAGE_MARKERS = ('role="alert"', "is-invalid", "invalid-feedback", 'class="alert')


@pytest.mark.parametrize("email", ROLES)
def test_every_form_of_every_page_survives_extreme_values(demo, email):
    # A 500 is counted, not raised, so one run lists every failing form.
    client = Client(raise_request_exception=False)
    user = User.objects.get(email=email)
    client.force_login(user)
    slug = email.split("-")[0]
    pages, forms = _crawl(client, f"/{slug}/")
    assert len(pages) > 3
    failures = []
    silent = []
    for page_url, action, fields, button in forms:
        if action is None:
            failures.append(f"GET {page_url}")
            continue
        if "/accounts/" in action:
            continue
        key = (_route(action), frozenset(fields), button)
        if key in _SENT:
            continue
        _SENT.add(key)
        for value in EXTREMES:
            data = dict.fromkeys(fields, value)
            data.pop("csrfmiddlewaretoken", None)
            if button:
                data[button[0]] = button[1]
            response = client.post(action, data)
            where = f"{action} {button or ''} (from {page_url}) with {value[:20]!r}"
            if response.status_code >= 500:
                failures.append(where)
            elif response.status_code == 200 and not response.headers.get("HX-Request"):
                html = response.content.decode()
                if "<html" in html and not any(m in html for m in MESSAGE_MARKERS):
                    silent.append(where)
            # A POST may have signed us out of a role (deactivated, changed): sign back in.
            client.force_login(user)
    assert failures == [], "\n".join(failures)
    # A full page answered to a POST says what happened (a redirect is the saved value).
    assert silent == [], "Answered without a message:\n" + "\n".join(silent)

"""The signup form in Debian's Chromium against any endpoint: a foreign one that is not
our receiver (a tiny capture server, as a CRM's web-to-lead URL, a form service or an
automation webhook would be) and our own receiver, with the same flows.

- an empty form sends nothing and the error summary takes focus; a bad e-mail, a bad
  phone and a missing consent are caught in the browser;
- a valid form reaches the endpoint with every contract field and the campaign of a
  poster's landing page, two pages later; nothing is stored on the device at any step;
- 2xx and redirects are successes that name who will call; 500 and a refused
  connection keep every typed value, clear the previous errors and offer "Réessayer";
  a retry succeeds once;
- SIGNUP adapts the body: JSON with renamed and fixed extra fields (a webhook), and a
  plain POST after the browser's checks (a web-to-lead form that only redirects).
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
from urllib.parse import parse_qs

import pytest

# Imported at collection, before any build (see test_signup_browser.py).
from axe_playwright_python.sync_playwright import Axe
from conftest import ROOT, build_site, free_port, serve_directory
from receiver_process import ReceiverProcess
from venez_vivre.receiver import contract

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

LANDING = (
    "/territoires/grand-besancon/?utm_source=affiche&utm_medium=print&utm_campaign=c&utm_content=2"
)
CAMPAIGN = {"utm_source": "affiche", "utm_medium": "print", "utm_campaign": "c", "utm_content": "2"}
EXPECTED = {
    "prenom": ["Zoé"],
    "nom": ["Lefèvre"],
    "telephone": ["06 12 34 56 78"],
    "ville_actuelle": ["Montreuil"],
    "territoires": ["grand-besancon"],
    "projet": ["teletravail", "creation-entreprise"],
    "adultes": ["2"],
    "enfants": ["3"],
    "echeance": ["6-12-mois"],
    "message": ["Nous cherchons une école bilingue."],
    "consentement": ["oui"],
}
OFFICER = "Julien Perrin (Grand Besançon Métropole) vous appellera sous 3 jours ouvrés"
STORED = """async () => ({
  local: localStorage.length, session: sessionStorage.length, cookie: document.cookie,
  databases: indexedDB.databases ? (await indexedDB.databases()).length : 0})"""


class CaptureEndpoint:
    """A foreign endpoint on 127.0.0.1: records every request and answers as told
    (`answer`: "200" text/html, "302" to the site's thank-you page, "500"), with the
    CORS header a service meant for browsers sends. `refuse()` closes it: connections
    are refused while a bound, non-listening socket keeps its port; `serve()` reopens
    it on the same port."""

    def __init__(self, site_origin: str):
        self.site_origin = site_origin
        self.answer = "200"
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._hold = self._socket()
        self._hold.bind(("127.0.0.1", 0))
        self.port = self._hold.getsockname()[1]
        self.server: http.server.ThreadingHTTPServer | None = None
        self.serve()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/lead"

    @staticmethod
    def _socket() -> socket.socket:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        return sock

    def serve(self) -> None:
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _cors(self):
                self.send_header("Access-Control-Allow-Origin", endpoint.site_origin)

            def do_OPTIONS(self):  # a JSON body's preflight
                with endpoint._lock:
                    endpoint.requests.append({"method": "OPTIONS", "headers": dict(self.headers)})
                self.send_response(204)
                self._cors()
                self.send_header("Access-Control-Allow-Methods", "POST")
                self.send_header("Access-Control-Allow-Headers", "Content-Type")
                self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    fields = {
                        k: v if isinstance(v, list) else [v] for k, v in json.loads(body).items()
                    }
                else:
                    fields = parse_qs(body, keep_blank_values=True)
                record = {"method": "POST", "headers": dict(self.headers), "body": body}
                record["fields"] = fields
                with endpoint._lock:
                    endpoint.requests.append(record)
                    answer = endpoint.answer
                page = b"<!doctype html><title>Lead</title><p>Merci</p>"
                self.send_response({"200": 200, "302": 302, "500": 500}[answer])
                self._cors()
                if answer == "302":
                    self.send_header("Location", endpoint.site_origin + "/inscription/merci/")
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

        sock = self._socket()
        sock.bind(("127.0.0.1", self.port))
        sock.listen()
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", self.port), Handler, bind_and_activate=False
        )
        server.socket.close()
        server.socket = sock
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.server = server

    def refuse(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def close(self) -> None:
        self.refuse()
        self._hold.close()

    def received(self, email: str) -> list[dict]:
        with self._lock:
            posts = [r for r in self.requests if r["method"] == "POST"]
        return [r for r in (r["fields"] for r in posts) if r.get("email", [""])[0].strip() == email]


class ReceiverEndpoint:
    """Our receiver, seen the same way: the sign-ups it stored, as lists of values."""

    def __init__(self, tmp, port: int, site_url: str):
        self.process = ReceiverProcess(tmp / "inscriptions.sqlite3", port, [site_url]).start()
        self.url = self.process.endpoint

    def refuse(self) -> None:
        self.process.stop()

    def serve(self) -> None:
        self.process.start()

    def close(self) -> None:
        self.process.stop()

    def received(self, email: str) -> list[dict]:
        rows = self.process.rows("email = ?", (email,))
        multiple = ("territoires", "projet")
        return [
            {
                k: (str(v).split() if k in multiple else [str(v)])
                for k, v in row.items()
                if v not in (None, "")
            }
            for row in rows
        ]


class Site:
    def __init__(self, url: str, endpoint):
        self.url, self.endpoint = url, endpoint


def serve_site(tmp, endpoint_origin: str, signup: dict | None = None, endpoint_url=None):
    overrides = {"SIGNUP_ENDPOINT": endpoint_url}
    if signup:
        overrides["SIGNUP"] = signup
    result = build_site(ROOT / "pelicanconf.py", tmp / "site", **overrides)
    assert result["ok"], result.get("report")
    # The programme's policy: its own origin, plus the endpoint (tools/publish.py).
    csp = (
        f"default-src 'self'; connect-src 'self' {endpoint_origin}; "
        f"form-action 'self' {endpoint_origin}"
    )
    return serve_directory(tmp / "site", {"Content-Security-Policy": csp})


def start_site(tmp_path_factory, kind: str, signup: dict | None = None):
    """A site built for a foreign endpoint or for our receiver; returns (Site, stop)."""
    tmp = tmp_path_factory.mktemp(f"signup-{kind}")
    port = free_port() if kind == "receiver" else None
    # The site's address is only known once it is served, the endpoint's before the
    # build: a foreign endpoint is given the site's origin when the site is up.
    if kind == "receiver":
        origin = f"http://127.0.0.1:{port}"
        url, server = serve_site(tmp, origin, signup, endpoint_url=origin + "/inscriptions")
        endpoint = ReceiverEndpoint(tmp, port, url)
    else:
        endpoint = CaptureEndpoint(site_origin="")
        origin = f"http://127.0.0.1:{endpoint.port}"
        url, server = serve_site(tmp, origin, signup, endpoint_url=endpoint.url)
        endpoint.site_origin = url
    return Site(url, endpoint), lambda: (endpoint.close(), server.shutdown())


@pytest.fixture(scope="module", params=["foreign", "receiver"])
def site(request, tmp_path_factory):
    site, stop = start_site(tmp_path_factory, request.param)
    yield site
    stop()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text),
    )
    page.context_ = context
    yield page
    context.close()


def assert_nothing_stored(page) -> None:
    assert page.evaluate(STORED) == {"local": 0, "session": 0, "cookie": "", "databases": 0}
    assert page.context_.cookies() == []


def assert_no_axe_violation(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def fill_form(page, email: str, territory: str | None = "grand-besancon") -> None:
    page.get_by_label("Prénom").fill("Zoé")
    page.get_by_label("Nom", exact=True).fill("Lefèvre")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Numéro de téléphone (facultatif)").fill("06 12 34 56 78")
    page.get_by_label("Ville où vous habitez aujourd’hui").fill("Montreuil")
    if territory:
        page.locator(f"#territoires-{territory}").check()
    page.get_by_label("Continuer mon travail en télétravail").check()
    page.get_by_label("Créer ou reprendre une entreprise").check()
    page.get_by_label("Nombre d’adultes").fill("2")
    page.get_by_label("Nombre d’enfants").fill("3")
    page.get_by_label("Dans 6 à 12 mois").check()
    page.get_by_label("Votre message (facultatif)").fill("Nous cherchons une école bilingue.")
    page.get_by_label("J’accepte que mes données servent à me recontacter").check()


def typed(page) -> dict:
    """Everything the person typed or ticked, as the page holds it now."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#signup-form [data-field]'))
        .filter((el) => el.type !== 'hidden' && el.id !== 'website')
        .map((el) => [el.id, el.type === 'checkbox' || el.type === 'radio' ? el.checked
                      : el.value])"""
    )


def send(page):
    page.get_by_role("button", name="Envoyer mon inscription").click()


def summary_messages(page) -> list[str]:
    return page.locator("#error-summary-list a").all_inner_texts()


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_an_empty_form_sends_nothing_and_the_summary_takes_focus(page, site):
    page.goto(site.url + "/inscription/")
    assert_no_axe_violation(page)  # empty state
    send(page)
    expect(page.locator("#error-summary")).to_be_visible()
    assert focused_id(page) == "error-summary"
    required = ["prenom", "nom", "email", "ville_actuelle", "projet", "consentement"]
    assert summary_messages(page) == [contract.MESSAGES[name] for name in required]
    for name in required:
        expect(page.locator(f"#{name}-error")).to_have_text(f"Erreur : {contract.MESSAGES[name]}")
    assert_no_axe_violation(page)  # error state
    assert_nothing_stored(page)
    page.get_by_role("link", name=contract.MESSAGES["email"]).click()
    assert focused_id(page) == "email"
    assert site.endpoint.received("") == []
    if isinstance(site.endpoint, CaptureEndpoint):
        assert site.endpoint.requests == []
    assert page.csp_errors == []


def test_bad_email_phone_and_missing_consent_are_caught_in_the_browser(page, site):
    page.goto(site.url + "/inscription/")
    fill_form(page, "nom@exemple")
    page.get_by_label("Numéro de téléphone (facultatif)").fill("06 12")
    page.get_by_label("J’accepte que mes données servent à me recontacter").uncheck()
    send(page)
    expect(page.locator("#error-summary")).to_be_visible()
    assert focused_id(page) == "error-summary"
    assert summary_messages(page) == [
        contract.MESSAGES["email_format"],
        contract.MESSAGES["telephone_format"],
        contract.MESSAGES["consentement"],
    ]
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    assert page.locator("#prenom").get_attribute("aria-invalid") is None
    assert_no_axe_violation(page)
    assert_nothing_stored(page)
    assert site.endpoint.received("nom@exemple") == []


def test_the_campaign_reaches_the_endpoint_two_pages_after_the_poster(page, site):
    page.goto(site.url + LANDING)
    assert_nothing_stored(page)
    page.locator('main a[href^="/temoignages/karim"]').first.click()
    page.wait_for_url("**/temoignages/karim-ingenieur-a-besancon/?utm_source=affiche*")
    assert_nothing_stored(page)
    page.locator("a.header-cta").click()
    page.wait_for_url("**/inscription/?utm_source=affiche*")
    assert_nothing_stored(page)
    fill_form(page, "campagne@exemple.fr")
    send(page)
    success = page.locator("#signup-success")
    expect(success).to_be_visible()
    assert focused_id(page) == "signup-success"
    # The hand-over: the chosen territory's welcome officer, not the programme.
    expect(success.locator("li:visible")).to_have_text(
        [f"{OFFICER} pour faire le point sur votre projet."]
    )
    assert_nothing_stored(page)
    (sent,) = site.endpoint.received("campagne@exemple.fr")
    assert {k: sent.get(k) for k in EXPECTED} == EXPECTED
    assert {k: sent.get(k) for k in CAMPAIGN} == {k: [v] for k, v in CAMPAIGN.items()}
    assert sent["page"] == ["/temoignages/karim-ingenieur-a-besancon/"]
    assert_no_axe_violation(page)  # success state
    assert page.csp_errors == []


def test_failures_keep_everything_typed_and_a_retry_succeeds_once(page, site):
    endpoint = site.endpoint
    page.goto(site.url + "/inscription/")
    fill_form(page, "panne@exemple.fr")
    page.get_by_label("Adresse e-mail").fill("panne@")
    send(page)
    expect(page.locator("#error-summary")).to_be_visible()
    page.get_by_label("Adresse e-mail").fill("panne@exemple.fr")
    before = typed(page)
    problem = page.locator("#send-problem")
    retry = page.get_by_role("button", name="Réessayer")

    failures = []
    if isinstance(endpoint, CaptureEndpoint):
        endpoint.answer = "500"
        failures.append(("500", "Le service d’inscription a répondu par une erreur (code 500)."))
    failures.append(("refused", "Le service d’inscription n’a pas pu être joint."))
    try:
        for index, (kind, message) in enumerate(failures):
            if kind == "refused":
                endpoint.refuse()
            if index == 0:
                send(page)
            else:
                retry.click()
            expect(problem).to_be_visible()
            expect(page.locator("#send-problem-text")).to_have_text(message)
            assert focused_id(page) == "send-problem"
            expect(page.locator("#error-summary")).to_be_hidden()  # the old errors are gone
            expect(page.locator(".field-error:visible")).to_have_count(0)
            expect(page.locator("#signup-form")).to_be_visible()
            assert typed(page) == before
            assert_nothing_stored(page)
            assert_no_axe_violation(page)
    finally:
        if isinstance(endpoint, CaptureEndpoint):
            endpoint.answer = "200"
        endpoint.serve()
    retry.click()
    expect(page.locator("#signup-success")).to_be_visible()
    expect(problem).to_be_hidden()
    received = endpoint.received("panne@exemple.fr")
    if isinstance(endpoint, CaptureEndpoint):
        # The 500 and the success reached it; the refused attempt did not. Both carry
        # the same submission id: a receiver stores a resend once.
        assert len(received) == 2
        assert received[0]["_submission_id"] == received[1]["_submission_id"]
    else:
        assert len(received) == 1
    assert {k: received[-1].get(k) for k in EXPECTED} == EXPECTED


def test_a_redirect_is_a_success_and_without_a_territory_the_programme_calls(page, site):
    if isinstance(site.endpoint, CaptureEndpoint):
        site.endpoint.answer = "302"  # a web-to-lead form's "return URL"
    try:
        page.goto(site.url + "/inscription/")
        fill_form(page, "sans-territoire@exemple.fr", territory=None)
        send(page)
        success = page.locator("#signup-success")
        expect(success).to_be_visible()
    finally:
        if isinstance(site.endpoint, CaptureEndpoint):
            site.endpoint.answer = "200"
    assert page.url.startswith(site.url + "/inscription/")  # shown in place
    expect(success.locator("li:visible")).to_have_count(1)
    expect(success.locator("li:visible")).to_contain_text(
        "L’équipe du programme vous appellera sous 3 jours ouvrés"
    )
    assert len(site.endpoint.received("sans-territoire@exemple.fr")) == 1


# --- SIGNUP adapts the body to the endpoint (docs/receiver.md's worked examples) -----

WEBHOOK = {
    "encoding": "json",
    "fields": {
        "prenom": "first_name",
        "nom": "last_name",
        "_format": None,
        "_fill_ms": None,
        "_redirect": None,
    },
    "extra_fields": {"source": "site-venez-vivre", "list_id": "42"},
    "callback_days": 5,
}
WEB_TO_LEAD = {
    "background": False,
    "fields": {
        "prenom": "first_name",
        "nom": "last_name",
        "_redirect": "retURL",
        "_format": None,
        "_fill_ms": None,
        "_submission_id": None,
    },
    "extra_fields": {"oid": "00D000000000001", "lead_source": "Affiche"},
}


@pytest.fixture(scope="module")
def webhook_site(tmp_path_factory):
    site, stop = start_site(tmp_path_factory, "foreign", WEBHOOK)
    yield site
    stop()


@pytest.fixture(scope="module")
def web_to_lead_site(tmp_path_factory):
    site, stop = start_site(tmp_path_factory, "foreign", WEB_TO_LEAD)
    yield site
    stop()


def test_a_json_webhook_gets_renamed_fields_lists_and_fixed_extras(browser, webhook_site):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(webhook_site.url + LANDING)
        page.get_by_role("link", name="Je veux m’installer ici").first.click()
        page.wait_for_url("**/inscription/?territoire=grand-besancon*")
        fill_form(page, "webhook@exemple.fr", territory=None)  # pre-selected already
        send(page)
        success = page.locator("#signup-success")
        expect(success).to_be_visible()
        expect(success).to_contain_text(
            "Julien Perrin (Grand Besançon Métropole) vous appellera sous 5 jours"
        )
    finally:
        context.close()
    posts = [r for r in webhook_site.endpoint.requests if r["method"] == "POST"]
    (post,) = posts
    assert post["headers"]["Content-Type"] == "application/json"
    body = json.loads(post["body"])
    assert body["first_name"] == "Zoé" and body["last_name"] == "Lefèvre"
    assert body["territoires"] == ["grand-besancon"]
    assert body["projet"] == ["teletravail", "creation-entreprise"]
    assert body["source"] == "site-venez-vivre" and body["list_id"] == "42"
    assert {k: body[k] for k in CAMPAIGN} == CAMPAIGN
    assert body["page"] == "/territoires/grand-besancon/"
    assert not {"prenom", "nom", "_format", "_fill_ms", "_redirect"} & set(body)
    assert "_submission_id" in body


def test_a_web_to_lead_form_gets_a_plain_post_after_the_browser_checks(browser, web_to_lead_site):
    endpoint = web_to_lead_site.endpoint
    endpoint.answer = "302"
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(web_to_lead_site.url + LANDING)
        page.locator("a.header-cta").click()
        page.wait_for_url("**/inscription/?utm_source=affiche*")
        send(page)  # empty: caught in the browser, nothing sent
        expect(page.locator("#error-summary")).to_be_visible()
        assert endpoint.requests == []
        fill_form(page, "lead@exemple.fr")
        send(page)
        page.wait_for_url(web_to_lead_site.url + "/inscription/merci/")
        expect(page.locator("h1")).to_have_text("Merci, votre inscription est enregistrée")
    finally:
        endpoint.answer = "200"
        context.close()
    (sent,) = endpoint.received("lead@exemple.fr")
    assert sent["first_name"] == ["Zoé"] and sent["last_name"] == ["Lefèvre"]
    assert sent["oid"] == ["00D000000000001"] and sent["lead_source"] == ["Affiche"]
    assert sent["retURL"] == ["/inscription/merci/"]
    assert sent["projet"] == ["teletravail", "creation-entreprise"]
    assert {k: sent.get(k) for k in CAMPAIGN} == {k: [v] for k, v in CAMPAIGN.items()}
    assert not {"prenom", "nom", "_format", "_fill_ms", "_submission_id"} & set(sent)


# --- The browser and the receiver agree (one contract, receiver/contract.py) ----------

BASE = {"prenom": "Zoé", "nom": "Lefèvre", "email": "zoe@exemple.fr", "ville_actuelle": "Lyon"}
CASES = [
    {"telephone": "+33 6 12 34 56 78"},
    {"telephone": "06.12.34.56"},  # 8 digits
    {"telephone": "0612345678901234"},  # 16 digits
    {"telephone": "06 12 34 56 78 #2"},
    {"email": "  zoe@exemple.fr  "},
    {"email": "zoe@exemple.f"},
    {"email": "zoe@@exemple.fr"},
    {"prenom": "   ", "ville_actuelle": ""},
    {"adultes": "0", "enfants": "0"},
    {"adultes": "20", "enfants": "21"},
    {"adultes": "1.5", "enfants": "-1"},
    {"message": "x" * 5001, "nom": "y" * 101},
    {"message": "é" * 5000},
    {"consentement": None, "projet": None},
]


@pytest.mark.parametrize("site", ["foreign"], indirect=True)
def test_the_browser_says_what_the_receiver_would_say(page, site):
    """Each case filled in the page: the messages the browser shows before sending are
    exactly contract.validate()'s, in the same order; a form it accepts is sent."""
    for number, case in enumerate(CASES):
        values = {**BASE, "projet": "emploi", "consentement": "oui", **case}
        values["email"] = values["email"].replace("zoe@", f"zoe{number}@")
        page.goto(site.url + "/inscription/")
        for name, value in values.items():
            if name in ("projet", "consentement"):
                if value:
                    page.locator(f"[data-field={name}][value={value}]").check()
            else:  # set directly: maxlength only limits typing, a robot ignores it
                page.locator(f"#{name}").evaluate("(el, v) => { el.value = v; }", value)
        send(page)
        posted = {k: [v] for k, v in values.items() if v is not None}
        expected = list(contract.validate(posted).errors.values())
        if expected:
            expect(page.locator("#error-summary")).to_be_visible()
            assert summary_messages(page) == expected, case
        else:
            expect(page.locator("#signup-success")).to_be_visible()
            (sent,) = site.endpoint.received(values["email"].strip())
            assert sent["telephone"] == [values.get("telephone", "")]


def test_without_javascript_the_renamed_fields_reach_a_redirecting_endpoint(
    browser, web_to_lead_site
):
    """The names of SIGNUP["fields"] are the form's own: a plain POST sends them too."""
    endpoint = web_to_lead_site.endpoint
    endpoint.answer = "302"
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(web_to_lead_site.url + "/inscription/")
        fill_form(page, "sans-js@exemple.fr")
        send(page)
        page.wait_for_url(web_to_lead_site.url + "/inscription/merci/")
    finally:
        endpoint.answer = "200"
        context.close()
    (sent,) = endpoint.received("sans-js@exemple.fr")
    assert sent["first_name"] == ["Zoé"] and sent["oid"] == ["00D000000000001"]
    assert sent["territoires"] == ["grand-besancon"]
    assert not {"prenom", "nom", "_submission_id"} & set(sent)

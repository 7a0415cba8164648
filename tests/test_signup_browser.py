"""The signup form in Debian's Chromium against the built site and the real receiver:
sign-ups with and without JavaScript after a poster's QR code, territory pre-selection,
every validation error, the honeypot, the no-JavaScript correction page, and axe-core.
The endpoint down then back, and the flows shared with a foreign endpoint, are in
test_signup_endpoints.py."""

from __future__ import annotations

import pytest

# Imported at collection, before any build: Pelican sets the C locale while building,
# after which this module could no longer read its UTF-8 axe.min.js.
from axe_playwright_python.sync_playwright import Axe
from conftest import ROOT, build_site, free_port, serve_directory
from playwright.sync_api import expect
from receiver_process import ReceiverProcess
from venez_vivre.receiver import contract

pytestmark = pytest.mark.browser

QR_LANDING = (
    "/territoires/grand-besancon/"
    "?utm_source=affiche&utm_medium=print&utm_campaign=automne-a-besancon&utm_content=2"
)
CAMPAIGN = {
    "utm_source": "affiche",
    "utm_medium": "print",
    "utm_campaign": "automne-a-besancon",
    "utm_content": "2",
}
NO_CAMPAIGN = dict.fromkeys(CAMPAIGN, "")


class Site:
    def __init__(self, url: str, receiver: ReceiverProcess):
        self.url, self.receiver = url, receiver


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo site built for a receiver on a free port, served under a strict CSP."""
    tmp = tmp_path_factory.mktemp("signup-browser")
    port = free_port()
    receiver_origin = f"http://127.0.0.1:{port}"
    result = build_site(
        ROOT / "pelicanconf.py", tmp / "site", SIGNUP_ENDPOINT=receiver_origin + "/inscriptions"
    )
    assert result["ok"], result.get("report")
    # What a programme's server sends: its own origin, plus the receiver for the
    # background request (connect-src) and the plain POST (form-action).
    csp = (
        f"default-src 'self'; connect-src 'self' {receiver_origin}; "
        f"form-action 'self' {receiver_origin}"
    )
    url, server = serve_directory(tmp / "site", {"Content-Security-Policy": csp})
    receiver = ReceiverProcess(tmp / "inscriptions.sqlite3", port, [url]).start()
    yield Site(url, receiver)
    receiver.stop()
    server.shutdown()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text),
    )
    yield page
    context.close()


def fill_form(page, email: str, territory: str | None = None) -> None:
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


EXPECTED = {
    "prenom": "Zoé",
    "nom": "Lefèvre",
    "telephone": "06 12 34 56 78",
    "ville_actuelle": "Montreuil",
    "territoires": "grand-besancon",
    "projet": "teletravail creation-entreprise",
    "adultes": 2,
    "enfants": 3,
    "echeance": "6-12-mois",
    "message": "Nous cherchons une école bilingue.",
    "consentement": "oui",
}


def stored(site, email: str) -> list[dict]:
    return site.receiver.rows("email = ?", (email,))


def arrive_by_qr_code_then_open_the_form(page, site) -> None:
    page.goto(site.url + QR_LANDING)
    page.get_by_role("link", name="Je veux m’installer ici").first.click()
    page.wait_for_url("**/inscription/?territoire=grand-besancon*")


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def assert_no_axe_violation(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_signup_with_javascript_after_a_poster_qr_code(page, site):
    arrive_by_qr_code_then_open_the_form(page, site)
    # The campaign travels in the link's address (site.js), never on the device.
    assert "utm_campaign=automne-a-besancon&utm_content=2" in page.url
    expect(page.locator("#territoires-grand-besancon")).to_be_checked()  # pre-selected
    assert page.locator("#territoires-dijon-metropole").is_checked() is False
    assert_no_axe_violation(page)  # empty state
    fill_form(page, "js@exemple.fr")
    page.get_by_role("button", name="Envoyer mon inscription").click()

    success = page.locator("#signup-success")
    expect(success).to_be_visible()
    expect(success).to_contain_text("Merci, votre inscription est enregistrée")
    assert focused_id(page) == "signup-success"
    assert "/inscription/?territoire=grand-besancon" in page.url  # shown in place
    (row,) = stored(site, "js@exemple.fr")
    assert {k: row[k] for k in EXPECTED} == EXPECTED
    assert {k: row[k] for k in CAMPAIGN} == CAMPAIGN
    assert row["page"] == "/territoires/grand-besancon/"
    assert_no_axe_violation(page)  # success state
    assert page.csp_errors == []


def test_signup_without_javascript_is_a_plain_post_redirected_to_thanks(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        arrive_by_qr_code_then_open_the_form(page, site)
        # Without JavaScript nothing is pre-selected: the person ticks the territory.
        assert page.locator("#territoires-grand-besancon").is_checked() is False
        fill_form(page, "sansjs@exemple.fr", territory="grand-besancon")
        page.get_by_role("button", name="Envoyer mon inscription").click()
        page.wait_for_url(site.url + "/inscription/merci/")
        expect(page.locator("h1")).to_have_text("Merci, votre inscription est enregistrée")
    finally:
        context.close()
    (row,) = stored(site, "sansjs@exemple.fr")
    assert {k: row[k] for k in EXPECTED} == EXPECTED
    # No script: nothing passes the campaign on to the site's links, and a static site
    # cannot carry it across pages without storing it, which the programme refuses
    # (docs/receiver.md).
    assert {k: row[k] for k in CAMPAIGN} == NO_CAMPAIGN


def test_plain_post_still_carries_the_campaign_when_signup_js_cannot_run(browser, site):
    context = browser.new_context()
    context.route("**/theme/js/signup.js", lambda route: route.abort())
    page = context.new_page()
    try:
        arrive_by_qr_code_then_open_the_form(page, site)
        fill_form(page, "sansfetch@exemple.fr", territory="grand-besancon")
        page.get_by_role("button", name="Envoyer mon inscription").click()
        page.wait_for_url(site.url + "/inscription/merci/")
    finally:
        context.close()
    (row,) = stored(site, "sansfetch@exemple.fr")
    assert {k: row[k] for k in EXPECTED} == EXPECTED
    assert {k: row[k] for k in CAMPAIGN} == CAMPAIGN


def summary_messages(page) -> list[str]:
    return page.locator("#error-summary-list a").all_inner_texts()


def test_every_validation_error_is_shown_announced_and_keeps_the_input(page, site):
    page.goto(site.url + "/inscription/")
    page.get_by_role("button", name="Envoyer mon inscription").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    assert focused_id(page) == "error-summary"  # focus moves: screen readers read it
    required = ["prenom", "nom", "email", "ville_actuelle", "projet", "consentement"]
    assert summary_messages(page) == [contract.MESSAGES[name] for name in required]
    for name in required:
        expect(page.locator(f"#{name}-error")).to_have_text(f"Erreur : {contract.MESSAGES[name]}")
    prenom = page.locator("#prenom")
    assert prenom.get_attribute("aria-invalid") == "true"
    assert "prenom-error" in prenom.get_attribute("aria-describedby")
    projects = page.locator("#field-projet fieldset")
    assert "projet-error" in projects.get_attribute("aria-describedby")
    assert_no_axe_violation(page)  # error state

    page.get_by_label("Prénom").fill("Zoé")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_label("Numéro de téléphone (facultatif)").fill("12")
    page.get_by_label("Nombre d’adultes").fill("deux")
    page.get_by_label("Nombre d’enfants").fill("30")
    page.get_by_label("Votre message (facultatif)").fill("Gardez-moi ce texte.")
    page.get_by_label("Un autre projet").check()
    page.get_by_role("button", name="Envoyer mon inscription").click()
    expect(page.locator("#error-summary-list a").first).to_have_text(contract.MESSAGES["nom"])
    assert summary_messages(page) == [
        contract.MESSAGES["nom"],
        contract.MESSAGES["email_format"],
        contract.MESSAGES["telephone_format"],
        contract.MESSAGES["ville_actuelle"],
        contract.MESSAGES["adultes"],
        contract.MESSAGES["enfants"],
        contract.MESSAGES["consentement"],
    ]
    assert focused_id(page) == "error-summary"
    assert prenom.get_attribute("aria-invalid") is None  # corrected: no longer flagged
    expect(page.locator("#prenom-error")).to_be_hidden()
    # Everything typed is still there.
    assert prenom.input_value() == "Zoé"
    assert page.locator("#email").input_value() == "pas-une-adresse"
    assert page.locator("#telephone").input_value() == "12"
    assert page.locator("#adultes").input_value() == "deux"
    assert page.locator("#message").input_value() == "Gardez-moi ce texte."
    assert page.locator("#projet-autre").is_checked()
    # A summary link takes the person to the field.
    page.get_by_role("link", name=contract.MESSAGES["email_format"]).click()
    assert focused_id(page) == "email"
    assert_no_axe_violation(page)
    assert page.csp_errors == []


def test_honeypot_submission_is_dropped(page, site):
    page.goto(site.url + "/inscription/")
    fill_form(page, "robot@exemple.fr")
    page.locator("#website").fill("http://spam.example", force=True)
    page.get_by_role("button", name="Envoyer mon inscription").click()
    expect(page.locator("#signup-success")).to_be_visible()  # the robot learns nothing
    assert stored(site, "robot@exemple.fr") == []


def test_without_javascript_an_error_comes_back_with_every_answer_kept(browser, site):
    """The receiver's correction page: the browser's own checks cannot see a wrong
    phone number; the person corrects it without retyping anything else."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site.url + "/inscription/")
        fill_form(page, "correction@exemple.fr", territory="morvan")
        page.get_by_label("Numéro de téléphone (facultatif)").fill("0612")
        page.get_by_role("button", name="Envoyer mon inscription").click()
        page.wait_for_url(site.receiver.endpoint)
        expect(page.locator("h1")).to_have_text("Corrigez votre inscription")
        expect(page.locator("#error-summary")).to_contain_text(
            contract.MESSAGES["telephone_format"]
        )
        expect(page.locator("#telephone-error")).to_be_visible()
        assert page.locator("#telephone").get_attribute("aria-invalid") == "true"
        assert page.locator("#prenom").input_value() == "Zoé"
        assert page.locator("#message").input_value() == "Nous cherchons une école bilingue."
        assert page.locator("input[name=territoires][value=morvan]").is_checked()
        assert page.locator("input[name=projet][value=teletravail]").is_checked()
        assert page.locator("#consentement").is_checked()
        assert stored(site, "correction@exemple.fr") == []
        # axe-core needs scripts: check the same page in a context that runs them.
        checker = browser.new_context()
        try:
            copy = checker.new_page()
            copy.set_content(page.content(), wait_until="load")
            assert_no_axe_violation(copy)
        finally:
            checker.close()
        page.locator("#telephone").fill("06 12 34 56 78")
        page.get_by_role("button", name="Envoyer mon inscription").click()
        page.wait_for_url(site.url + "/inscription/merci/")
    finally:
        context.close()
    (row,) = stored(site, "correction@exemple.fr")
    assert {k: row[k] for k in EXPECTED if k != "territoires"} == {
        k: v for k, v in EXPECTED.items() if k != "territoires"
    }
    assert row["territoires"] == "morvan"

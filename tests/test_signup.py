"""The signup pages as built (plugins/signup, theme/templates/signup*.html)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from conftest import ROOT, build_site
from venez_vivre.receiver import contract


class Inputs(HTMLParser):
    """Every form control of a page, with its attributes, and the labels' targets."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.labels: set[str] = set()
        self.forms: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea", "select"):
            self.controls.append({"tag": tag, **attrs})
        elif tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        elif tag == "form":
            self.forms.append(attrs)
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@pytest.fixture(scope="module")
def form_page(demo_site):
    parser = Inputs()
    parser.feed((demo_site / "inscription" / "index.html").read_text(encoding="utf-8"))
    return parser


def test_form_posts_every_contract_field_to_the_endpoint(form_page):
    (form,) = [f for f in form_page.forms if f.get("id") == "signup-form"]
    assert form["action"] == "http://127.0.0.1:8001/inscriptions"
    assert form["method"] == "post"
    names = {c.get("name") for c in form_page.controls}
    contract_fields = {
        "prenom", "nom", "email", "telephone", "ville_actuelle", "territoires", "projet",
        "adultes", "enfants", "echeance", "message", "consentement", "utm_source",
        "utm_medium", "utm_campaign", "utm_content", "page", "website",
    }  # fmt: skip
    assert contract_fields <= names
    technical = {n for n in names - contract_fields}
    assert technical == {"_redirect", "_submission_id", "_fill_ms"}
    redirect = next(c for c in form_page.controls if c.get("name") == "_redirect")
    assert redirect["value"] == "/inscription/merci/"


def test_choices_are_the_contract_values_and_the_demo_territories(form_page, demo_site):
    values = {}
    for control in form_page.controls:
        values.setdefault(control.get("name"), []).append(control.get("value"))
    assert values["projet"] == [v for v, _ in contract.PROJECTS]
    assert values["echeance"] == [v for v, _ in contract.TIMINGS]
    territories = sorted(p.stem for p in (ROOT / "content" / "territoires").glob("*.md"))
    assert sorted(values["territoires"]) == territories
    assert values["consentement"] == ["oui"]


def test_every_visible_control_has_a_label_and_the_right_autocomplete(form_page):
    visible = [c for c in form_page.controls if c.get("type") != "hidden"]
    assert all(c["id"] in form_page.labels for c in visible)
    autocomplete = {c["name"]: c.get("autocomplete") for c in visible}
    assert autocomplete["prenom"] == "given-name"
    assert autocomplete["nom"] == "family-name"
    assert autocomplete["email"] == "email"
    assert autocomplete["telephone"] == "tel"
    assert autocomplete["ville_actuelle"] == "address-level2"
    required = {c["name"] for c in visible if "required" in c}
    assert required == {"prenom", "nom", "email", "ville_actuelle", "consentement"}
    consent = next(c for c in visible if c["name"] == "consentement")
    assert "checked" not in consent
    honeypot = next(c for c in visible if c["name"] == "website")
    assert honeypot["tabindex"] == "-1" and honeypot["autocomplete"] == "off"
    assert "/donnees-personnelles/" in form_page.links


def test_thanks_page_is_written(demo_site):
    page = (demo_site / "inscription" / "merci" / "index.html").read_text(encoding="utf-8")
    assert "Merci, votre inscription est enregistrée" in page
    assert '<meta name="robots" content="noindex">' in page


def test_territory_pages_open_the_form_with_the_territory_chosen(demo_site):
    page = (demo_site / "territoires" / "grand-besancon" / "index.html").read_text("utf-8")
    assert 'href="/inscription/?territoire=grand-besancon"' in page


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("", "l’adresse où le formulaire d’inscription envoie les inscriptions est absente"),
        ("http://inscriptions.exemple.fr/inscriptions", "n’est pas en HTTPS"),
        ("inscriptions.exemple.fr", "n’est pas une adresse web complète"),
    ],
)
def test_publishing_refuses_a_missing_or_insecure_endpoint(tmp_path, endpoint, expected):
    result = build_site(ROOT / "publishconf.py", tmp_path / "output", SIGNUP_ENDPOINT=endpoint)
    assert not result["ok"]
    assert "SIGNUP_ENDPOINT" in result["report"] and expected in result["report"]
    assert not (tmp_path / "output").exists()

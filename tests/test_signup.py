"""The signup pages as built (plugins/signup, theme/templates/signup*.html)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, build_site
from venez_vivre.programme import html_scan
from venez_vivre.receiver import contract


class Inputs:
    """Every form control of a page, with its attributes, and the labels' targets."""

    def __init__(self, html: str):
        soup = html_scan.parse(html)
        self.controls = [
            {"tag": c.name, **c.attrs} for c in soup.find_all(("input", "textarea", "select"))
        ]
        self.labels = {label["for"] for label in soup.find_all("label") if label.get("for")}
        self.forms = [dict(form.attrs) for form in soup.find_all("form")]
        self.links = [a["href"] for a in soup.find_all("a") if a.get("href")]


def form_page_of(html: str) -> Inputs:
    return Inputs(html)


@pytest.fixture(scope="module")
def form_page(demo_site):
    return form_page_of((demo_site / "inscription" / "index.html").read_text(encoding="utf-8"))


def test_form_posts_every_contract_field_to_the_endpoint(form_page):
    (form,) = [f for f in form_page.forms if f.get("id") == "signup-form"]
    assert form["action"] == "http://127.0.0.1:8001/inscriptions"
    assert form["method"] == "post"
    names = {c.get("name") for c in form_page.controls}
    contract_fields = {
        "prenom", "nom", "email", "telephone", "ville_actuelle", "territoires", "projet",
        "adultes", "enfants", "echeance", "message", "consentement", "utm_source",
        "utm_medium", "utm_campaign", "utm_content", "page", "website",
        "evenement",  # the demo has upcoming events open for registration
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


def test_territories_json_is_the_public_routing_data(demo_site):
    """/inscription/territoires.json: exactly {slug: {title, department, welcome_officer}}."""
    data = json.loads((demo_site / "inscription" / "territoires.json").read_text("utf-8"))
    territories = sorted(p.stem for p in (ROOT / "content" / "territoires").glob("*.md"))
    assert sorted(data) == territories
    for entry in data.values():
        assert set(entry) == {"title", "department", "welcome_officer"}
        officer = entry["welcome_officer"]
        assert officer is None or set(officer) == {"name", "email", "phone"}
    assert data["grand-besancon"] == {
        "title": "Grand Besançon Métropole",
        "department": "Doubs (25)",
        "welcome_officer": {
            "name": "Julien Perrin",
            "email": "accueil-besancon@example.org",
            "phone": "03 81 00 00 02",
        },
    }


def test_the_page_carries_the_contract_rules_for_the_browser(demo_site):
    page = (demo_site / "inscription" / "index.html").read_text(encoding="utf-8")
    (form,) = [f for f in form_page_of(page).forms if f.get("id") == "signup-form"]
    config = json.loads(form["data-config"])
    assert config["rules"] == contract.browser_rules()
    assert config["encoding"] == "form" and config["background"] is True
    assert config["names"]["prenom"] == "prenom"
    # The hand-over lines: one per territory with a welcome officer, and the programme's.
    assert "<strong>Julien Perrin</strong> (Grand Besançon Métropole) vous appellera sous 3" in page
    assert '<li data-territory="" hidden>L’équipe du programme vous appellera' in page


def test_browser_rules_keep_the_receivers_messages_and_limits():
    rules = contract.browser_rules()
    assert rules["order"] == list(contract.FIELD_ORDER)
    messages = {r["message"] for field in rules["fields"].values() for r in field}
    assert {contract.MESSAGES[n] for n in ("prenom", "email_format", "consentement")} <= messages
    (email_pattern,) = [r for r in rules["fields"]["email"] if r["rule"] == "pattern"]
    assert email_pattern["value"] == contract.EMAIL.pattern
    assert {"rule": "integer", "value": [1, 20], "message": contract.MESSAGES["adultes"]} in (
        rules["fields"]["adultes"]
    )
    too_long = contract.validate({"message": ["x" * 5001]}).errors["message"]
    assert {"rule": "max_length", "value": 5000, "message": too_long} in rules["fields"]["message"]


@pytest.mark.parametrize(
    ("signup", "expected"),
    [
        ({"encodage": "json"}, "clé(s) inconnue(s) encodage"),
        ({"encoding": "xml"}, "« xml » : attendu « form » ou « json »"),
        ({"fields": {"prénom": "first_name"}}, "« prénom » n’est pas un champ du formulaire"),
        ({"fields": {"prenom": "email"}}, "deux champs seraient envoyés sous le nom « email »"),
        ({"extra_fields": {"nom": "x"}}, "« nom » est déjà le nom d’un champ du formulaire"),
        ({"encoding": "json", "background": False}, "ne peut pas être en JSON"),
        ({"callback_days": 0}, "attendu un nombre entier de 1 à 30"),
    ],
)
def test_a_wrong_signup_setting_stops_the_build(tmp_path, signup, expected):
    result = build_site(ROOT / "pelicanconf.py", tmp_path / "output", SIGNUP=signup)
    assert not result["ok"]
    assert "SIGNUP" in result["report"] and expected in result["report"]


def test_the_privacy_page_states_the_receivers_retention_period(demo_site, tmp_path):
    page = (demo_site / "donnees-personnelles" / "index.html").read_text(encoding="utf-8")
    words = contract.retention_words(contract.RETENTION_YEARS)  # what `purge` deletes after
    assert words == "trois ans"
    assert f"conservées {words} après" in page and "[[" not in page
    # A programme that keeps sign-ups two years says so on its page, from the same setting.
    from tiny_site import tiny_settings, write_tiny_programme

    content = write_tiny_programme(tmp_path / "content")
    (content / "pages" / "donnees-personnelles.md").write_text(
        "---\ntitle: Données personnelles\n---\n\nConservées [[durée de conservation]].\n",
        encoding="utf-8",
    )
    settings = {**tiny_settings(content), "SIGNUP": {"retention_years": 2}}
    assert build_site(ROOT / "pelicanconf.py", tmp_path / "out", **settings)["ok"]
    page = (tmp_path / "out" / "donnees-personnelles" / "index.html").read_text(encoding="utf-8")
    assert "Conservées deux ans." in page

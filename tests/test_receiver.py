"""The reference receiver over real HTTP: validation, storage, redirects, CORS, spam,
limits and the CSV export (receiver/)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import free_port
from receiver_process import ReceiverProcess
from venez_vivre.receiver import contract

SITE = "http://127.0.0.1:8000"
VALID = {
    "prenom": "Claire",
    "nom": "Martin",
    "email": "claire.martin@exemple.fr",
    "telephone": "06 12 34 56 78",
    "ville_actuelle": "Paris",
    "territoires": ["grand-besancon", "dole"],
    "projet": ["teletravail", "autre"],
    "adultes": "2",
    "enfants": "1",
    "echeance": "6-12-mois",
    "message": "Bonjour, nous cherchons une maison avec jardin.",
    "consentement": "oui",
    "utm_source": "affiche",
    "utm_medium": "print",
    "utm_campaign": "automne-a-besancon",
    "utm_content": "2",
    "page": "/territoires/grand-besancon/",
    "website": "",
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def post(url, fields, headers=None, body=None, content_type=None):
    data = body if body is not None else urllib.parse.urlencode(fields, doseq=True).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", content_type or "application/x-www-form-urlencoded")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with OPENER.open(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    db = tmp_path_factory.mktemp("receiver") / "inscriptions.sqlite3"
    process = ReceiverProcess(
        db, free_port(), [SITE], min_fill_seconds=2, export_token="jeton-de-test"
    ).start()
    yield process
    process.stop()


def test_json_signup_is_stored_with_every_field_and_cors_for_the_site(receiver):
    fields = {**VALID, "_format": "json", "email": "json@exemple.fr", "_fill_ms": "45000"}
    status, headers, body = post(receiver.endpoint, fields, {"Origin": SITE})
    assert status == 200, body
    answer = json.loads(body)
    assert answer["ok"] is True
    assert headers["Access-Control-Allow-Origin"] == SITE
    (row,) = receiver.rows("email = ?", ("json@exemple.fr",))
    assert row["id"] == answer["id"]
    expected = {k: v for k, v in VALID.items() if k not in ("website", "email")}
    expected.update(territoires="grand-besancon dole", projet="teletravail autre")
    expected.update(adultes=2, enfants=1)
    assert {k: row[k] for k in expected} == expected


def test_plain_post_is_stored_and_redirected_to_the_thanks_page_of_the_site(receiver):
    fields = {**VALID, "email": "plain@exemple.fr", "_redirect": "/inscription/merci/"}
    status, headers, _ = post(receiver.endpoint, fields, {"Origin": SITE})
    assert status == 303
    assert headers["Location"] == SITE + "/inscription/merci/"
    assert len(receiver.rows("email = ?", ("plain@exemple.fr",))) == 1


@pytest.mark.parametrize(
    "redirect",
    ["https://evil.example/merci/", "//evil.example/x", "javascript:alert(1)", "/\\evil.example"],
)
def test_no_open_redirect(receiver, redirect):
    fields = {**VALID, "email": "redirect@exemple.fr", "_redirect": redirect}
    status, headers, _ = post(receiver.endpoint, fields)
    assert status == 303
    assert headers["Location"] == SITE + "/inscription/merci/"


def test_another_site_can_neither_post_nor_read(receiver):
    fields = {**VALID, "_format": "json", "email": "evil@exemple.fr"}
    status, headers, _ = post(receiver.endpoint, fields, {"Origin": "https://evil.example"})
    assert status == 403
    assert "Access-Control-Allow-Origin" not in headers
    assert receiver.rows("email = ?", ("evil@exemple.fr",)) == []


def test_errors_in_json_name_each_field_in_page_order_with_label_words(receiver):
    fields = {"_format": "json", "email": "pas-une-adresse", "telephone": "12", "adultes": "x"}
    status, headers, body = post(receiver.endpoint, fields, {"Origin": SITE})
    assert status == 422
    assert headers["Access-Control-Allow-Origin"] == SITE
    errors = json.loads(body)["errors"]
    assert [e["field"] for e in errors] == [
        "prenom",
        "nom",
        "email",
        "telephone",
        "ville_actuelle",
        "projet",
        "adultes",
        "consentement",
    ]
    messages = {e["field"]: e["message"] for e in errors}
    assert messages["email"] == contract.MESSAGES["email_format"]
    assert messages["ville_actuelle"] == "Saisissez la ville où vous habitez aujourd’hui"


def test_plain_post_with_errors_gets_the_form_back_with_every_answer(receiver):
    fields = {
        **VALID,
        "email": "faux",
        "consentement": "",
        "message": "Nous avons deux chats & un chien <3",
        "_submission_id": "abcdef0123456789",
    }
    status, headers, page = post(receiver.endpoint, fields, {"Origin": SITE})
    assert status == 422
    assert headers["Content-Type"].startswith("text/html")
    assert "Il y a un problème" in page
    assert contract.MESSAGES["email_format"] in page
    assert contract.MESSAGES["consentement"] in page
    assert 'value="Claire"' in page and 'value="faux"' in page
    assert "Nous avons deux chats &amp; un chien &lt;3</textarea>" in page
    assert 'value="automne-a-besancon"' in page and 'value="abcdef0123456789"' in page
    assert 'value="grand-besancon" checked' in page and 'value="teletravail" checked' in page
    assert receiver.rows("email = ?", ("faux",)) == []


def test_honeypot_pretends_success_and_stores_nothing(receiver):
    before = len(receiver.rows())
    fields = {**VALID, "_format": "json", "website": "http://spam.example"}
    status, _, body = post(receiver.endpoint, fields, {"Origin": SITE})
    assert (status, json.loads(body)["ok"]) == (200, True)
    status, headers, _ = post(receiver.endpoint, {**VALID, "website": "x"}, {"Origin": SITE})
    assert status == 303 and headers["Location"].endswith("/inscription/merci/")
    assert len(receiver.rows()) == before


def test_a_form_sent_faster_than_a_person_can_is_refused_and_can_be_resent(receiver):
    fields = {**VALID, "_format": "json", "email": "vite@exemple.fr", "_fill_ms": "600"}
    status, _, body = post(receiver.endpoint, fields, {"Origin": SITE})
    assert status == 422
    assert json.loads(body)["errors"] == [
        {"field": "_form", "message": contract.MESSAGES["too_fast"]}
    ]
    assert receiver.rows("email = ?", ("vite@exemple.fr",)) == []
    status, _, _ = post(receiver.endpoint, {**fields, "_fill_ms": "2500"}, {"Origin": SITE})
    assert status == 200
    assert len(receiver.rows("email = ?", ("vite@exemple.fr",))) == 1


def test_a_resend_of_the_same_form_is_stored_once(receiver):
    fields = {**VALID, "_format": "json", "email": "deux@exemple.fr", "_submission_id": "a" * 32}
    first = json.loads(post(receiver.endpoint, fields)[2])
    second = json.loads(post(receiver.endpoint, fields)[2])
    assert first["ok"] and second["ok"] and first["id"] == second["id"]
    assert len(receiver.rows("email = ?", ("deux@exemple.fr",))) == 1


def test_multipart_is_accepted_like_a_form(receiver):
    boundary = "----venezvivre"
    parts = []
    for name, value in {**VALID, "_format": "json", "email": "multi@exemple.fr"}.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'
            )
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    status, _, text = post(
        receiver.endpoint, None, body=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert status == 200, text
    (row,) = receiver.rows("email = ?", ("multi@exemple.fr",))
    assert row["territoires"] == "grand-besancon dole"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"prenom=" + b"a" * 20_000, None, 413),
        (b"prenom=%ff%fe&nom=x", None, 400),
        (b'{"prenom": "Claire"}', "application/json", 415),
        (b"--xx\r\nbroken", "multipart/form-data; boundary=xx", 400),
        (
            b'--xx\r\nContent-Disposition: form-data; name="prenom"; filename="a.txt"\r\n'
            b"Content-Type: text/plain\r\n\r\nhello\r\n--xx--\r\n",
            "multipart/form-data; boundary=xx",
            400,
        ),
    ],
    ids=["oversized", "bad-utf8", "json", "broken-multipart", "file"],
)
def test_oversized_and_malformed_bodies_get_a_4xx(receiver, body, content_type, expected):
    before = len(receiver.rows())
    status, _, _ = post(receiver.endpoint, None, body=body, content_type=content_type)
    assert status == expected
    assert len(receiver.rows()) == before


def _get(url, token=None, basic=False):
    request = urllib.request.Request(url)
    if token and basic:
        request.add_header(
            "Authorization", "Basic " + base64.b64encode(f"x:{token}".encode()).decode()
        )
    elif token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_csv_export_needs_the_token_and_filters_by_campaign(receiver):
    post(receiver.endpoint, {**VALID, "email": "autre@exemple.fr", "utm_campaign": "teletravail"})
    formula = {**VALID, "email": "f@exemple.fr", "nom": "=HYPERLINK(1)", "utm_campaign": "x"}
    post(receiver.endpoint, formula)
    assert _get(receiver.base + "/inscriptions.csv")[0] == 401
    assert _get(receiver.base + "/inscriptions.csv", "mauvais-jeton")[0] == 401
    status, everything = _get(receiver.base + "/inscriptions.csv", "jeton-de-test", basic=True)
    assert status == 200 and everything.startswith("\ufeffid;recu_le;prenom;nom;email")
    assert "autre@exemple.fr" in everything and "'=HYPERLINK(1)" in everything
    url = receiver.base + "/inscriptions.csv?campagne=automne-a-besancon"
    status, campaign = _get(url, "jeton-de-test")
    lines = campaign.strip().splitlines()
    assert status == 200 and len(lines) > 1
    assert all(";automne-a-besancon;" in line for line in lines[1:])
    assert "autre@exemple.fr" not in campaign


def test_csv_export_is_off_without_a_token(tmp_path):
    process = ReceiverProcess(tmp_path / "db.sqlite3", free_port(), [SITE]).start()
    try:
        assert _get(process.base + "/inscriptions.csv", "anything")[0] == 404
    finally:
        process.stop()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"prenom": " "}, "prenom", "Saisissez votre prénom"),
        ({"email": "a@b"}, "email", contract.MESSAGES["email_format"]),
        ({"telephone": "0612"}, "telephone", contract.MESSAGES["telephone_format"]),
        ({"projet": ["piscine"]}, "projet", "Choisissez au moins un projet"),
        ({"projet": []}, "projet", "Choisissez au moins un projet"),
        ({"territoires": ["Besançon"]}, "territoires", contract.MESSAGES["territoires"]),
        ({"adultes": "0"}, "adultes", contract.MESSAGES["adultes"]),
        ({"enfants": "21"}, "enfants", contract.MESSAGES["enfants"]),
        ({"echeance": "demain"}, "echeance", contract.MESSAGES["echeance"]),
        ({"consentement": "on"}, "consentement", contract.MESSAGES["consentement"]),
        (
            {"message": "x" * 5001},
            "message",
            "Le message doit faire 5\u202f000 caractères ou moins",
        ),
    ],
)
def test_validation_messages(changes, field, message):
    verdict = contract.validate({**VALID, **changes})
    assert verdict.errors == {field: message}


def test_validation_keeps_a_valid_signup_whole():
    verdict = contract.validate({**VALID, "page": "https://evil.example/"})
    assert verdict.ok
    assert verdict.signup.territoires == ["grand-besancon", "dole"]
    assert verdict.signup.page == ""  # only a path of the site is kept

"""The reference receiver over real HTTP: validation, storage, redirects, CORS, spam,
limits, bad input and faults, the per-territory CSV export and the statistics
(receiver/). E-mail: test_receiver_mail.py; PostgreSQL: test_receiver_postgres.py."""

from __future__ import annotations

import base64
import http.client
import json
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from receiver_process import ReceiverProcess
from venez_vivre.receiver import contract, stats
from venez_vivre.receiver.testing import wait_for

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


TERRITORIES = {
    "grand-besancon": {
        "title": "Grand Besançon Métropole",
        "department": "Doubs",
        "welcome_officer": {"name": "Luc Girard", "email": "luc@besancon.example", "phone": ""},
    },
    "dole": {
        "title": "Grand Dole",
        "department": "Jura",
        "welcome_officer": {"name": "Inès Roy", "email": "ines@dole.example", "phone": ""},
    },
    "morvan": {
        "title": "Parc naturel régional du Morvan",
        "department": "Nièvre",
        "welcome_officer": {"name": "Anne Bonnot", "email": "anne@morvan.example", "phone": ""},
    },
    "macon": {"title": "Mâconnais-Beaujolais", "department": "Saône-et-Loire",
              "welcome_officer": None},
}  # fmt: skip
SITE_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Je m’inscris — Venez vivre</title>
<link rel="canonical" href="/inscription/">
<link rel="stylesheet" href="/theme/css/site.0123abcd.css">
<script src="/theme/js/site.js" defer></script></head>
<body><header class="site-header"><a class="brand" href="/">Venez vivre en Test</a>
<nav><a href="/inscription/" aria-current="page">Je m’inscris</a></nav></header>
<main id="contenu" tabindex="-1"><h1>Formulaire du site</h1></main>
<footer class="site-footer">Pied de page du site</footer></body></html>"""


def write_site(directory):
    """What the site publishes under /inscription/: the territories file and the
    signup page whose frame the receiver's pages reuse."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "territoires.json").write_text(json.dumps(TERRITORIES), encoding="utf-8")
    (directory / "index.html").write_text(SITE_PAGE, encoding="utf-8")
    return directory / "territoires.json"


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("receiver")
    territories = write_site(tmp / "site" / "inscription")
    process = ReceiverProcess(
        tmp / "inscriptions.sqlite3",
        0,
        [SITE],
        min_fill_seconds=2,
        args=["--territories", territories],
    ).start()
    process.programme_token = process.token("--all", "--label", "Équipe du programme")
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
    assert row["public_id"] == answer["id"]
    expected = {k: v for k, v in VALID.items() if k not in ("website", "email")}
    expected.update(territoires="grand-besancon dole", projet="teletravail autre")
    expected.update(adultes=2, enfants=1)
    assert {k: row[k] for k in expected} == expected


def test_the_event_a_person_registers_for_is_stored_and_a_bad_one_refused(receiver):
    fields = {**VALID, "email": "event@exemple.fr", "evenement": "week-end-decouverte-morvan"}
    status, _, body = post(receiver.endpoint, {**fields, "_format": "json"}, {"Origin": SITE})
    assert status == 200, body
    (row,) = receiver.rows("email = ?", ("event@exemple.fr",))
    assert row["evenement"] == "week-end-decouverte-morvan"
    bad = {**fields, "email": "event2@exemple.fr", "evenement": "Week-end <b>", "_format": "json"}
    status, _, body = post(receiver.endpoint, bad, {"Origin": SITE})
    assert status == 422
    assert json.loads(body)["errors"][0]["field"] == "evenement"


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


def test_csv_export_needs_a_token_and_filters_by_campaign(receiver):
    post(receiver.endpoint, {**VALID, "email": "autre@exemple.fr", "utm_campaign": "teletravail"})
    formula = {**VALID, "email": "f@exemple.fr", "nom": "=HYPERLINK(1)", "utm_campaign": "x"}
    post(receiver.endpoint, formula)
    token = receiver.programme_token
    assert _get(receiver.base + "/inscriptions.csv")[0] == 401
    assert _get(receiver.base + "/inscriptions.csv", "mauvais-jeton")[0] == 401
    status, everything = _get(receiver.base + "/inscriptions.csv", token, basic=True)
    assert status == 200
    assert everything.startswith("\ufeffreference;recu_le;dernier_contact;prenom;nom;email")
    assert "autre@exemple.fr" in everything and "'=HYPERLINK(1)" in everything
    url = receiver.base + "/inscriptions.csv?campagne=automne-a-besancon"
    status, campaign = _get(url, token)
    lines = campaign.strip().splitlines()
    assert status == 200 and len(lines) > 1
    assert all(";automne-a-besancon;" in line for line in lines[1:])
    assert "autre@exemple.fr" not in campaign


def test_a_territory_token_sees_only_the_signups_that_chose_its_territories(receiver):
    for email, chosen in (
        ("seul-morvan@exemple.fr", ["morvan"]),
        ("morvan-et-dole@exemple.fr", ["morvan", "dole"]),
        ("seul-dole@exemple.fr", ["dole"]),
        ("aucun@exemple.fr", []),
    ):
        assert post(receiver.endpoint, {**VALID, "email": email, "territoires": chosen})[0] == 303
    anne = receiver.token("--territory", "morvan", "--label", "Anne Bonnot")
    status, body = _get(receiver.base + "/inscriptions.csv", anne)
    assert status == 200
    emails = {line.split(";")[5] for line in body.strip().splitlines()[1:]}
    assert emails == {"seul-morvan@exemple.fr", "morvan-et-dole@exemple.fr"}
    both = receiver.token("--territory", "morvan", "--territory", "dole", "--label", "Nord")
    emails = {line.split(";")[5] for line in _get(receiver.base + "/inscriptions.csv", both)[1]
              .strip().splitlines()[1:]}  # fmt: skip
    assert "seul-dole@exemple.fr" in emails and "aucun@exemple.fr" not in emails
    assert "seul-morvan@exemple.fr" in emails
    # A territory token cannot read the programme's statistics either.
    assert _get(receiver.base + "/stats.json", anne)[0] == 403


def test_tokens_are_stored_as_hashes_listed_logged_and_revocable(receiver):
    secret = receiver.token("--territory", "dole", "--label", "Inès Roy")
    assert len(secret) >= 40
    with sqlite3.connect(receiver.db) as connection:
        stored_values = [v for row in connection.execute("SELECT * FROM tokens") for v in row]
    assert secret not in stored_values
    listing = receiver.cli("token", "list").stdout
    (line,) = [line for line in listing.splitlines() if "Inès Roy" in line]
    token_id = line.split("\t")[0]
    assert "dole" in line and "actif" in line
    _status, body = _get(receiver.base + "/inscriptions.csv", secret)
    rows = len(body.strip().splitlines()) - 1
    log = receiver.cli("exports").stdout.splitlines()
    assert any(f"\t{token_id}\tInès Roy\tinscriptions.csv\t\t{rows}" in entry for entry in log)
    assert receiver.cli("token", "revoke", token_id).stdout.startswith(f"Jeton n° {token_id}")
    assert _get(receiver.base + "/inscriptions.csv", secret)[0] == 401
    assert "révoqué" in receiver.cli("token", "list").stdout


def test_token_add_refuses_a_misspelt_territory_and_a_missing_scope(receiver, tmp_path):
    territories = write_site(tmp_path / "inscription")
    result = receiver.cli(
        "token", "add", "--territory", "morvn", "--label", "X", "--territories",
        str(territories), check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "morvn" in result.stderr
    result = receiver.cli("token", "add", "--label", "X", check=False)
    assert result.returncode == 2 and "--all" in result.stderr


def test_export_answers_are_not_stored_by_any_cache(receiver):
    request = urllib.request.Request(receiver.base + "/inscriptions.csv")
    request.add_header("Authorization", f"Bearer {receiver.programme_token}")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.headers["Cache-Control"] == "no-store"
    try:
        urllib.request.urlopen(receiver.base + "/inscriptions.csv", timeout=10)
    except urllib.error.HTTPError as error:
        assert error.headers["Cache-Control"] == "no-store"


def test_wrong_tokens_are_rate_limited_even_a_right_one_after_too_many(tmp_path):
    process = ReceiverProcess(tmp_path / "db.sqlite3", 0, [SITE]).start()
    try:
        good = process.token("--all", "--label", "Programme")
        statuses = [_get(process.base + "/inscriptions.csv", "x" * 43)[0] for _ in range(12)]
        assert statuses[:10] == [401] * 10
        assert statuses[10:] == [429, 429]
        assert _get(process.base + "/inscriptions.csv", good)[0] == 429  # the window holds
        assert _get(process.base + "/inscriptions.csv", "abc")[0] == 429
    finally:
        process.stop()


def test_a_short_token_is_never_accepted(receiver):
    with sqlite3.connect(receiver.db) as connection:  # even one planted in the table
        connection.execute(
            "INSERT INTO tokens (label, token_hash, all_territories, territories, created_at) "
            "VALUES ('court', ?, 1, '', '2026-01-01')",
            (__import__("hashlib").sha256(b"abc").hexdigest(),),
        )
    assert _get(receiver.base + "/inscriptions.csv", "abc")[0] == 401


def test_an_export_of_60000_rows_does_not_hold_up_a_signup(receiver):
    names = ", ".join(("public_id", "received_at", "last_contact", "prenom", "nom", "email"))
    with sqlite3.connect(receiver.db) as connection:
        connection.executemany(
            f"INSERT INTO signups ({names}, projet, consentement) VALUES (?, ?, ?, ?, ?, ?, "
            "'emploi', 'oui')",
            (
                (f"bulk{n}", "2026-01-01T00:00:00+00:00", "2026-01-01", "P", "N", f"{n}@x.fr")
                for n in range(60_000)
            ),
        )
    order = []
    sent = threading.Event()

    def export():
        connection = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=60)
        headers = {"Authorization": f"Bearer {receiver.programme_token}"}
        connection.request("GET", "/inscriptions.csv", headers=headers)
        sent.set()  # the export request is with the receiver
        answer = connection.getresponse()
        body = answer.read()
        order.append(("export", answer.status, body.count(b"\n")))

    thread = threading.Thread(target=export)
    thread.start()
    sent.wait(30)
    status, _, _ = post(receiver.endpoint, {**VALID, "email": "pendant@exemple.fr"})
    order.append(("signup", status))
    thread.join(60)
    assert order[0] == ("signup", 303)  # answered while the export was being read
    assert order[1][:2] == ("export", 200) and order[1][2] > 60_000


def test_stats_json_counts_without_any_personal_data(receiver):
    status, body = _get(receiver.base + "/stats.json", receiver.programme_token)
    assert status == 200
    counts = json.loads(body)
    assert set(counts) == {"generated_at", "total", "by_campaign", "by_territory", "by_day"}
    assert counts == {**stats.signup_counts(receiver.db), "generated_at": counts["generated_at"]}
    with sqlite3.connect(receiver.db) as connection:
        total = connection.execute("SELECT count(*) FROM signups").fetchone()[0]
        poster_2 = connection.execute(
            "SELECT count(*) FROM signups WHERE utm_campaign = 'automne-a-besancon' "
            "AND utm_content = '2'"
        ).fetchone()[0]
        morvan = connection.execute(
            "SELECT count(*) FROM signups WHERE ' ' || territoires || ' ' LIKE '% morvan %'"
        ).fetchone()[0]
        emails = [r[0] for r in connection.execute("SELECT email FROM signups")]
    assert counts["total"] == total and poster_2 > 0
    assert counts["by_campaign"]["automne-a-besancon"]["2"] == poster_2
    assert counts["by_territory"]["morvan"] == morvan
    assert sum(counts["by_day"].values()) == total
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", counts["generated_at"])
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", day) for day in counts["by_day"])
    assert not any(email in body for email in emails[:50])


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


# --- The probes of issue 14: bad input and faults ------------------------------------


def multipart(fields: dict, charset: dict | None = None) -> tuple[bytes, str]:
    boundary = "----venezvivre"
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            kind = ""
            if charset and name in charset:
                kind = f"Content-Type: text/plain; charset={charset[name]}\r\n"
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n{kind}\r\n'
                f"{item}\r\n"
            )
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("value", ["²", "³", "٣", "２", "1²"])
def test_a_superscript_or_non_ascii_digit_is_a_validation_error_never_a_500(receiver, value):
    fields = {**VALID, "_format": "json", "email": "exposant@exemple.fr", "adultes": value}
    for _resend in range(2):
        status, _, body = post(receiver.endpoint, fields, {"Origin": SITE})
        assert status == 422, body
        assert json.loads(body)["errors"] == [
            {"field": "adultes", "message": contract.MESSAGES["adultes"]}
        ]
    status, _, body = post(receiver.endpoint, {**fields, "adultes": "2", "enfants": value})
    assert status == 422 and json.loads(body)["errors"][0]["field"] == "enfants"


@pytest.mark.parametrize("charset", ["unicode_escape", "latin-1", "utf-16", "raw_unicode_escape"])
def test_a_part_in_another_charset_than_utf8_is_refused(receiver, charset):
    fields = {**VALID, "_format": "json", "email": f"{charset}@exemple.fr", "prenom": "\\ud800"}
    body, content_type = multipart(fields, {"prenom": charset})
    status, _headers, text = post(receiver.endpoint, None, body=body, content_type=content_type)
    assert status == 400, text
    assert receiver.rows("email = ?", (f"{charset}@exemple.fr",)) == []


def test_a_body_declared_in_another_charset_is_refused(receiver):
    body = urllib.parse.urlencode({**VALID, "email": "latin@exemple.fr"}, doseq=True).encode()
    ctype = "application/x-www-form-urlencoded; charset=iso-8859-1"
    status, headers, page = post(receiver.endpoint, None, body=body, content_type=ctype)
    assert status == 400 and "UTF-8" in page
    assert headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("prenom", "Cl\x00aire", "Le prénom"),
        ("message", "Bonjour\x1b[31m", "Le message"),
        ("utm_campaign", "x\x00", "Le champ technique « utm_campaign »"),
    ],
)
def test_text_that_cannot_be_stored_gets_a_400_naming_the_field(receiver, field, value, label):
    fields = {**VALID, "_format": "json", "email": "controle@exemple.fr", field: value}
    status, _, body = post(receiver.endpoint, fields, {"Origin": SITE})
    assert status == 400
    assert json.loads(body)["errors"] == [
        {"field": field, "message": contract.MESSAGES["unstorable"].format(label=label)}
    ]
    # A plain POST gets the correction page, the rest of the answers kept.
    del fields["_format"]
    status, headers, page = post(receiver.endpoint, fields, {"Origin": SITE})
    assert status == 400 and headers["Content-Type"].startswith("text/html")
    assert "Corrigez votre inscription" in page and label in page and 'value="Martin"' in page
    assert receiver.rows("email = ?", ("controle@exemple.fr",)) == []


def test_a_lone_surrogate_is_named_by_the_contract():
    assert contract.unstorable_fields({"nom": ["Mar\ud800tin"], "prenom": ["Claire"]}) == {
        "nom": contract.MESSAGES["unstorable"].format(label="Le nom")
    }


@pytest.mark.parametrize("as_json", [True, False])
def test_origin_null_is_refused(receiver, as_json):
    fields = {**VALID, "email": "null@exemple.fr", **({"_format": "json"} if as_json else {})}
    headers = {"Origin": "null", **({"Accept": "application/json"} if as_json else {})}
    status, answer_headers, body = post(receiver.endpoint, fields, headers)
    assert status == 403
    if as_json:
        assert json.loads(body)["ok"] is False
    else:
        assert answer_headers["Content-Type"].startswith("text/html")
        assert "n’est accepté que depuis le site du programme" in body
    assert receiver.rows("email = ?", ("null@exemple.fr",)) == []


def test_the_honeypot_answer_is_the_same_as_a_real_one(receiver):
    real = post(receiver.endpoint, {**VALID, "_format": "json", "email": "vrai@exemple.fr"})
    trap = post(
        receiver.endpoint,
        {**VALID, "_format": "json", "email": "piege@exemple.fr", "website": "spam"},
    )
    assert real[0] == trap[0] == 200
    ignore = {"Date", "Content-Length"}
    assert {k: v for k, v in real[1].items() if k not in ignore} == {
        k: v for k, v in trap[1].items() if k not in ignore
    }
    real_id, trap_id = json.loads(real[2])["id"], json.loads(trap[2])["id"]
    assert set(json.loads(real[2])) == set(json.loads(trap[2])) == {"ok", "id"}
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", real_id) and re.fullmatch(
        r"[A-Za-z0-9_-]{16}", trap_id
    )
    assert receiver.rows("email = ?", ("piege@exemple.fr",)) == []


def test_public_ids_are_random_not_a_count(receiver):
    ids = [
        json.loads(post(receiver.endpoint, {**VALID, "_format": "json", "email": f"{n}@id.fr"})[2])[
            "id"
        ]
        for n in range(3)
    ]
    assert len(set(ids)) == 3
    assert not any(i.isdigit() for i in ids)
    assert {r["public_id"] for r in receiver.rows("email LIKE '%@id.fr'")} == set(ids)


def test_one_address_is_limited_and_the_answer_is_french(tmp_path):
    process = ReceiverProcess(tmp_path / "db.sqlite3", 0, [SITE], ip_limit=3).start()
    try:
        statuses = []
        for n in range(3):
            statuses.append(post(process.endpoint, {**VALID, "email": f"{n}@ip.fr"})[0])
        honeypot = {**VALID, "_format": "json", "email": "h@ip.fr", "website": "x"}
        statuses.append(post(process.endpoint, honeypot)[0])
        status, headers, page = post(process.endpoint, {**VALID, "email": "trop@ip.fr"})
        assert statuses == [303, 303, 303, 429]  # the honeypot counts too
        assert status == 429 and int(headers["Retry-After"]) > 0
        assert headers["Content-Type"].startswith("text/html") and '<html lang="fr">' in page
        assert "Trop d’inscriptions" in page
        assert len(process.rows()) == 3
    finally:
        process.stop()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [
        (b"prenom=" + b"a" * 20_000, None, 413, "trop volumineux"),
        (b"prenom=%ff%fe&nom=x", None, 400, "UTF-8"),
        (b'{"prenom": "Claire"}', "application/json", 415, "formulaire HTML"),
        (b"--xx\r\nbroken", "multipart/form-data; boundary=xx", 400, "illisible"),
    ],
    ids=["oversized", "bad-utf8", "json", "broken-multipart"],
)
def test_a_plain_post_failure_is_a_french_page_never_json(
    receiver, body, content_type, status, words
):
    got, headers, page = post(receiver.endpoint, None, body=body, content_type=content_type)
    assert got == status
    assert headers["Content-Type"].startswith("text/html")
    assert '<html lang="fr">' in page and words in page
    assert "Venez vivre en Test" in page  # the site's own header
    assert headers["Cache-Control"] == "no-store"


def test_the_correction_page_shows_labels_and_looks_like_the_site(receiver):
    fields = {**VALID, "email": "faux", "territoires": ["morvan", "macon"], "projet": ["etudes"]}
    status, headers, page = post(receiver.endpoint, fields, {"Origin": SITE})
    assert status == 422
    assert ">Parc naturel régional du Morvan</label>" in page
    assert ">Mâconnais-Beaujolais</label>" in page
    assert ">morvan</label>" not in page and 'value="morvan" checked' in page
    assert ">Faire mes études</label>" in page and 'value="etudes" checked' in page
    # The site's frame: its fingerprinted stylesheet, header and footer; none of its scripts.
    assert f'href="{SITE}/theme/css/site.0123abcd.css"' in page
    assert "Venez vivre en Test" in page and "Pied de page du site" in page
    assert "<script" not in page and "Formulaire du site" not in page
    assert "<title>Erreur : corrigez votre inscription</title>" in page
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and f"style-src {SITE}" in policy


def test_a_store_that_cannot_write_stops_the_receiver_at_start(tmp_path):
    import resource
    import subprocess
    import sys

    db = tmp_path / "db.sqlite3"
    ReceiverProcess(db, 0, [SITE]).cli("token", "list")  # creates the store

    def no_writes():  # as a full disk would (works for root too, unlike chmod)
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "venez_vivre.receiver",
            "--db",
            str(db),
            "--origin",
            SITE,
            "--port",
            "0",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        preexec_fn=no_writes,
    )
    assert result.returncode == 2
    assert "le stockage des inscriptions" in result.stderr and "inutilisable" in result.stderr
    assert "Récepteur des inscriptions sur" not in result.stdout


def test_a_wrong_method_or_address_is_answered_in_french(receiver):
    status, page = _get_page(receiver.endpoint)
    assert status == 405 and '<html lang="fr">' in page
    assert "s’envoie avec la méthode POST" in page
    status, page = _get_page(receiver.base + "/nulle-part")
    assert status == 404 and "n’existe pas" in page


def _get_page(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_sighup_reloads_the_territories_after_a_publish(tmp_path):
    import signal

    site = tmp_path / "site" / "inscription"
    territories = write_site(site)
    process = ReceiverProcess(
        tmp_path / "db.sqlite3", 0, [SITE], args=["--territories", territories]
    ).start()
    try:
        fields = {**VALID, "email": "faux", "territoires": ["morvan"]}
        assert ">Parc naturel régional du Morvan</label>" in post(process.endpoint, fields)[2]
        renamed = {**TERRITORIES, "morvan": {**TERRITORIES["morvan"], "title": "Morvan (PNR)"}}
        territories.write_text(json.dumps(renamed), encoding="utf-8")
        process.process.send_signal(signal.SIGHUP)
        wait_for(lambda: "territories reloaded" in process.output(), what="the reload")
        assert ">Morvan (PNR)</label>" in post(process.endpoint, fields)[2]
        territories.write_text("{pas du json", encoding="utf-8")  # a publish half done
        process.process.send_signal(signal.SIGHUP)
        wait_for(lambda: "not reloaded" in process.output(), what="the refused reload")
        assert ">Morvan (PNR)</label>" in post(process.endpoint, fields)[2]
    finally:
        process.stop()

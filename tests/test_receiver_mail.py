"""Every sign-up reaches its territory's welcome officer by e-mail: a real SMTP server
(aiosmtpd on loopback), the real receiver in its own process, its durable outbox
through an SMTP outage and a SIGKILL (receiver/outbox.py)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from receiver_process import ReceiverProcess
from test_receiver import SITE, VALID, post
from venez_vivre.receiver.testing import SmtpServer, wait_for

PROGRAMME = "programme@venez-vivre.test"
TERRITORIES = {
    "morvan": {
        "title": "Parc naturel régional du Morvan",
        "department": "Nièvre",
        "welcome_officer": {"name": "Anne Bonnot", "email": "anne@morvan.test", "phone": "03"},
    },
    "dole": {
        "title": "Grand Dole",
        "department": "Jura",
        "welcome_officer": {"name": "Inès Roy", "email": "ines@jura.test", "phone": ""},
    },
    "lons-le-saunier": {
        "title": "Lons-le-Saunier",
        "department": "Jura",
        "welcome_officer": {"name": "Inès Roy", "email": "ines@jura.test", "phone": ""},
    },
    "macon": {"title": "Mâconnais-Beaujolais", "department": "Saône-et-Loire",
              "welcome_officer": None},
}  # fmt: skip


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer().start()
    yield server
    server.close()


def start_receiver(tmp_path, smtp, db=None) -> ReceiverProcess:
    territories = tmp_path / "territoires.json"
    territories.write_text(json.dumps(TERRITORIES), encoding="utf-8")
    args = [
        "--territories", territories, "--smtp", smtp.url,
        "--mail-from", "Venez vivre <inscriptions@venez-vivre.test>",
        "--fallback-officer", PROGRAMME, "--programme", "Venez vivre en Test", "--confirm",
        "--smtp-retry-base", "0.2", "--smtp-retry-max", "1", "--outbox-poll", "0.2",
    ]  # fmt: skip
    return ReceiverProcess(db or tmp_path / "db.sqlite3", 0, [SITE], args=args).start()


@pytest.fixture
def receiver(tmp_path, smtp):
    smtp.clear()
    process = start_receiver(tmp_path, smtp)
    yield process
    process.stop()


def signup(receiver, email, territories, **more) -> str:
    fields = {**VALID, "_format": "json", "email": email, "territoires": territories, **more}
    status, _, body = post(receiver.endpoint, fields, {"Origin": SITE})
    assert status == 200, body
    return json.loads(body)["id"]


def outbox(db) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT message_id, recipient, sent_at, attempts FROM outbox ORDER BY id"
        ).fetchall()


def all_sent(db) -> bool:
    rows = outbox(db)
    return bool(rows) and all(r[2] for r in rows)


def test_officers_get_exactly_the_expected_mails_in_french_with_labels(receiver, smtp):
    public_id = signup(
        receiver, "claire@exemple.fr", ["morvan", "dole", "lons-le-saunier", "macon"]
    )
    wait_for(lambda: all_sent(receiver.db), what="the outbox to be sent")
    wait_for(lambda: len(smtp.received()) >= 4, what="4 mails")
    by_recipient = {}
    for recipient, message in smtp.messages:
        by_recipient.setdefault(recipient, []).append(message)
    # One mail per officer (Inès has two of the chosen territories: one mail naming both),
    # the programme for the territory without an officer, a confirmation to the person.
    assert sorted((r, len(m)) for r, m in by_recipient.items()) == [
        ("anne@morvan.test", 1),
        ("claire@exemple.fr", 1),
        ("ines@jura.test", 1),
        (PROGRAMME, 1),
    ]
    (anne,) = by_recipient["anne@morvan.test"]
    assert (
        anne["Subject"]
        == "Nouvelle inscription pour Parc naturel régional du Morvan : Claire Martin"
    )
    assert anne["Reply-To"].addresses[0].addr_spec == "claire@exemple.fr"
    assert anne["Message-ID"].startswith(f"<{public_id}.") and anne["Message-ID"].endswith(
        "@venez-vivre.test>"
    )
    text = anne.get_body(("plain",)).get_content()
    html = anne.get_body(("html",)).get_content()
    assert text.startswith("Bonjour Anne Bonnot,")
    chosen = "Parc naturel régional du Morvan, Grand Dole, Lons-le-Saunier, Mâconnais-Beaujolais"
    assert f"Territoires choisis : {chosen}" in text
    assert "Projet : Continuer mon travail en télétravail, Un autre projet" in text
    assert "Échéance : Dans 6 à 12 mois" in text
    assert "Téléphone : 06 12 34 56 78" in text and "nous cherchons une maison avec jardin" in text
    assert f"Référence : {public_id}" in text
    assert "morvan" not in text.replace("/territoires/grand-besancon/", "").replace(
        "morvan.test", ""
    )
    assert chosen in html and "<img" not in html and "http" not in html.split("<body")[1]
    (ines,) = by_recipient["ines@jura.test"]
    assert (
        ines["Subject"] == "Nouvelle inscription pour Grand Dole et Lons-le-Saunier : Claire Martin"
    )
    (programme,) = by_recipient[PROGRAMME]
    assert "Mâconnais-Beaujolais" in programme.get_body(("plain",)).get_content()
    assert programme["Subject"] == "Nouvelle inscription à orienter : Claire Martin"
    (confirmation,) = by_recipient["claire@exemple.fr"]
    words = confirmation.get_body(("plain",)).get_content()
    assert words.startswith("Bonjour Claire,")
    assert "Anne Bonnot (Parc naturel régional du Morvan)" in words
    assert "Inès Roy (Grand Dole et Lons-le-Saunier)" in words
    ids = [m["Message-ID"] for m in smtp.received()]
    assert len(set(ids)) == 4


def test_no_territory_goes_to_the_programme_and_a_resend_mails_nobody_again(receiver, smtp):
    fields = {"_submission_id": "resend-" + uuid.uuid4().hex}
    first = signup(receiver, "sans@exemple.fr", [], **fields)
    wait_for(lambda: all_sent(receiver.db) and len(smtp.received()) >= 2, what="2 mails")
    second = signup(receiver, "sans@exemple.fr", [], **fields)  # a lost answer, resent
    assert first == second
    assert len(outbox(receiver.db)) == 2  # nothing more queued
    assert sorted(r for r, _ in smtp.messages) == [PROGRAMME, "sans@exemple.fr"]
    body = smtp.received(PROGRAMME)[0].get_body(("plain",)).get_content()
    assert "n’a choisi aucun territoire" in body


def send_burst(receiver, count, prefix, territories=("morvan",)) -> list[str]:
    with ThreadPoolExecutor(8) as pool:
        return list(
            pool.map(
                lambda n: signup(receiver, f"{prefix}{n}@exemple.fr", list(territories)),
                range(count),
            )
        )


def test_smtp_down_for_10_seconds_every_mail_arrives_once_after(receiver, smtp):
    smtp.stop()
    stopped = time.monotonic()
    try:
        ids = send_burst(receiver, 40, "panne")
        # Each sign-up is answered while mail cannot go: the outbox holds its two mails.
        wait_for(
            lambda: sum(1 for r in outbox(receiver.db) if r[3] >= 1) >= 40,
            what="delivery attempts to fail",
        )
        assert not any(r[2] for r in outbox(receiver.db))
        time.sleep(max(0.0, 10 - (time.monotonic() - stopped)))  # the outage lasts 10 s
    finally:
        smtp.start()
    wait_for(lambda: all_sent(receiver.db), timeout=90, what="the outbox to drain")
    wait_for(lambda: len(smtp.received()) >= 80, what="80 mails")
    message_ids = [m["Message-ID"] for m in smtp.received()]
    assert len(message_ids) == 80 and len(set(message_ids)) == 80
    assert {mid.split(".")[0][1:] for mid in message_ids} == set(ids)
    assert sorted({r for r, _ in smtp.messages if r.endswith("morvan.test")}) == [
        "anne@morvan.test"
    ]
    assert max(r[3] for r in outbox(receiver.db)) >= 2  # retried, not lost


def test_sigkill_mid_burst_loses_no_answered_signup_and_no_queued_mail(tmp_path, smtp):
    smtp.clear()
    receiver = start_receiver(tmp_path, smtp)
    answered: list[str] = []
    stop = threading.Event()

    def client(worker: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            fields = {**VALID, "_format": "json", "email": f"k{worker}-{n}@exemple.fr"}
            fields["territoires"] = ["morvan"]
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            try:
                status, _, text = post(receiver.endpoint, None, body=body)
            except OSError:
                return  # the receiver is gone
            if status == 200:
                answered.append(json.loads(text)["id"])

    threads = [threading.Thread(target=client, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: len(answered) >= 60, what="60 answered sign-ups")
        receiver.kill()
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    with sqlite3.connect(receiver.db) as connection:
        stored = {r[0] for r in connection.execute("SELECT public_id FROM signups")}
        queued = connection.execute(
            "SELECT s.public_id, count(o.id) FROM signups s LEFT JOIN outbox o "
            "ON o.signup_id = s.id GROUP BY s.id"
        ).fetchall()
    assert set(answered) <= stored  # every answered sign-up is on disk
    assert {n for _, n in queued} == {2}  # each with its two mails (officer, confirmation)

    receiver.start()  # the same store: the outbox resumes
    try:
        wait_for(lambda: all_sent(receiver.db), timeout=90, what="the outbox to drain")
        expected = {r[0] for r in outbox(receiver.db)}
        wait_for(
            lambda: expected <= {m["Message-ID"] for m in smtp.received()},
            what="every queued mail",
        )
        received = [m["Message-ID"] for m in smtp.received()]
        assert set(received) == expected
        # Sent twice only if the kill fell between the server's "250" and the "sent"
        # mark: at most the one batch in flight, never more.
        assert len(received) - len(expected) <= 20
    finally:
        receiver.stop()


def test_a_line_break_in_a_name_cannot_add_a_header():
    import email.policy
    from datetime import UTC, datetime
    from email import message_from_string

    from venez_vivre.receiver import contract, outbox
    from venez_vivre.receiver.territories import Territories

    fields = {**VALID, "prenom": "Zoé\r\nBcc: espion@exemple.fr", "territoires": ["morvan"]}
    signup = contract.validate(fields).signup
    settings = outbox.MailSettings(sender="Venez vivre <i@venez-vivre.test>", confirm=True)
    mails = outbox.route(signup, "abcdefghijklmnop", Territories.parse(TERRITORIES), settings)
    assert [m.recipient for m in mails] == ["anne@morvan.test", "claire.martin@exemple.fr"]
    for mail in mails:
        text = outbox.render(
            json.loads(mail.context), signup, "abcdefghijklmnop", datetime.now(UTC)
        )
        message = message_from_string(text, policy=email.policy.default)
        assert message["Bcc"] is None and message["Message-ID"] == mail.message_id
        assert all(len(line) <= 998 for line in text.split("\r\n"))

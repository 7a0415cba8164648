"""E-mail: who is told of a sign-up, what they read, and the durable outbox sender.

Routing: one e-mail to each chosen territory's welcome officer (one per address: an
officer of two chosen territories gets one mail naming both), or to the programme's
fallback officer when no territory is chosen or a chosen one has no officer; optionally
a confirmation to the person saying who will call. The mails are rendered when the
sign-up is accepted and written to the `outbox` table in the sign-up's own transaction
(receiver/store.py): a sign-up answered "stored" always has its mails queued.

Sending: each receiver process runs one `Sender`. It claims due messages (a lease:
`claimed_by`/`claimed_until`, taken with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
several receivers sharing one database never claim the same message), sends them over
SMTP, and marks each sent. A server that is down or answers 4xx is retried with
exponential backoff; a 5xx refusal marks the message failed (kept, listed by
`python -m receiver outbox`, resent by `outbox retry`). The Message-ID is derived from
the sign-up's public id and the recipient, so it is the same on every attempt: the one
case where a mail can go twice (a crash between the SMTP server's "250 OK" and the
"sent" mark) is recognisable as a duplicate by any mail client.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import random
import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parseaddr
from functools import cached_property
from html import escape
from urllib.parse import unquote, urlsplit

from . import contract
from .db import COLUMNS, Connection, Database, now_iso
from .store import Mail
from .territories import Territories

logger = logging.getLogger("receiver.mail")

PROJECT_LABELS = dict(contract.PROJECTS)
TIMING_LABELS = dict(contract.TIMINGS)
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


@dataclass(frozen=True)
class MailSettings:
    sender: str  # "Venez vivre <inscriptions@example.org>"
    fallback_officer: str = ""  # the programme's address, when no officer is known
    programme: str = "le programme"
    confirm: bool = False  # also write to the person

    @cached_property
    def sender_address(self) -> list[str]:
        return list(parseaddr(self.sender))

    @cached_property
    def fallback_address(self) -> list[str]:
        return list(parseaddr(self.fallback_officer))


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


def message_id(public_id: str, kind: str, recipient: str, sender: str) -> str:
    """The same for every attempt at one mail: the sign-up's public id and a digest of
    the recipient, at the sender's domain (`sender`: an address or "Name <address>")."""
    digest = hashlib.sha256(f"{kind}\0{recipient.lower()}".encode()).hexdigest()[:16]
    return f"<{public_id}.{digest}@{_domain(sender)}>"


def _french_date(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} à {moment:%H:%M} (UTC)"


def _answers(signup: contract.Signup, titles: list[str]) -> list[tuple[str, str]]:
    """The person's answers in the form's words, labels never slugs."""
    rows = [
        ("Prénom", signup.prenom),
        ("Nom", signup.nom),
        ("Adresse e-mail", signup.email),
        ("Téléphone", signup.telephone or "non indiqué"),
        ("Ville actuelle", signup.ville_actuelle),
        (
            "Territoires choisis",
            ", ".join(titles) or "aucun",
        ),
        # The event's page on the site (the receiver knows territories, not events).
        ("Événement", f"/evenements/{signup.evenement}/" if signup.evenement else ""),
        ("Projet", ", ".join(PROJECT_LABELS.get(p, p) for p in signup.projet)),
        ("Adultes", "" if signup.adultes is None else str(signup.adultes)),
        ("Enfants", "" if signup.enfants is None else str(signup.enfants)),
        ("Échéance", TIMING_LABELS.get(signup.echeance, "")),
    ]
    campaign = signup.utm_campaign
    if campaign:
        if signup.utm_content:
            campaign += f" (affiche ou visuel n° {signup.utm_content})"
        if signup.utm_source or signup.utm_medium:
            campaign += f", {signup.utm_source or '?'} / {signup.utm_medium or '?'}"
    rows.append(("Campagne", campaign))
    rows.append(("Page d’origine", signup.page))
    return [(label, value) for label, value in rows if value]


def render(context: dict, signup: contract.Signup, public_id: str, received: datetime) -> str:
    """The whole message (RFC 5322, ASCII) of one outbox entry: its `context` (written
    when the sign-up was accepted: recipient, wording, territory titles) and the sign-up
    itself. Rendered when sent, off the sign-up's path; the same on every attempt but
    for the MIME boundary."""
    return _render(signup=signup, public_id=public_id, received=received, **context)


def _render(
    *,
    sender: list[str],
    programme: str,
    kind: str,
    to: list[str],
    subject: str,
    greeting: str,
    intro: list[str],
    titles: list[str],
    signup: contract.Signup,
    public_id: str,
    received: datetime,
    reply_to: list[str] | None = None,
) -> str:
    answers = _answers(signup, titles)
    message_text = signup.message.strip()
    text = [greeting, "", *intro, "", "—" * 20]
    text += [f"{label} : {value}" for label, value in answers]
    if message_text:
        text += ["Message :", *("  " + line for line in message_text.splitlines())]
    text += [
        f"Reçue le : {_french_date(received)}",
        f"Référence : {public_id}",
        "—" * 20,
        "",
        f"Ce message vient du formulaire d’inscription de {programme}.",
    ]
    rows = "".join(
        f'<tr><th scope="row" style="text-align:left;padding:4px 12px 4px 0;'
        f'vertical-align:top">{escape(label)}</th><td style="padding:4px 0">'
        f"{escape(value)}</td></tr>"
        for label, value in answers
    )
    message_html = (
        f'<p><strong>Message :</strong></p><blockquote style="margin:0 0 1em;'
        f'padding-left:12px;border-left:3px solid #ccc;white-space:pre-wrap">'
        f"{escape(message_text)}</blockquote>"
        if message_text
        else ""
    )
    html = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>"
        '<body style="font-family:sans-serif;line-height:1.5;color:#1a1a1a">'
        f"<p>{escape(greeting)}</p>"
        + "".join(f"<p>{escape(p)}</p>" for p in intro)
        + f'<table style="border-collapse:collapse;margin:1em 0">{rows}</table>'
        + message_html
        + f"<p>Reçue le {escape(_french_date(received))}. Référence : {escape(public_id)}</p>"
        f'<p style="color:#555">Ce message vient du formulaire d’inscription de '
        f"{escape(programme)}.</p></body></html>"
    )
    headers = [
        ("Subject", _header_text(subject)),
        ("From", _header_address(sender)),
        ("To", _header_address(to)),
        *([("Reply-To", _header_address(reply_to))] if reply_to else []),
        ("Date", format_datetime(received)),
        ("Message-ID", message_id(public_id, kind, to[1], sender[1])),
        ("Auto-Submitted", "auto-generated"),
    ]
    return _mime(headers, "\n".join(text) + "\n", html)


def _header_text(text: str) -> str:
    """A header value: as is when ASCII, else RFC 2047 base64 encoded-words of at most
    45 bytes of UTF-8 each (75 characters), one per folded line. Line breaks typed
    in a name become spaces: no header can be injected."""
    text = " ".join(text.split())
    if text.isascii():
        return text
    words, chunk = [], ""
    for character in text:
        if len((chunk + character).encode("utf-8")) > 45:
            words.append(chunk)
            chunk = ""
        chunk += character
    words.append(chunk)
    return "\r\n ".join(
        f"=?utf-8?b?{base64.b64encode(w.encode('utf-8')).decode('ascii')}?=" for w in words
    )


def _header_address(pair: list[str]) -> str:
    name, address = " ".join(pair[0].split()), pair[1]
    if not name:
        return address
    if name.isascii():
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{address}>'
    return f"{_header_text(name)} <{address}>"


def _mime(headers: list[tuple[str, str]], text: str, html: str) -> str:
    """A multipart/alternative message, UTF-8 parts in base64, CRLF line ends.

    Assembled from the standard library's pieces (RFC 2047 headers from
    `email.header`, `formataddr`, base64) rather than `EmailMessage`, whose header
    registry and generator cost about 5 ms a message on the sender's thread.
    """
    boundary = "=_" + uuid.uuid4().hex

    def part(kind: str, body: str) -> list[str]:
        encoded = base64.encodebytes(body.replace("\n", "\r\n").encode("utf-8")).decode("ascii")
        return [
            f"--{boundary}",
            f'Content-Type: text/{kind}; charset="utf-8"',
            "Content-Transfer-Encoding: base64",
            "",
            encoded.rstrip("\n").replace("\n", "\r\n"),
        ]

    lines = [f"{name}: {value}" for name, value in headers]
    lines += [
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        *part("plain", text),
        *part("html", html),
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines)


def _address(name: str, email: str) -> list[str]:
    return [name, email]


def _mail(settings: MailSettings, *, public_id: str, **context) -> Mail:
    context.update(sender=settings.sender_address, programme=settings.programme)
    recipient = context["to"][1]
    return Mail(
        kind=context["kind"],
        message_id=message_id(public_id, context["kind"], recipient, settings.sender),
        sender=settings.sender_address[1],
        recipient=recipient,
        context=json.dumps(context, ensure_ascii=False),
    )


def route(
    signup: contract.Signup,
    public_id: str,
    territories: Territories,
    settings: MailSettings | None,
) -> list[Mail]:
    """The mails one accepted sign-up sends (empty without mail settings): who gets
    which wording; `render` writes each message when the sender sends it."""
    if settings is None:
        return []
    person = f"{signup.prenom} {signup.nom}"
    officers: dict[str, tuple[str, str, list[str]]] = {}  # address → name, address, titles
    orphans: list[str] = []
    for slug in signup.territoires:
        territory = territories.get(slug)
        officer = territory.officer if territory else None
        if officer and officer.email:
            entry = officers.setdefault(officer.email.lower(), (officer.name, officer.email, []))
            entry[2].append(territory.title)
        else:
            orphans.append(territories.title(slug))
    mails = []
    titles_all = [territories.title(slug) for slug in signup.territoires]
    reply_to = _address(person, signup.email)
    for name, email, titles in officers.values():
        chosen = " et ".join(titles)
        mails.append(
            _mail(
                settings,
                kind="officer",
                to=_address(name, email),
                subject=f"Nouvelle inscription pour {chosen} : {person}",
                greeting=f"Bonjour {name},",
                intro=[
                    f"{person} vient de s’inscrire et souhaite être contacté·e au sujet de "
                    f"son projet d’installation sur votre territoire : {chosen}.",
                    "Ses réponses sont ci-dessous ; répondre à ce message lui écrit directement.",
                ],
                titles=titles_all,
                public_id=public_id,
                reply_to=reply_to,
            )
        )
    if settings.fallback_officer and (orphans or not signup.territoires):
        why = (
            "n’a choisi aucun territoire"
            if not signup.territoires
            else "a choisi un territoire sans chargé d’accueil : " + ", ".join(orphans)
        )
        mails.append(
            _mail(
                settings,
                kind="officer",
                to=settings.fallback_address,
                subject=f"Nouvelle inscription à orienter : {person}",
                greeting="Bonjour,",
                intro=[
                    f"{person} vient de s’inscrire et {why}. Merci de lui attribuer un "
                    "chargé d’accueil ou de le ou la contacter.",
                    "Ses réponses sont ci-dessous ; répondre à ce message lui écrit directement.",
                ],
                titles=titles_all,
                public_id=public_id,
                reply_to=reply_to,
            )
        )
    if settings.confirm:
        callers = [f"{name} ({' et '.join(titles)})" for name, _email, titles in officers.values()]
        who = (
            "Votre chargé d’accueil, " + ", ".join(callers) + ", va vous contacter."
            if len(callers) == 1
            else "Vos chargés d’accueil, " + ", ".join(callers) + ", vont vous contacter."
            if callers
            else "Un chargé d’accueil du programme va vous contacter."
        )
        mails.append(
            _mail(
                settings,
                kind="confirmation",
                to=_address(person, signup.email),
                subject="Votre inscription est bien enregistrée",
                greeting=f"Bonjour {signup.prenom},",
                intro=[
                    f"Merci pour votre inscription auprès de {settings.programme}. {who}",
                    "Voici les réponses que vous nous avez données. Pour les corriger ou les "
                    "faire supprimer, répondez simplement à ce message.",
                ],
                titles=titles_all,
                public_id=public_id,
                reply_to=settings.fallback_address if settings.fallback_officer else None,
            )
        )
    return mails


# --- Sending --------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: str  # "", "starttls" or "ssl"
    user: str = ""
    password: str = ""

    @classmethod
    def parse(cls, url: str) -> SmtpServer:
        """`smtp://host:port` (plain, for a relay on the machine or the network),
        `smtp+starttls://user:pass@host:587` or `smtps://user:pass@host:465`."""
        parts = urlsplit(url)
        tls = {"smtp": "", "smtp+starttls": "starttls", "smtps": "ssl"}.get(parts.scheme)
        if tls is None or not parts.hostname:
            raise ValueError(
                f"adresse SMTP invalide : {url!r} (attendu : smtp://hôte:port, "
                "smtp+starttls://utilisateur:mot-de-passe@hôte:587 ou smtps://…@hôte:465)"
            )
        port = parts.port or {"": 25, "starttls": 587, "ssl": 465}[tls]
        return cls(
            host=parts.hostname,
            port=port,
            tls=tls,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
        )

    def open(self, timeout: float) -> smtplib.SMTP:
        if self.tls == "ssl":
            client = smtplib.SMTP_SSL(
                self.host, self.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=timeout)
            if self.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
        if self.user:
            client.login(self.user, self.password)
        return client


_CLAIM = """
UPDATE outbox SET claimed_by = ?, claimed_until = ?
WHERE id IN (
    SELECT id FROM outbox
    WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
      AND (claimed_until IS NULL OR claimed_until < ?)
    ORDER BY id LIMIT ? {lock})
RETURNING id, sender, recipient, context, attempts, signup_id
"""
_SIGNUP_FIELDS = ("public_id", "received_at", *COLUMNS)


def _signup(row) -> tuple[contract.Signup, str, datetime]:
    values = dict(zip(_SIGNUP_FIELDS, row, strict=True))
    public_id, received = values.pop("public_id"), values.pop("received_at")
    for name in ("territoires", "projet"):
        values[name] = (values[name] or "").split()
    for name, value in values.items():
        if value is None and name not in ("adultes", "enfants"):
            values[name] = ""
    return contract.Signup(**values), public_id, datetime.fromisoformat(received)


class Sender:
    """The outbox sender of one receiver process."""

    def __init__(
        self,
        database: Database,
        smtp: SmtpServer,
        *,
        batch: int = 50,
        lease: float = 300,
        settle: float = 0.1,
        retry_base: float = 5,
        retry_max: float = 900,
        poll: float = 2,
        timeout: float = 30,
    ):
        self.database, self.smtp = database, smtp
        self.batch, self.lease, self.poll, self.timeout = batch, lease, poll, timeout
        self.settle = settle
        self.retry_base, self.retry_max = retry_base, retry_max
        self.worker = uuid.uuid4().hex
        self.wake = asyncio.Event()
        self._connection: Connection | None = None

    def release_all(self) -> None:
        """Forget every lease (SQLite: one receiver process per file, so a lease left
        by a killed process is stale and its mails go out now)."""
        with self.database.connect() as connection, connection.transaction():
            connection.execute(
                "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE sent_at IS NULL"
            )

    async def run(self) -> None:
        while True:
            try:
                claimed = await asyncio.to_thread(self.cycle)
            except Exception:
                logger.exception("outbox: cycle failed")
                self._drop()
                claimed = 0
            if claimed >= self.batch:
                continue  # a backlog: keep sending
            if claimed:
                # Between batches under load, leave the store to the sign-ups.
                await asyncio.sleep(self.settle)
                continue
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.poll)
                # Woken by a commit: let the rest of a burst commit too, then claim it
                # in one go (each claim takes the store's write lock).
                await asyncio.sleep(self.settle)

    def _connect(self) -> Connection:
        if self._connection is None:
            # The claims and marks need no sync of their own: after a power loss a
            # lost "sent" mark means one resend (same Message-ID), never a lost mail.
            self._connection = self.database.connect(durable=False)
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def claim(self) -> list:
        now = time.time()
        lock = "FOR UPDATE SKIP LOCKED" if self.database.postgres else ""
        connection = self._connect()
        with connection.transaction():
            claimed = connection.execute(
                _CLAIM.format(lock=lock), (self.worker, now + self.lease, now, now, self.batch)
            ).fetchall()
        if not claimed:
            return []
        ids = sorted({row[5] for row in claimed})
        marks = ", ".join("?" for _ in ids)
        signups = {
            row[0]: _signup(row[1:])
            for row in connection.execute(
                f"SELECT id, {', '.join(_SIGNUP_FIELDS)} FROM signups WHERE id IN ({marks})", ids
            ).fetchall()
        }
        # (outbox id, envelope sender, recipient, what to render, attempts); a mail whose
        # sign-up was just deleted (forget) is not sent: the cascade removed it too.
        return [
            (row[0], row[1], row[2], (json.loads(row[3]), *signups[row[5]]), row[4])
            for row in claimed
            if row[5] in signups
        ]

    def cycle(self) -> int:
        """Claim a batch, send it over one SMTP connection, record each outcome."""
        claimed = self.claim()
        if not claimed:
            return 0
        client, sent = None, 0
        try:
            client = self.smtp.open(self.timeout)
        except (OSError, smtplib.SMTPException) as error:
            self._retry(claimed, f"connexion SMTP impossible : {error}")
            logger.warning("outbox: SMTP unreachable (%s), %d mails wait", error, len(claimed))
            return len(claimed)
        try:
            for index, row in enumerate(claimed):
                _id, sender, recipient, parts, _attempts = row
                try:
                    # Rendered now, with the connection open: an outage costs no CPU.
                    client.sendmail(sender, [recipient], render(*parts))  # ASCII, CRLF
                except (UnicodeError, smtplib.SMTPNotSupportedError) as error:
                    # A non-ASCII address the server cannot take (no SMTPUTF8).
                    self._fail(row, f"adresse non prise en charge : {error}")
                except smtplib.SMTPRecipientsRefused as error:
                    code, text = error.recipients.get(recipient, (450, b""))
                    self._refused(row, code, text)
                except smtplib.SMTPResponseException as error:
                    self._refused(row, error.smtp_code, error.smtp_error)
                    if error.smtp_code in (421,):  # the server is closing
                        self._retry(claimed[index + 1 :], "le serveur SMTP a fermé la connexion")
                        return len(claimed)
                except (OSError, smtplib.SMTPException) as error:
                    self._retry(claimed[index:], f"envoi interrompu : {error}")
                    return len(claimed)
                else:
                    self._sent(row)
                    sent += 1
        finally:
            with contextlib.suppress(Exception):
                client.quit()
            if sent:
                logger.info("outbox: %d mail(s) sent", sent)
        return len(claimed)

    def _refused(self, row, code: int, text) -> None:
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        if 400 <= code < 500:
            self._retry([row], f"{code} {text}")
        else:
            self._fail(row, f"{code} {text}")

    def _sent(self, row) -> None:
        connection = self._connect()
        with connection.transaction():
            connection.execute(
                "UPDATE outbox SET sent_at = ?, claimed_by = NULL, claimed_until = NULL, "
                "attempts = attempts + 1, last_error = NULL WHERE id = ?",
                (now_iso(), row[0]),
            )

    def _retry(self, rows, error: str) -> None:
        """Put these mails back for a later attempt, in one transaction."""
        connection = self._connect()
        with connection.transaction():
            for row in rows:
                attempts = row[4] + 1
                delay = min(self.retry_max, self.retry_base * 2 ** (attempts - 1))
                delay *= random.uniform(0.8, 1.0)  # spread the retries of many receivers
                connection.execute(
                    "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, "
                    "claimed_by = NULL, claimed_until = NULL WHERE id = ?",
                    (attempts, time.time() + delay, error[:500], row[0]),
                )

    def _fail(self, row, error: str) -> None:
        logger.error("outbox: message %s refused for good: %s", row[0], error)
        connection = self._connect()
        with connection.transaction():
            connection.execute(
                "UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ?, "
                "claimed_by = NULL, claimed_until = NULL WHERE id = ?",
                (now_iso(), error[:500], row[0]),
            )


def outbox_status(database: Database) -> dict:
    """Counts of the outbox (for `python -m receiver outbox`) and the messages that
    wait or failed, without their content."""
    with database.connect(read_only=True) as connection:
        counts = dict(
            connection.execute(
                "SELECT CASE WHEN sent_at IS NOT NULL THEN 'envoyes' "
                "WHEN failed_at IS NOT NULL THEN 'refuses' ELSE 'en_attente' END AS state, "
                "count(*) FROM outbox GROUP BY state"
            ).fetchall()
        )
        pending = connection.execute(
            "SELECT id, recipient, attempts, last_error, failed_at FROM outbox "
            "WHERE sent_at IS NULL ORDER BY id LIMIT 100"
        ).fetchall()
    return {
        "counts": {k: counts.get(k, 0) for k in ("en_attente", "envoyes", "refuses")},
        "pending": [
            dict(zip(("id", "destinataire", "essais", "erreur", "refuse_le"), row, strict=True))
            for row in pending
        ],
    }


def outbox_retry(database: Database) -> int:
    """Put every refused message back in the queue (after fixing an address)."""
    with database.connect() as connection, connection.transaction():
        rows = connection.execute(
            "UPDATE outbox SET failed_at = NULL, next_attempt_at = 0 "
            "WHERE failed_at IS NOT NULL AND sent_at IS NULL RETURNING id"
        ).fetchall()
    return len(rows)

"""The HTTP side of the reference receiver (aiohttp).

POST /inscriptions   a sign-up: JSON answer when the page's script sends it in the
                     background (`_format=json`), otherwise a 303 redirect to the
                     thank-you page, a correction page (422) that keeps every answer,
                     or a French error page for any other failure
GET  /inscriptions.csv[?campagne=<utm_campaign>]   export for welcome officers (token:
                     a territory token sees only the sign-ups that chose its territories)
GET  /stats.json     aggregate counts, no personal data (programme token, `--all`)
GET  /sante          health check for the reverse proxy: 503 when the store cannot write
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

from aiohttp import web
from multidict import MultiDict

from . import contract, correction, outbox, stats, store, territories
from .db import Database
from .territories import Territories

logger = logging.getLogger("receiver")
MAX_BODY = 16 * 1024  # a complete sign-up with a long message is about 6 KB
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
UTF8 = ("utf-8", "utf8", "us-ascii", "ascii")
THANKS_PATH = "/inscription/merci/"
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


@dataclass
class Config:
    db: str
    origins: list[str]
    redirect_base: str | None = None
    min_fill_ms: int = 3000
    territories: Territories = field(default_factory=Territories)
    territories_source: str | None = None
    mail: outbox.MailSettings | None = None
    smtp: outbox.SmtpServer | None = None
    # Sign-ups accepted per client address and window (0: no limit); nginx's
    # limit_req stays the first line, this one holds without it.
    ip_limit: int = 10
    ip_window: float = 60.0
    # Failed export or statistics authentications per client address and window.
    auth_failures: int = 10
    auth_window: float = 600.0
    behind_proxy: bool = False  # take the client address from X-Real-IP / X-Forwarded-For
    sender_options: dict = field(default_factory=dict)
    allowed: set[str] = field(init=False)

    def __post_init__(self):
        self.origins = [_origin(o) for o in self.origins]
        self.allowed = set(self.origins)
        self.redirect_base = (self.redirect_base or self.origins[0]).rstrip("/")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"origine invalide : {url!r} (attendu : https://exemple.org)")
    return f"{parts.scheme}://{parts.netloc}".lower()


def _safe_origin(value: str | None) -> str | None:
    try:
        return _origin(value) if value else None
    except ValueError:
        return None


class RateLimit:
    """At most `limit` events per key in a sliding window of `window` seconds, in
    memory only (client addresses are never written anywhere)."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._events: dict[str, deque] = {}
        self._swept = time.monotonic()

    def _recent(self, key: str, now: float) -> deque:
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def blocked(self, key: str) -> float:
        """Seconds until `key` may act again (0: now)."""
        if self.limit <= 0:
            return 0.0
        now = time.monotonic()
        if now - self._swept > self.window:
            self._swept = now
            for other in [
                k for k, v in self._events.items() if not v or v[-1] <= now - self.window
            ]:
                del self._events[other]
        events = self._recent(key, now)
        return events[0] + self.window - now if len(events) >= self.limit else 0.0

    def hit(self, key: str) -> None:
        if self.limit > 0:
            self._recent(key, time.monotonic()).append(time.monotonic())


@dataclass
class State:
    """Everything one running receiver holds (one per application, no module state)."""

    config: Config
    database: Database
    frame: correction.Frame
    signups: RateLimit
    auth: RateLimit
    store: store.SignupStore | None = None
    sender: outbox.Sender | None = None
    tasks: list = field(default_factory=list)


STATE = web.AppKey("state", State)


@web.middleware
async def french_errors(request: web.Request, handler):
    """Whatever goes wrong, the answer is French: aiohttp's own 404/405 and an
    unexpected exception (500) would otherwise be English text."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400 or (error.text and not error.text.startswith(f"{error.status}:")):
            raise  # a redirect, or one of ours (already French)
        message = {
            404: "Cette adresse n’existe pas sur le récepteur des inscriptions.",
            405: "Le formulaire d’inscription s’envoie avec la méthode POST.",
        }.get(error.status, "La demande n’a pas pu être traitée.")
        return _problem(
            request,
            error.status,
            "Adresse introuvable" if error.status == 404 else "Demande refusée",
            message,
            headers={k: v for k, v in error.headers.items() if k == "Allow"},
        )
    except Exception:
        logger.exception("unexpected error on %s %s", request.method, request.path)
        return _problem(
            request,
            500,
            "Incident technique",
            "Une erreur inattendue est survenue de notre côté. Rien n’a été enregistré : "
            "envoyez à nouveau votre inscription dans quelques minutes.",
        )


def create_app(config: Config) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[french_errors])
    database = Database(config.db)
    app[STATE] = State(
        config=config,
        database=database,
        frame=correction.Frame.load(config.territories_source, config.redirect_base),
        signups=RateLimit(config.ip_limit, config.ip_window),
        auth=RateLimit(config.auth_failures, config.auth_window),
    )
    app.router.add_post("/inscriptions", receive_signup)
    app.router.add_route("OPTIONS", "/inscriptions", preflight)
    app.router.add_get("/inscriptions.csv", export)
    app.router.add_get("/stats.json", stats_json)
    app.router.add_get("/sante", health)
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
    return app


def prepare_store(database: Database) -> None:
    """Create or migrate the schema, then check the store takes a write: a receiver
    that cannot store must not start (every sign-up would be lost to a 503)."""
    database.migrate()
    database.write_test()


async def _start(app: web.Application) -> None:
    state = app[STATE]
    await asyncio.to_thread(prepare_store, state.database)
    if state.config.smtp:
        state.sender = outbox.Sender(
            state.database, state.config.smtp, **state.config.sender_options
        )
        if not state.database.postgres:
            await asyncio.to_thread(state.sender.release_all)
        loop = asyncio.get_running_loop()
        wake = state.sender.wake
        on_commit = lambda: loop.call_soon_threadsafe(wake.set)  # noqa: E731
        state.tasks.append(asyncio.create_task(state.sender.run()))
    else:
        on_commit = None
    state.store = store.SignupStore(state.database, on_commit=on_commit)


async def reload_site(app: web.Application) -> None:
    """Read the territories file and the site's frame again; on an error keep the ones
    in use (a publish half done must not take officers away)."""
    state = app[STATE]
    source = state.config.territories_source
    if not source:
        return
    try:
        loaded = await asyncio.to_thread(territories.load, source)
        frame = await asyncio.to_thread(correction.Frame.load, source, state.config.redirect_base)
    except ValueError as error:
        logger.error("territories not reloaded, the previous ones stay: %s", error)
        return
    state.config.territories, state.frame = loaded, frame
    logger.info("territories reloaded: %d territories", len(loaded))


async def _stop(app: web.Application) -> None:
    state = app[STATE]
    for task in state.tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if state.store:
        await asyncio.to_thread(state.store.close)


def _cors(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """CORS for the configured site origins only: another site's script cannot read
    the answer (the JSON path), and never sends credentials (no cookie exists)."""
    origin = request.headers.get("Origin")
    if origin and _safe_origin(origin) in request.app[STATE].config.allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Vary"] = "Origin"
    return response


async def preflight(request: web.Request) -> web.Response:
    # The site's script never needs one (its request is CORS-"simple"); a CRM bridge might.
    response = web.Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Max-Age"] = "600"
    return _cors(request, response)


def _thanks_url(request: web.Request, requested: str) -> str:
    """Where a plain POST goes next: the form's `_redirect` if it is on a configured
    site origin (a relative path is taken on the sending site's origin), otherwise the
    configured thank-you page. Never anywhere else: no open redirect."""
    config = request.app[STATE].config
    sender = _safe_origin(request.headers.get("Origin")) or _safe_origin(
        request.headers.get("Referer")
    )
    base = sender if sender in config.allowed else config.redirect_base
    if requested.startswith("/") and not requested.startswith("//"):
        candidate = urljoin(base + "/", requested)
    else:
        candidate = requested
    if _safe_origin(candidate) in config.allowed and "\\" not in candidate:
        return candidate
    return config.redirect_base + THANKS_PATH


def _json(request, payload: dict, status: int = 200, headers=None) -> web.Response:
    response = web.json_response(payload, status=status, headers={**NO_STORE, **(headers or {})})
    return _cors(request, response)


def _html(request, text: str, status: int, headers=None) -> web.Response:
    config = request.app[STATE].config
    sites = " ".join(sorted({config.redirect_base, *config.origins}))
    policy = (
        f"default-src 'none'; style-src {sites}; img-src {sites} data:; font-src {sites}; "
        f"form-action 'self' {sites}; base-uri 'none'; frame-ancestors 'none'"
    )
    response = web.Response(
        text=text,
        content_type="text/html",
        status=status,
        headers={
            **NO_STORE,
            **(headers or {}),
            "Content-Security-Policy": policy,
            "Referrer-Policy": "strict-origin",
        },
    )
    return _cors(request, response)


def _problem(
    request, status: int, title: str, message: str, wants_json: bool | None = None, headers=None
) -> web.Response:
    """A failure the person can read: JSON for the page's script, a French HTML page
    (in the site's frame) for a plain POST — never raw JSON or English."""
    if wants_json is None:
        wants_json = "application/json" in request.headers.get("Accept", "")
    if wants_json:
        return _json(request, {"ok": False, "message": message}, status, headers)
    state = request.app[STATE]
    page = correction.error_page(title, message, state.config.redirect_base, state.frame)
    return _html(request, page, status, headers)


def client_address(request: web.Request) -> str:
    if request.app[STATE].config.behind_proxy:
        real = request.headers.get("X-Real-IP", "").strip()
        if real:
            return real
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()  # the address nginx appended
    return request.remote or ""


class BadForm(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _charset_ok(charset: str | None) -> bool:
    return charset is None or charset.strip().strip('"').lower() in UTF8


async def _read_form(request: web.Request) -> MultiDict:
    """The posted fields, decoded as UTF-8 strictly: a part or body in another charset,
    a file, bytes that are not UTF-8 are refused rather than silently turned into
    characters nobody typed."""
    if not _charset_ok(request.charset):
        raise BadForm(400, "Le formulaire doit être envoyé en UTF-8.")
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        form: MultiDict = MultiDict()
        size = 0
        while (part := await reader.next()) is not None:
            if part.filename is not None:
                raise BadForm(400, "Le formulaire ne doit pas contenir de fichier.")
            if not _charset_ok(
                part.get_charset(None) if part.headers.get("Content-Type") else None
            ):
                raise BadForm(400, "Le formulaire doit être envoyé en UTF-8.")
            data = await part.read(decode=True)
            size += len(data)
            if size > MAX_BODY:
                raise BadForm(413, "Le formulaire envoyé est trop volumineux.")
            try:
                form.add(part.name or "", bytes(data).decode("utf-8"))
            except UnicodeDecodeError as error:
                raise BadForm(400, "Le formulaire doit être envoyé en UTF-8.") from error
        return form
    # URL-encoded: decoded strictly, where aiohttp would replace bad bytes silently.
    try:
        body = (await request.read()).decode("ascii")
        pairs = parse_qsl(body, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise BadForm(400, "Le formulaire doit être envoyé en UTF-8.") from error
    return MultiDict(pairs)


async def receive_signup(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    config = state.config
    origin = request.headers.get("Origin")
    # Allowed: the site's origins, and the receiver's own correction page (same host).
    # `Origin: null` (a sandboxed frame, a local file, a privacy-stripped redirect) is
    # refused like any other unknown site.
    own_page = bool(origin) and urlsplit(origin).netloc.lower() == request.host.lower()
    if origin and not own_page and _safe_origin(origin) not in config.allowed:
        return _problem(
            request,
            403,
            "Inscription refusée",
            "Ce formulaire n’est accepté que depuis le site du programme.",
        )
    address = client_address(request)
    wait = state.signups.blocked(address)
    if wait:
        return _problem(
            request,
            429,
            "Trop d’inscriptions envoyées",
            "Trop d’inscriptions ont été envoyées depuis votre connexion en peu de temps. "
            f"Réessayez dans {max(1, round(wait / 60))} minute(s).",
            headers={"Retry-After": str(max(1, round(wait)))},
        )
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _problem(
            request, 413, "Formulaire trop volumineux", "Le formulaire envoyé est trop volumineux."
        )
    if request.content_type not in FORM_TYPES:
        return _problem(
            request,
            415,
            "Formulaire illisible",
            "Le formulaire doit être envoyé comme un formulaire HTML.",
        )
    try:
        form = await _read_form(request)
    except BadForm as error:
        return _problem(request, error.status, "Formulaire illisible", error.message)
    except web.HTTPRequestEntityTooLarge:
        return _problem(
            request, 413, "Formulaire trop volumineux", "Le formulaire envoyé est trop volumineux."
        )
    except Exception as error:  # any malformed body is the sender's fault, never a 500
        logger.info("malformed body: %s", error)
        return _problem(request, 400, "Formulaire illisible", "Le formulaire envoyé est illisible.")

    wants_json = form.get(contract.FORMAT_FIELD) == "json"
    thanks = _thanks_url(request, form.get(contract.REDIRECT_FIELD, "") or THANKS_PATH)
    unstorable = contract.unstorable_fields(form)
    if unstorable:
        return _errors(request, form, unstorable, thanks, wants_json, status=400)
    verdict = contract.validate(form, min_fill_ms=config.min_fill_ms)
    if verdict.honeypot:
        # The same answer as a stored sign-up (a random id too), nothing stored: a
        # robot learns nothing from it. It counts towards the address's limit.
        state.signups.hit(address)
        logger.info("honeypot hit dropped")
        if wants_json:
            return _json(request, {"ok": True, "id": store.new_public_id()})
        raise web.HTTPSeeOther(thanks, headers=NO_STORE)
    if not verdict.ok:
        return _errors(request, form, verdict.errors, thanks, wants_json, status=422)
    public_id = store.new_public_id()
    mails = outbox.route(verdict.signup, public_id, config.territories, config.mail)
    try:
        public_id = await state.store.add(verdict.signup, public_id, mails)
    except Exception:
        logger.exception("could not store a sign-up")
        return _problem(
            request,
            503,
            "Inscription non enregistrée",
            "Votre inscription n’a pas pu être enregistrée à cause d’un incident de notre "
            "côté. Rien n’a été conservé : envoyez-la à nouveau dans quelques minutes.",
            wants_json,
        )
    state.signups.hit(address)
    if wants_json:
        return _json(request, {"ok": True, "id": public_id})
    raise web.HTTPSeeOther(thanks, headers=NO_STORE)


def _errors(request, form, errors: dict, thanks: str, wants_json: bool, status: int):
    if wants_json:
        listed = [{"field": k, "message": v} for k, v in errors.items()]
        return _json(request, {"ok": False, "errors": listed}, status=status)
    state = request.app[STATE]
    page = correction.render(
        form, errors, thanks, territories=state.config.territories, frame=state.frame
    )
    return _html(request, page, status)


# --- Exports --------------------------------------------------------------------------


def _given_token(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":  # a browser's login box: any user name, the token
        try:
            return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return ""
    return ""


async def _authorise(request: web.Request) -> store.Token:
    """The token of the request, or an HTTP error: 401 without a valid one, 429 after
    too many failures from one address (a guess costs a whole window)."""
    state = request.app[STATE]
    address = client_address(request)
    wait = state.auth.blocked(address)
    if wait:
        raise web.HTTPTooManyRequests(
            text="Trop d’essais de jeton : réessayez plus tard.",
            headers={**NO_STORE, "Retry-After": str(max(1, round(wait)))},
        )
    given = _given_token(request)
    token = await asyncio.to_thread(store.token_lookup, state.database, given) if given else None
    if token is None:
        state.auth.hit(address)
        logger.warning("export: refused token from a client")
        raise web.HTTPUnauthorized(
            text="Jeton d’export requis (python -m receiver token add).",
            headers={**NO_STORE, "WWW-Authenticate": 'Basic realm="inscriptions", charset="UTF-8"'},
        )
    return token


async def export(request: web.Request) -> web.Response:
    state = request.app[STATE]
    token = await _authorise(request)
    campaign = request.query.get("campagne")
    # In a thread with its own read connection: the event loop keeps answering sign-ups
    # and the writer keeps committing while a large export is read.
    body, rows = await asyncio.to_thread(store.export_csv, state.database, token, campaign)
    logger.info("export: %d rows for token %d (%s)", rows, token.id, token.label)
    name = f"inscriptions-{campaign}.csv" if campaign else "inscriptions.csv"
    name = "".join(c for c in name if c.isalnum() or c in "-_.")
    return web.Response(
        body=body,
        content_type="text/csv",
        charset="utf-8",
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'},
    )


async def stats_json(request: web.Request) -> web.Response:
    state = request.app[STATE]
    token = await _authorise(request)
    if not token.all_territories:
        raise web.HTTPForbidden(
            text="Les statistiques du programme demandent un jeton --all.", headers=NO_STORE
        )
    counts = await asyncio.to_thread(stats.counts, state.database)
    await asyncio.to_thread(store.log_export, state.database, token, "stats.json", "", 0)
    return web.json_response(counts, headers=NO_STORE)


async def health(request: web.Request) -> web.Response:
    """`ok` when the store takes a write now; 503 otherwise (the proxy or the
    monitoring sees a receiver that would answer every sign-up with 503)."""
    state = request.app[STATE]
    try:
        await asyncio.wait_for(asyncio.to_thread(state.database.write_test), timeout=10)
    except Exception as error:
        logger.error("health: the store cannot write: %s", error)
        return web.Response(
            text="erreur : le stockage des inscriptions refuse l’écriture",
            status=503,
            headers=NO_STORE,
        )
    return web.Response(text="ok", headers=NO_STORE)

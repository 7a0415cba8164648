"""The HTTP side of the reference receiver (aiohttp).

POST /inscriptions   a sign-up: JSON answer when the page's script sends it in the
                     background (`_format=json`), otherwise a 303 redirect to the
                     thank-you page, or a correction page (422) that keeps every answer
GET  /inscriptions.csv[?campagne=<utm_campaign>]   export for welcome officers (token)
GET  /sante          health check for the reverse proxy
"""

from __future__ import annotations

import base64
import hmac
import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

from aiohttp import web
from multidict import MultiDict

from . import contract, correction
from .store import SignupStore, export_csv

logger = logging.getLogger("receiver")
MAX_BODY = 16 * 1024  # a complete sign-up with a long message is about 6 KB
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
THANKS_PATH = "/inscription/merci/"


@dataclass
class Config:
    db: str
    origins: list[str]
    redirect_base: str | None = None
    export_token: str | None = None
    min_fill_ms: int = 3000
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


CONFIG = web.AppKey("config", Config)
STORE = web.AppKey("store", SignupStore)


def create_app(config: Config) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[CONFIG] = config
    app.router.add_post("/inscriptions", receive_signup)
    app.router.add_route("OPTIONS", "/inscriptions", preflight)
    app.router.add_get("/inscriptions.csv", export)
    app.router.add_get("/sante", health)
    app.on_startup.append(_open_store)
    app.on_cleanup.append(_close_store)
    return app


async def _open_store(app: web.Application) -> None:
    app[STORE] = SignupStore(app[CONFIG].db)


async def _close_store(app: web.Application) -> None:
    app[STORE].close()


def _cors(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """CORS for the configured site origins only: another site's script cannot read
    the answer (the JSON path), and never sends credentials (no cookie exists)."""
    origin = request.headers.get("Origin")
    if origin and _safe_origin(origin) in request.app[CONFIG].allowed:
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
    config = request.app[CONFIG]
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


def _json(request, payload: dict, status: int = 200) -> web.Response:
    return _cors(request, web.json_response(payload, status=status))


def _problem(request, status: int, message: str) -> web.Response:
    """A 4xx the person can read: JSON fields for the script, plain French text otherwise."""
    response = web.json_response({"ok": False, "message": message}, status=status)
    return _cors(request, response)


async def _read_form(request: web.Request) -> MultiDict:
    if request.content_type == "multipart/form-data":
        return MultiDict(await request.post())
    # URL-encoded: decoded strictly, where aiohttp would replace bad bytes silently.
    body = (await request.read()).decode("ascii")
    pairs = parse_qsl(body, keep_blank_values=True, encoding="utf-8", errors="strict")
    return MultiDict(pairs)


async def receive_signup(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG]
    origin = request.headers.get("Origin")
    # Allowed: the site's origins, and the receiver's own correction page (same host).
    own_page = bool(origin) and urlsplit(origin).netloc.lower() == request.host.lower()
    if origin and origin != "null" and not own_page and _safe_origin(origin) not in config.allowed:
        return _problem(request, 403, "Ce formulaire n’est pas accepté depuis ce site.")
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _problem(request, 413, "Le formulaire envoyé est trop volumineux.")
    if request.content_type not in FORM_TYPES:
        return _problem(request, 415, "Le formulaire doit être envoyé comme un formulaire HTML.")
    try:
        form = await _read_form(request)
    except web.HTTPRequestEntityTooLarge:
        return _problem(request, 413, "Le formulaire envoyé est trop volumineux.")
    except Exception as error:  # any malformed body is the sender's fault, never a 500
        logger.info("malformed body: %s", error)
        return _problem(request, 400, "Le formulaire envoyé est illisible.")
    if any(not isinstance(value, str) for value in form.values()):
        return _problem(request, 400, "Le formulaire ne doit pas contenir de fichier.")

    wants_json = form.get(contract.FORMAT_FIELD) == "json"
    verdict = contract.validate(form, min_fill_ms=config.min_fill_ms)
    thanks = _thanks_url(request, form.get(contract.REDIRECT_FIELD, "") or THANKS_PATH)
    if verdict.honeypot:
        # Pretend success, store nothing: a robot learns nothing from the answer.
        logger.info("honeypot hit dropped")
        if wants_json:
            return _json(request, {"ok": True})
        raise web.HTTPSeeOther(thanks)
    if not verdict.ok:
        if wants_json:
            errors = [{"field": k, "message": v} for k, v in verdict.errors.items()]
            return _json(request, {"ok": False, "errors": errors}, status=422)
        page = correction.render(form, verdict.errors, thanks)
        return _cors(request, web.Response(text=page, content_type="text/html", status=422))
    try:
        signup_id = await request.app[STORE].add(verdict.signup)
    except Exception:
        logger.exception("could not store a sign-up")
        return _problem(request, 503, "L’inscription n’a pas pu être enregistrée.")
    if wants_json:
        return _json(request, {"ok": True, "id": signup_id})
    raise web.HTTPSeeOther(thanks)


def _authorised(request: web.Request) -> bool:
    token = request.app[CONFIG].export_token
    if not token:
        return False
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":  # a browser's login box: any user name, the token
        try:
            given = base64.b64decode(value.strip()).decode("utf-8").partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return False
    else:
        return False
    return hmac.compare_digest(given.encode(), token.encode())


async def export(request: web.Request) -> web.Response:
    if not request.app[CONFIG].export_token:
        raise web.HTTPNotFound(text="Export désactivé : aucun jeton configuré.")
    if not _authorised(request):
        raise web.HTTPUnauthorized(
            text="Jeton d’export requis.",
            headers={"WWW-Authenticate": 'Basic realm="inscriptions", charset="UTF-8"'},
        )
    campaign = request.query.get("campagne")
    body = export_csv(request.app[CONFIG].db, campaign)
    name = f"inscriptions-{campaign}.csv" if campaign else "inscriptions.csv"
    name = "".join(c for c in name if c.isalnum() or c in "-_.")
    return web.Response(
        text=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def health(request: web.Request) -> web.Response:
    return web.Response(text="ok")

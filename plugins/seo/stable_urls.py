"""Stable public URLs: a poster or a QR code printed once must keep working.

- `content/urls-publiees.txt` (committed) lists every URL the site has published;
  `make publish` adds the new ones. A build fails, in French, when one of them is
  neither produced any more nor redirected.
- `content/data/redirections.yml` maps an old path to its new one (`/ancienne/: /nouvelle/`).
  Each entry becomes a redirect page at the old address (static hosts without
  rewrite rules) and a line of the server redirect maps: `_redirects` (Netlify,
  Cloudflare Pages…) and `_redirects.nginx` (an nginx `map`, see deploy/nginx.conf).

Pure functions here; plugins/seo/__init__.py calls them when the site is written.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import yaml
from venez_vivre.programme.front_matter import SAFE_LOADER
from venez_vivre.programme.typography import french_html

# Output folders that hold assets, not pages with public addresses;
# "admin": the web editor (plugins/cms), for editors only, and off with one setting.
ASSET_FOLDERS = {"theme", "images", "pagefind", "audio", "transcripts", "qr", "admin"}
REDIRECT_MARKER = '<meta name="venez-vivre" content="redirection">'
REDIRECT_PAGE_MAX = 4096  # bytes: redirect pages are about 600
MANIFEST_HEADER = """\
# Adresses publiques déjà publiées : une par ligne.
# Ce fichier est mis à jour par `make publish` ; enregistrez-le (commit) avec le contenu.
# Ne retirez jamais une ligne : si une page change d'adresse ou disparaît, ajoutez une
# redirection dans content/data/redirections.yml (voir docs/guide-editeur.md).
"""


def published_urls(output: Path) -> set[str]:
    """Every public page and feed of a built site, as root-relative paths.

    Pages are `…/index.html` (published as `…/`); feeds are `.xml` files other than
    the sitemap. Redirect pages and the 404 page are not pages of their own. Asset
    folders (thousands of image files) are not walked."""
    output = Path(output)
    urls = set()
    for here, folders, names in os.walk(output):
        relative = Path(here).relative_to(output)
        if relative == Path("."):
            folders[:] = [f for f in folders if f not in ASSET_FOLDERS]
        for name in names:
            if name == "index.html":
                if is_redirect_page(Path(here) / name):
                    continue
                parent = relative.as_posix()
                urls.add("/" if parent == "." else f"/{parent}/")
            elif name.endswith(".xml") and name != "sitemap.xml":
                urls.add("/" + (relative / name).as_posix())
    return urls


def is_redirect_page(path: Path) -> bool:
    if os.stat(path).st_size > REDIRECT_PAGE_MAX:  # a page of the site, not a redirect
        return False
    with open(path, encoding="utf-8", errors="replace") as handle:
        return REDIRECT_MARKER in handle.read(2048)


def read_manifest(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def write_manifest(path: Path, urls) -> list[str]:
    """Add `urls` to the manifest; never removes a line. Returns the URLs added."""
    known = read_manifest(path)
    added = sorted(set(urls) - set(known))
    if added or not path.is_file():
        body = "\n".join(sorted(set(known) | set(added)))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MANIFEST_HEADER + body + "\n", encoding="utf-8")
    return added


def read_redirects(path: Path, source: str, errors) -> dict[str, str]:
    """`/old/: /new/` pairs; every mistake is a French content error naming `source`."""
    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (ligne {mark.line + 1})" if mark else ""
        errors.add(source, None, f"fichier YAML illisible{where} : {error}")
        return {}
    if not isinstance(data, dict):
        errors.add(
            source,
            None,
            "attendu : une ligne par redirection, « /ancienne-adresse/: /nouvelle-adresse/ ».",
        )
        return {}
    redirects = {}
    for old, new in data.items():
        if not isinstance(old, str) or not old.startswith("/"):
            errors.add(source, str(old), "l’ancienne adresse doit commencer par « / ».")
            continue
        if not isinstance(new, str) or not (new.startswith("/") or new.startswith("https://")):
            errors.add(
                source,
                old,
                f"la nouvelle adresse « {new} » doit commencer par « / » (une page du site) "
                "ou par « https:// ».",
            )
            continue
        if old == new:
            errors.add(source, old, "l’adresse redirige vers elle-même.")
            continue
        redirects[old] = new
    return redirects


def exists(output: Path, url: str) -> bool:
    """Whether a site path (`/a/b/`, `/feed.xml`) is served by the built site."""
    relative = url.split("?", 1)[0].split("#", 1)[0].lstrip("/")
    target = Path(output) / relative
    if url.endswith("/") or not relative:
        target = target / "index.html"
    return target.is_file() and not (target.name == "index.html" and is_redirect_page(target))


def redirect_page(target: str, siteurl: str) -> str:
    absolute = target if target.startswith("https://") else siteurl.rstrip("/") + target
    href = html.escape(absolute if siteurl else target, quote=True)
    # Written here rather than by Pelican's writer: French typography applied as it is
    # to every page (programme.typography).
    return french_html(
        "<!doctype html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"{REDIRECT_MARKER}\n"
        '<meta name="robots" content="noindex">\n'
        "<title>Cette page a changé d’adresse</title>\n"
        f'<link rel="canonical" href="{href}">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        "</head>\n<body>\n"
        f'<p>Cette page a changé d’adresse : <a href="{href}">{html.escape(absolute)}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def write_redirects(output: Path, redirects: dict[str, str], siteurl: str) -> None:
    """The redirect pages and both server maps (also written when there is none, so
    that the server configuration can always include them)."""
    output = Path(output)
    for old, new in redirects.items():
        if not old.endswith("/"):  # a file address (old feed…): only the server maps serve it
            continue
        page = output / old.lstrip("/") / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(redirect_page(new, siteurl), encoding="utf-8")
    pairs = sorted(redirects.items())
    (output / "_redirects").write_text(
        "# Généré par plugins/seo à partir de content/data/redirections.yml\n"
        + "".join(f"{old} {new} 301\n" for old, new in pairs),
        encoding="utf-8",
    )
    lines = []
    for old, new in pairs:
        lines.append(f"{_nginx_quote(old)} {_nginx_quote(new)};\n")
        if old.endswith("/") and len(old) > 1:  # also the address typed without its slash
            lines.append(f"{_nginx_quote(old.rstrip('/'))} {_nginx_quote(new)};\n")
    (output / "_redirects.nginx").write_text(
        "# Généré par plugins/seo à partir de content/data/redirections.yml\n" + "".join(lines),
        encoding="utf-8",
    )


def _nginx_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def missing_urls(manifest: list[str], output: Path, redirects: dict[str, str]) -> list[str]:
    return [url for url in manifest if url not in redirects and not exists(output, url)]

"""Which pages the quality gates load: every page of the built site, grouped by the
template that renders it, so that a page type added later is covered as soon as it
exists in the build (tests/test_quality_*.py)."""

from __future__ import annotations

import re
from pathlib import Path

# (template, URL pattern, must the demo have it?). First match wins. A page that matches
# none still gets covered, under a template named after its folder.
TEMPLATES = [
    ("home", r"/", True),
    ("404", r"/404\.html", True),
    ("signup", r"/inscription/", False),
    ("signup_thanks", r"/inscription/merci/", False),
    ("search", r"/recherche/", False),
    ("territories", r"/territoires/", True),
    ("territory", r"/territoires/[^/]+/", True),
    ("testimonials", r"/temoignages/", True),
    ("testimonial", r"/temoignages/[^/]+/", True),
    ("campaigns", r"/campagnes/", True),
    ("campaign", r"/campagnes/[^/]+/", True),
    ("podcast", r"/podcast/", True),
    ("podcast_subscribe", r"/podcast/abonnement/", True),
    ("transcript", r"/podcast/[^/]+/transcription/", True),
    ("episode", r"/podcast/[^/]+/", False),
    ("key_figures", r"/chiffres-cles/", True),
    ("news", r"/actualites/", True),
    ("article", r"/actualites/[^/]+/", True),
    ("page", r"/[^/]+/", True),
]
# The page of each template the browser gates load when several exist (else the first).
PREFERRED = {
    "territory": "/territoires/grand-besancon/",
    "testimonial": "/temoignages/karim-ingenieur-a-besancon/",
    "page": "/accessibilite/",
}


def url_path(root: Path, file: Path) -> str:
    path = "/" + file.relative_to(root).as_posix()
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def template_of(path: str) -> str:
    for name, pattern, _required in TEMPLATES:
        if re.fullmatch(pattern, path):
            return name
    return "other:" + path.strip("/").split("/")[0]


# Not a page for visitors: the web editor (plugins/cms) is Decap CMS's application, for
# editors, under its own policy; tests/test_cms_*.py cover it.
EDITOR = "/admin/"


def all_pages(root: Path) -> list[str]:
    """URL path of every HTML page of the built site (the web editor's excepted)."""
    paths = (url_path(root, f) for f in root.rglob("*.html"))
    return sorted(p for p in paths if not p.startswith(EDITOR))


def is_redirect(root: Path, path: str) -> bool:
    """A stable-URL redirect stub (plugins/seo): validated and link-checked, not a template."""
    file = root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    head = file.read_text(encoding="utf-8", errors="replace")[:2000].lower()
    return 'http-equiv="refresh"' in head


def pages_by_template(root: Path) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for path in all_pages(root):
        template = "redirect" if is_redirect(root, path) else template_of(path)
        grouped.setdefault(template, []).append(path)
    return grouped


def representative_pages(root: Path) -> dict[str, str]:
    """One page per template present in the build: {template: URL path}."""
    chosen = {}
    for template, paths in sorted(pages_by_template(root).items()):
        if template == "redirect":
            continue
        preferred = PREFERRED.get(template)
        chosen[template] = preferred if preferred in paths else paths[0]
    return chosen


def missing_required_templates(root: Path) -> list[str]:
    present = pages_by_template(root)
    return [name for name, _pattern, required in TEMPLATES if required and name not in present]

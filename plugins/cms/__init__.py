"""Web editing at /admin/: Decap CMS, bundled with the site, over the same Markdown files.

- /admin/config.json (what Decap usually reads from config.yml) is generated from
  programme.schema at each build, that is from the
  readers the build validates with: one collection per content type and one for the
  key figures file, French labels and help, the build's required fields and patterns.
- Decap's own files are copied (hard-linked) from node_modules/decap-cms/dist (npm,
  package.json) into /admin/: no CDN, nothing loaded from another site.
- /admin/admin.js adds the previews (the crop the site applies to each image) and, on
  the development server only (127.0.0.1), the local backend `make serve` starts
  (decap-server): entries are then written straight into content/.
- Published, the backend of CMS["backend"] (GitLab, Gitea/Forgejo, GitHub) saves each
  change as a commit; docs/cms.md says how to set it up. `CMS = {"enabled": False}`
  publishes no /admin/ at all.

One dict setting, CMS, with its defaults applied in `settings()`.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from pelican import signals
from venez_vivre.programme.plugin_settings import plugin_settings
from venez_vivre.programme.schema import describe

from . import decap

HERE = Path(__file__).resolve().parent
ADMIN = "admin"  # the public path /admin/ (robots.txt, sitemap and deploy/ name it too)
DECAP_DIST = Path("node_modules") / "decap-cms" / "dist"

DEFAULTS = {
    "enabled": True,
    # Decap's `backend` block, as is: see docs/cms.md (GitLab, Gitea/Forgejo, GitHub).
    "backend": {"name": "gitlab", "repo": "", "branch": "main", "auth_type": "pkce"},
    # Changes go through review (one branch and merge request per entry) before they
    # reach the published branch.
    "editorial_workflow": False,
    # The folder holding decap-cms.js; by default node_modules/decap-cms/dist found in
    # the project folder, the working directory, this plugin's folder or their parents.
    "assets": None,
    # The crop the site applies to each image field, shown in the preview:
    # "ratio" (width / height) or "circle". Posters take POSTERS["print_size_mm"].
    "previews": {
        "territoires": {"hero": {"ratio": 16 / 10}},
        "temoignages": {"portrait": {"circle": True}},
        "campagnes": {"posters.image": {"poster": True}},
        "podcast": {"image": {"ratio": 1.0}},
    },
}


def settings(pelican_settings: dict) -> dict:
    return plugin_settings(pelican_settings, "CMS", DEFAULTS)


# Where each git host's API and sign-in live when the backend does not say (Decap's own
# defaults); a self-hosted GitLab or Gitea/Forgejo sets base_url and api_root.
GIT_HOSTS = {
    "gitlab": ("https://gitlab.com", "https://gitlab.com/api/v4"),
    "github": ("https://github.com", "https://api.github.com"),
    "gitea": ("https://try.gitea.io", "https://try.gitea.io/api/v1"),
}


def content_security_policy(pelican_settings: dict) -> str | None:
    """/admin/'s own policy (deploy/nginx.conf and deploy/_headers scope it to that
    path; the rest of the site keeps the strict one of tools/publish.py), or None when
    the CMS is off. Decap CMS injects its styles at run time ('unsafe-inline' styles)
    and compiles its configuration checks ('unsafe-eval'); it talks to the git host's
    API and shows the repository's images as blob: and data: addresses."""
    config = settings(pelican_settings)
    if not config["enabled"]:
        return None
    backend = config["backend"]
    base_url, api_root = GIT_HOSTS.get(backend.get("name"), ("", ""))
    origins = []
    for url in (backend.get("base_url") or base_url, backend.get("api_root") or api_root):
        parts = urlsplit(url or "")
        if parts.scheme and parts.netloc and f"{parts.scheme}://{parts.netloc}" not in origins:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    git = "".join(f" {origin}" for origin in origins)
    return (
        "default-src 'self'; script-src 'self' 'unsafe-eval'; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob:{git}; media-src 'self' blob:{git}; "
        f"connect-src 'self'{git}; font-src 'self' data:; frame-src 'self' blob:; "
        "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )


def decap_assets(config: dict, project: Path) -> Path:
    if config["assets"]:
        folder = (project / config["assets"]).resolve()
        candidates = [folder]
    else:
        starts = [project.resolve(), Path.cwd().resolve(), HERE]
        candidates = [p / DECAP_DIST for start in starts for p in (start, *start.parents)]
    for folder in candidates:
        if (folder / "decap-cms.js").is_file():
            return folder
    raise ValueError(
        "CMS : les fichiers de Decap CMS sont introuvables (node_modules/decap-cms/dist) : "
        "lancez « npm ci » dans le dossier du projet, indiquez leur dossier dans "
        "CMS['assets'], ou désactivez l’interface avec CMS = {'enabled': False}."
    )


def check_settings(pelican) -> None:
    """Settings mistakes stop the build before any content is read."""
    config = settings(pelican.settings)
    if config["enabled"]:
        decap_assets(config, Path(pelican.settings["PATH"]).parent)


def write_admin(pelican) -> None:
    config = settings(pelican.settings)
    if not config["enabled"]:
        return
    content = Path(pelican.settings["PATH"])
    target = Path(pelican.output_path) / ADMIN
    target.mkdir(parents=True, exist_ok=True)
    types = describe(pelican.settings.get("KEY_FIGURES_FILE", "data/chiffres.yml"))
    site_url = pelican.settings.get("SITEURL") or ""
    generated = decap.config(
        types,
        content_folder=content.name,
        backend=config["backend"],
        site_url=site_url,
        workflow=config["editorial_workflow"],
    )
    # JSON rather than Decap's usual config.yml: admin.js hands it to CMS.init, and no
    # server needs to know a YAML media type.
    (target / "config.json").write_text(
        json.dumps(generated, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (target / "previews.json").write_text(
        json.dumps(_previews(config, pelican.settings), ensure_ascii=False), encoding="utf-8"
    )
    sitename = pelican.settings.get("SITENAME", "")
    page = (HERE / "static" / "index.html").read_text(encoding="utf-8")
    (target / "index.html").write_text(page.replace("{sitename}", sitename), encoding="utf-8")
    for name in ("admin.js", "manual-init.js", "preview.css"):
        shutil.copyfile(HERE / "static" / name, target / name)
    assets = decap_assets(config, content.parent)
    for source in sorted(assets.iterdir()):
        # decap-cms.js and the chunks it loads on demand (N.decap-cms.js, *.wasm); not
        # the source maps, nor cms.js (the same bundle under its older name).
        if source.name.endswith("decap-cms.js") or source.suffix == ".wasm":
            _link_or_copy(source, target / source.name)


def _previews(config: dict, pelican_settings: dict) -> dict:
    width, height = (pelican_settings.get("POSTERS") or {}).get("print_size_mm", (297, 420))
    out = {}
    for collection, fields in config["previews"].items():
        out[collection] = {}
        for name, crop in fields.items():
            crop = dict(crop)
            if crop.pop("poster", False):
                crop["ratio"] = width / height
            out[collection][name] = crop
    return out


def _link_or_copy(source: Path, target: Path) -> None:
    """5 MB of JavaScript at every build: a hard link costs nothing."""
    if target.exists():
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def register():
    signals.initialized.connect(check_settings)
    signals.finalized.connect(write_admin)

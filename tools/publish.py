"""Production build: build, check, fingerprint, precompress, then swap in.

    python tools/publish.py [--settings publishconf.py] [--output output] [--no-manifest]

Builds with publishconf.py into a fresh directory (tools/build.py), then runs the
checks a published site must pass (internal links resolve, no third-party resource,
nothing the Content-Security-Policy would block, sitemap and robots.txt present).
Only if all pass are CSS/JS names fingerprinted, text files precompressed (.gz, .br)
and the fresh directory swapped in place of `output/`; the previous output is untouched
otherwise. Finally the published-URL manifest (content/urls-publiees.txt) gains the
new addresses: commit it. Exit status: 0 published, 1 content errors or failed checks,
2 any other failure.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import venez_vivre.deploy
from venez_vivre.programme import html_scan
from venez_vivre.programme.files import MEDIA_TYPES, TEXT_SUFFIXES
from venez_vivre.tools.build import build

DEPLOY_TEMPLATES = Path(venez_vivre.deploy.__file__).parent

MIN_COMPRESS_BYTES = 256
# Brotli's best quality takes ~30 s on /admin/'s 5 MB of Decap CMS at each publication;
# quality 5 takes under a second for a file 16 % larger, read by editors only.
LARGE_FILE_BYTES = 1_000_000
FINGERPRINTED = ("theme/css", "theme/js")
FINGERPRINT = re.compile(r"\.[0-9a-f]{10}\.(?:css|js)$")
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300, must-revalidate"
DAY_CACHE = "public, max-age=86400"
# Types of the site's files that Debian's older mime.types lacks: deploy/nginx.conf
# declares them, from the one table of media types.
NGINX_ADDED_TYPES = (".avif", ".webp", ".vtt", ".srt", ".webmanifest", ".ics")


def cache_control(path: str) -> str:
    """The Cache-Control of a published file, by its path relative to the site root.
    deploy/nginx.conf and deploy/_headers say the same; tests check they agree."""
    path = path.lstrip("/")
    if FINGERPRINT.search(path):
        return LONG_CACHE
    if re.match(r"images/.+-[0-9a-f]{10}\.\w+$", path):  # derivatives carry their digest
        return LONG_CACHE
    if re.match(r"pagefind/(fragment|index|filter)/", path):  # content-hashed by Pagefind
        return LONG_CACHE
    if path.endswith((".html", ".xml", ".txt", ".json")) or path.endswith("/") or not path:
        return SHORT_CACHE
    if path.startswith("pagefind/"):  # pagefind.js & co. change with each release
        return SHORT_CACHE
    return DAY_CACHE


# -- checks ----------------------------------------------------------------------------
def check_site(output: Path, siteurl: str) -> list[str]:
    """Every problem that should stop a publication, in French, one line each: broken
    internal references (tools/check_links.py), resources from other origins, and
    anything the Content-Security-Policy would block."""
    from venez_vivre.tools import check_links

    problems = []
    for name in ("sitemap.xml", "robots.txt", "404.html"):
        if not (output / name).is_file():
            problems.append(f"{name} absent du site construit.")
    checker = check_links.LinkChecker(output, siteurl)
    broken: dict[str, list[str]] = {}  # address → pages that carry it
    for problem in checker.run():
        broken.setdefault(f"{problem.url} — {problem.reason}", []).append(problem.source)
    for link, pages in sorted(broken.items()):
        pages = sorted(set(pages))
        where = pages[0] if len(pages) == 1 else f"{len(pages)} fichiers, dont {pages[0]}"
        problems.append(f"lien cassé : {link} ({where})")
    for file in sorted(checker.root.rglob("*.html")):
        relative = file.relative_to(checker.root).as_posix()
        if relative.startswith("pagefind/"):
            continue
        page = checker.page(file)  # read once, by the link check
        problems += [f"/{relative}, ligne {line} : {reason}" for line, reason in page.blocked]
        problems += [
            f"/{relative}, ligne {resource.line} : ressource tierce "
            f"{resource.context.split()[0]}> {resource.url}"
            for resource in html_scan.third_party_resources(page, siteurl)
        ]
    return problems


# -- post-processing -------------------------------------------------------------------
def fingerprint_assets(output: Path) -> dict[str, str]:
    """Rename theme CSS/JS to name.<hash>.ext and rewrite every reference in HTML/CSS."""
    renamed = {}
    for folder in FINGERPRINTED:
        for asset in sorted((output / folder).glob("*")):
            if asset.suffix not in (".css", ".js") or FINGERPRINT.search(asset.name):
                continue
            digest = hashlib.sha256(asset.read_bytes()).hexdigest()[:10]
            new = asset.with_name(f"{asset.stem}.{digest}{asset.suffix}")
            asset.rename(new)
            renamed["/" + asset.relative_to(output).as_posix()] = (
                "/" + new.relative_to(output).as_posix()
            )
    if not renamed:
        return renamed
    pattern = re.compile("|".join(re.escape(old) + r'(?=["\')?#])' for old in renamed))
    for document in list(output.rglob("*.html")) + list(output.rglob("*.css")):
        if document.relative_to(output).parts[0] == "pagefind":
            continue
        text = document.read_text(encoding="utf-8")
        new_text = pattern.sub(lambda m: renamed[m.group(0)], text)
        if new_text != text:
            document.write_text(new_text, encoding="utf-8")
    return renamed


def precompress(output: Path) -> int:
    """Write .gz and .br next to each text file (gzip_static / brotli_static in nginx)."""
    import brotli

    count = 0
    for path in sorted(output.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        data = path.read_bytes()
        if len(data) < MIN_COMPRESS_BYTES:
            continue
        gz = gzip.compress(data, compresslevel=9, mtime=0)  # mtime 0: same bytes each build
        br = brotli.compress(data, quality=11 if len(data) < LARGE_FILE_BYTES else 5)
        if len(gz) < len(data):
            path.with_name(path.name + ".gz").write_bytes(gz)
            count += 1
        if len(br) < len(data):
            path.with_name(path.name + ".br").write_bytes(br)
    return count


def content_security_policy(settings: dict) -> str:
    """The policy the site is tested under. The signup form posts (and, with
    JavaScript, fetches) to SIGNUP_ENDPOINT, usually another origin; Pagefind compiles
    WebAssembly, which needs 'wasm-unsafe-eval' (not 'unsafe-eval')."""
    endpoint = urlsplit(settings.get("SIGNUP_ENDPOINT") or "")
    signup = f" {endpoint.scheme}://{endpoint.netloc}" if endpoint.netloc else ""
    return (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
        "img-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
        f"form-action 'self'{signup}; connect-src 'self'{signup}"
    )


def render(template: str, **values) -> str:
    import jinja2

    source = (DEPLOY_TEMPLATES / template).read_text(encoding="utf-8")
    return jinja2.Template(source, keep_trailing_newline=True).render(**values)


def admin_content_security_policy(settings: dict) -> str | None:
    """/admin/'s own policy, or None without the web editor (plugins/cms)."""
    from venez_vivre.cms import content_security_policy as cms_policy

    return cms_policy(settings) if "venez_vivre.cms" in settings.get("PLUGINS", []) else None


def render_nginx_conf(
    root, csp: str, listen=("443 ssl", "[::]:443 ssl"), server_name="_", admin_csp=None
):
    added_types = [(suffix.lstrip("."), MEDIA_TYPES[suffix]) for suffix in NGINX_ADDED_TYPES]
    return render(
        "nginx.conf",
        root=str(root),
        csp=csp,
        admin_csp=admin_csp,
        listen=list(listen),
        server_name=server_name,
        added_types=added_types,
    )


def write_headers_file(output: Path, csp: str, admin_csp: str | None = None) -> None:
    """`_headers` for static hosts that read it (the nginx map is written by the build)."""
    long_cache = sorted(
        "/" + p.relative_to(output).as_posix()
        for p in output.rglob("*")
        if p.is_file()
        and not p.relative_to(output).as_posix().startswith("pagefind/")
        and cache_control(p.relative_to(output).as_posix()) == LONG_CACHE
    )
    (output / "_headers").write_text(
        render("_headers", csp=csp, admin_csp=admin_csp, long_cache=long_cache),
        encoding="utf-8",
    )


def swap_in(fresh: Path, output: Path) -> None:
    retired = output.with_name(f".{output.name}.previous")
    shutil.rmtree(retired, ignore_errors=True)
    if output.exists():
        output.rename(retired)
    fresh.rename(output)
    shutil.rmtree(retired, ignore_errors=True)


def publish(
    settings_file,
    output,
    update_manifest: bool = True,
    quiet: bool = True,
    overrides: dict | None = None,
) -> dict:
    from pelican.settings import read_settings

    settings_file = Path(settings_file).resolve()
    output = Path(output).resolve()
    fresh = output.with_name(f".{output.name}.publishing")
    shutil.rmtree(fresh, ignore_errors=True)
    result = build(settings_file, fresh, overrides=overrides, quiet=quiet, record=False)
    fresh.with_name(f".{fresh.name}.lock").unlink(missing_ok=True)  # nobody else builds it
    if not result["ok"]:
        return result
    previous_cwd = os.getcwd()
    os.chdir(settings_file.parent)
    try:
        settings = read_settings(str(settings_file), override=overrides)
    finally:
        os.chdir(previous_cwd)
    problems = check_site(fresh, settings.get("SITEURL", ""))
    if problems:
        shutil.rmtree(fresh, ignore_errors=True)
        report = "Le site construit ne passe pas les vérifications ; rien n’a été publié :\n"
        report += "\n".join(f"  • {p}" for p in problems)
        return {"ok": False, "errors": problems, "report": report}
    renamed = fingerprint_assets(fresh)
    write_headers_file(
        fresh, content_security_policy(settings), admin_content_security_policy(settings)
    )
    compressed = precompress(fresh)

    from venez_vivre.seo import settings as seo_settings
    from venez_vivre.seo.stable_urls import published_urls, write_manifest

    added = []
    if update_manifest:
        manifest = Path(settings["PATH"]) / seo_settings(settings)["published_urls"]
        if not manifest.is_absolute():
            manifest = settings_file.parent / manifest
        added = write_manifest(manifest, published_urls(fresh))
    swap_in(fresh, output)
    return {
        "ok": True,
        "errors": [],
        "seconds": result["seconds"],
        "fingerprinted": renamed,
        "compressed": compressed,
        "new_urls": added,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="publishconf.py")
    parser.add_argument("--output", default="output")
    parser.add_argument(
        "--no-manifest", action="store_true", help="do not add new URLs to the manifest"
    )
    parser.add_argument(
        "--nginx-conf",
        metavar="FILE",
        help="only render deploy/nginx.conf for --output (as --root) into FILE",
    )
    parser.add_argument("--root", help="with --nginx-conf: the site's folder on the server")
    parser.add_argument("--server-name", default="_")
    args = parser.parse_args(argv)
    if args.nginx_conf:
        from pelican.settings import read_settings

        settings = read_settings(str(Path(args.settings).resolve()))
        root = args.root or str(Path(args.output).resolve())
        Path(args.nginx_conf).write_text(
            render_nginx_conf(
                root,
                content_security_policy(settings),
                server_name=args.server_name,
                admin_csp=admin_content_security_policy(settings),
            ),
            encoding="utf-8",
        )
        print(f"Configuration nginx écrite dans {args.nginx_conf}.")
        return 0
    try:
        result = publish(args.settings, args.output, update_manifest=not args.no_manifest)
    except Exception as error:  # a bug: say it, keep the previous output
        print(
            f"La publication a échoué ; le site précédent est conservé : {error}", file=sys.stderr
        )
        return 2
    if not result["ok"]:
        print(result["report"], file=sys.stderr)
        return 1
    print(
        f"Site publié dans {args.output}/ en {result['seconds']} s "
        f"({len(result['fingerprinted'])} fichiers CSS/JS renommés, "
        f"{result['compressed']} fichiers précompressés)."
    )
    if result["new_urls"]:
        print(
            f"{len(result['new_urls'])} nouvelle(s) adresse(s) ajoutée(s) à la liste des "
            "adresses publiées : enregistrez (commit) content/urls-publiees.txt."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

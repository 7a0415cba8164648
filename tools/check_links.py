"""Check that every internal reference of a built site resolves.

    python tools/check_links.py [OUTPUT_DIR] [--site-url URL | --settings publishconf.py]

Reads the built files only (no server, no network): HTML pages (links, images, `srcset`
candidates, audio/video/track sources, scripts, stylesheets, feed links, social-card and
JSON-LD URLs, `#anchors`), stylesheets (`url(...)`, `@import`), XML files (feeds and
sitemaps: `href`/`url`/`src` attributes, `<link>`, `<loc>`), web manifests and robots.txt.
A Pelican `{filename}` (or `{static}`, `{attach}`…) reference that Pelican could not
resolve is reported too: Pelican leaves it in the page with a mere warning.

External addresses (another origin, `mailto:`, `tel:`…) are not fetched: the privacy
tests make sure pages load nothing from elsewhere. Exit status 0 when everything
resolves, 1 when a problem is found (each one listed with its file and line).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from venez_vivre.programme import html_scan

SKIPPED_SCHEMES = {"mailto", "tel", "sms", "data", "blob", "javascript", "about", "geo"}
PELICAN_PLACEHOLDER = re.compile(
    r"(\{|%7B)(filename|static|attach|index|tag|category|author)(\}|%7D)", re.I
)
XML_URL_ATTRIBUTES = {"href", "url", "src"}
XML_URL_ELEMENTS = {"link", "loc", "url"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


@dataclass(frozen=True)
class Problem:
    source: str  # file of the built site, relative to its root
    line: int
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.url} — {self.reason}"


class LinkChecker:
    def __init__(self, root: Path, site_url: str = ""):
        self.root = Path(root).resolve()
        split = urlsplit(site_url.rstrip("/"))
        self.site_origin = f"{split.scheme}://{split.netloc}".lower() if split.netloc else ""
        self.site_path = split.path.rstrip("/")  # a site published under a sub-path
        self.problems: list[Problem] = []
        self.checked = 0
        self.external: set[str] = set()
        self.pages: dict[Path, html_scan.Page] = {}  # each page read once

    # --- resolving -----------------------------------------------------------------
    def _url_path_of(self, file: Path) -> str:
        """The URL path under which `file` is served (relative to the site root)."""
        return "/" + file.relative_to(self.root).as_posix()

    def _target(self, url: str, base_path: str) -> tuple[Path | None, str, str | None]:
        """(file, fragment, problem) for a reference found in a file served at base_path.
        file is None for a reference that is not checked (external, mailto…)."""
        split = urlsplit(url)
        scheme = split.scheme.lower()
        if scheme in SKIPPED_SCHEMES:
            return None, "", None
        if split.netloc or scheme:
            origin = f"{scheme}://{split.netloc}".lower()
            if not self.site_origin or origin != self.site_origin:
                self.external.add(url)
                return None, "", None
            path = split.path or "/"
            if self.site_path:
                if not (path == self.site_path or path.startswith(self.site_path + "/")):
                    return None, "", "en dehors du site (SITEURL)"
                path = path[len(self.site_path) :] or "/"
        elif split.path.startswith("/"):
            path = split.path
            if self.site_path and (path == self.site_path or path.startswith(self.site_path + "/")):
                path = path[len(self.site_path) :] or "/"
        elif split.path:
            path = str(PurePosixPath(base_path).parent / split.path)
        else:  # "#anchor" or "?query": the page itself
            path = base_path
        parts = []
        for part in unquote(path).split("/"):
            if part == "..":
                if not parts:
                    return None, "", "remonte au-dessus de la racine du site"
                parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        file = self.root.joinpath(*parts)
        if path.endswith("/") or file.is_dir():
            file = file / "index.html"
        return file, unquote(split.fragment), None

    def page(self, file: Path) -> html_scan.Page:
        """The references, anchors and inline code of a built page, read once."""
        if file not in self.pages:
            self.pages[file] = html_scan.scan(file.read_text(encoding="utf-8", errors="replace"))
        return self.pages[file]

    def check_reference(self, source: Path, line: int, url: str, context: str = "") -> None:
        self.checked += 1
        relative = source.relative_to(self.root).as_posix()
        if context == "json-invalid":
            self.problems.append(Problem(relative, line, url, "bloc JSON-LD illisible"))
            return
        if PELICAN_PLACEHOLDER.search(url):
            self.problems.append(
                Problem(
                    relative,
                    line,
                    url,
                    "lien {filename} non résolu par Pelican : le fichier visé n’existe pas "
                    "(vérifiez le chemin, relatif au dossier content/)",
                )
            )
            return
        target, fragment, problem = self._target(url, self._url_path_of(source))
        if problem:
            self.problems.append(Problem(relative, line, url, problem))
            return
        if target is None:
            return
        if not target.is_file():
            shown = "/" + target.relative_to(self.root).as_posix()
            self.problems.append(Problem(relative, line, url, f"introuvable ({shown} absent)"))
            return
        is_page_anchor = fragment and not fragment.startswith(":~:") and target.suffix == ".html"
        if is_page_anchor and fragment not in self.page(target).anchors:
            self.problems.append(
                Problem(relative, line, url, f"ancre #{fragment} absente de la page visée")
            )

    # --- per file type -------------------------------------------------------------
    def check_html(self, file: Path) -> None:
        page = self.page(file)
        for line in page.invalid_json_ld:
            self.check_reference(file, line, "(JSON-LD)", "json-invalid")
        for reference in page.references:
            self.check_reference(file, reference.line, reference.url, reference.context)

    def check_css(self, file: Path) -> None:
        text = file.read_text(encoding="utf-8", errors="replace")
        for match in CSS_URL.finditer(text):
            url = (match.group(2) or match.group(4)).strip()
            if url.startswith("#"):  # SVG filter/marker references inside the document
                continue
            self.check_reference(file, text.count("\n", 0, match.start()) + 1, url)

    def check_xml(self, file: Path) -> None:
        text = file.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"<\?xml-stylesheet[^>]*href=\"([^\"]+)\"", text):
            self.check_reference(file, text.count("\n", 0, match.start()) + 1, match.group(1))
        try:
            tree = ET.fromstring(text.encode("utf-8"))
        except ET.ParseError as error:
            relative = file.relative_to(self.root).as_posix()
            self.problems.append(Problem(relative, 0, "(XML)", f"XML illisible : {error}"))
            return
        for element in tree.iter():
            local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
            for name, value in element.attrib.items():
                if name.rsplit("}", 1)[-1] in XML_URL_ATTRIBUTES:
                    self._check_if_address(file, value)
            if local in XML_URL_ELEMENTS and element.text and element.text.strip():
                self._check_if_address(file, element.text.strip())

    def _check_if_address(self, file: Path, value: str) -> None:
        # In XML, an attribute named href/url is not always an address of ours (an Atom
        # <link> in a feed may name another site): check what is ours only.
        local = value.startswith("/") and not value.startswith("//")
        if local or (self.site_origin and value.lower().startswith(self.site_origin)):
            self.check_reference(file, 0, value)

    def check_manifest(self, file: Path) -> None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except ValueError as error:
            relative = file.relative_to(self.root).as_posix()
            self.problems.append(Problem(relative, 0, "(JSON)", f"manifeste illisible : {error}"))
            return
        urls = [data.get("start_url"), *[i.get("src") for i in data.get("icons", [])]]
        for url in filter(None, urls):
            self.check_reference(file, 0, url)

    def check_robots(self, file: Path) -> None:
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("sitemap:"):
                self._check_if_address(file, line.split(":", 1)[1].strip())

    def run(self) -> list[Problem]:
        for file in sorted(self.root.rglob("*")):
            if not file.is_file():
                continue
            suffix = file.suffix.lower()
            if suffix in (".html", ".htm"):
                self.check_html(file)
            elif suffix == ".css":
                self.check_css(file)
            elif suffix in (".xml", ".rss", ".atom", ".xsl"):
                self.check_xml(file)
            elif suffix == ".webmanifest" or file.name == "manifest.json":
                self.check_manifest(file)
            elif file.name == "robots.txt" and file.parent == self.root:
                self.check_robots(file)
        return self.problems


def check_site(root, site_url: str = "") -> list[Problem]:
    """Every broken internal reference of the site built in `root`."""
    return LinkChecker(Path(root), site_url).run()


def _site_url_from_settings(settings_file: str) -> str:
    from pelican.settings import read_settings

    return read_settings(settings_file).get("SITEURL", "")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default="output", help="built site (output/)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--site-url", default="", help="SITEURL the site was built with")
    group.add_argument("--settings", help="read SITEURL from this Pelican settings file")
    args = parser.parse_args(argv)
    root = Path(args.output)
    if not (root / "index.html").is_file():
        print(f"{root}/index.html n’existe pas : construisez d’abord le site.", file=sys.stderr)
        return 2
    site_url = _site_url_from_settings(args.settings) if args.settings else args.site_url
    checker = LinkChecker(root, site_url)
    problems = checker.run()
    for problem in problems:
        print(problem)
    print(
        f"{checker.checked} références vérifiées, {len(problems)} lien(s) cassé(s), "
        f"{len(checker.external)} adresse(s) externe(s) non suivie(s)."
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

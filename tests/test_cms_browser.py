"""The web editor at /admin/, in Chromium, against `make serve`'s servers (tools/serve.py
and the decap-server it starts), on a copy of the demo: an editor creates a testimonial
with a portrait, edits a territory, and cannot save a testimonial missing a required
field; no request may leave loopback, and the console stays free of errors. Then the
published /admin/ starts under its own Content-Security-Policy.

UPDATE_SCREENSHOTS=1 writes the screenshots of docs/guide-editeur.md into docs/images/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import ROOT, free_port
from venez_vivre.cms import content_security_policy
from venez_vivre.tools.static_server import StaticServer

PHOTO = ROOT.parent / "shared" / "photos" / "kite.jpg"
SCREENSHOTS = ROOT / "docs" / "images"
LOOPBACK = {"127.0.0.1", "localhost"}


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def wait_until(predicate, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


@pytest.fixture(scope="module")
def cms_server(tmp_path_factory):
    """serve.py, with its decap-server, over a copy of the demo project."""
    project = tmp_path_factory.mktemp("cms")
    content = project / "content"
    shutil.copytree(ROOT / "content", content)
    settings = project / "settings.py"
    settings.write_text(
        "from venez_vivre.settings import settings_beside\n"
        f"globals().update(settings_beside({str(ROOT / 'pelicanconf.py')!r}, 'pelicanconf.py'))\n"
        f"PATH = {str(content)!r}\n"
        f"IMAGES = {{**IMAGES, 'cache_dir': {str(ROOT / '.cache' / 'images')!r}}}\n",
        encoding="utf-8",
    )
    cms_port = free_port()  # decap-server takes a port number, not 0
    log_file = project / "serve.log"
    log = log_file.open("wb")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "venez_vivre.tools.serve", "--settings", str(settings)),
            *("--output", str(project / "output"), "--port", "0"),
            *("--cms-port", str(cms_port), "--no-receiver"),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def announced():
        return re.search(rb"Site : (http://\S+)/ ", log_file.read_bytes())

    try:
        assert wait_until(announced, 240), "no dev server:\n" + log_file.read_text()
        url = announced().group(1).decode()
        assert wait_until(lambda: fetch(url + "/admin/")[0] == 200, 240), "no /admin/"
        status = json.loads(fetch(url + "/__dev/status")[1])
        assert status["cms_backend"] == f"http://127.0.0.1:{cms_port}/api/v1"
        yield {"url": url, "content": content, "cms_port": cms_port, "project": project}
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        print((project / "serve.log").read_text(encoding="utf-8", errors="replace")[-3000:])


def built(cms_server) -> float:
    return json.loads(fetch(cms_server["url"] + "/__dev/status")[1])["finished"]


@pytest.fixture
def editor(browser, cms_server, tmp_path):
    """A page signed in to /admin/ (the local backend's « Se connecter »)."""
    foreign, errors = [], []

    def route(route):
        if urlsplit(route.request.url).hostname not in LOOPBACK:
            foreign.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(cms_server["url"] + "/admin/")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Collections").wait_for()
    shots = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    session = SimpleNamespace(page=page, shots=shots, tmp=tmp_path, expected_errors=[])
    yield session
    context.close()
    assert foreign == [], "requests left loopback"
    assert errors == session.expected_errors, "console errors"


def shoot(editor, name: str) -> None:
    editor.page.screenshot(path=str(Path(editor.shots) / f"cms-{name}.png"))


def publish_now(page) -> None:
    page.get_by_role("button", name="Publier", exact=True).click()
    page.get_by_role("menuitem", name="Publier maintenant").click()


def test_an_editor_creates_a_testimonial_with_a_portrait(editor, cms_server):
    page, content = editor.page, cms_server["content"]
    shoot(editor, "collections")
    before = built(cms_server)
    page.goto(cms_server["url"] + "/admin/#/collections/temoignages/new")
    page.get_by_label("Titre").fill("Une vie plus simple à Dijon")
    page.get_by_label("Personne").fill("Zoé T.")
    page.get_by_label("Vient de").fill("Lille")
    page.get_by_label("Territoire").click()
    page.keyboard.type("Dijon")
    page.get_by_role("option", name="Dijon Métropole").click()
    page.locator("input[type=date]").fill("2025-11-30")
    page.get_by_label("Citation").fill("Ici, on prend le temps de vivre.")
    page.get_by_role("button", name="Choisir une image").click()
    upload = editor.tmp / "portrait-zoe-t.jpg"  # a name the demo's images do not have
    shutil.copyfile(PHOTO, upload)
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Choisir les éléments sélectionnés").click()
    page.get_by_label("Description du portrait").fill("Zoé sur le quai de la gare")
    # The preview shows the portrait as the site crops it: a circle.
    preview = page.frame_locator("iframe").first
    circle = preview.locator(".crop-circle img")
    circle.wait_for()
    radius = circle.evaluate("img => getComputedStyle(img.parentElement).borderRadius")
    assert radius == "50%"
    shoot(editor, "nouveau-temoignage")
    publish_now(page)
    page.get_by_text("Entrée enregistrée").wait_for()

    written = content / "temoignages" / "une-vie-plus-simple-a-dijon.md"
    assert written.is_file(), sorted(p.name for p in (content / "temoignages").iterdir())
    front = yaml.safe_load(written.read_text(encoding="utf-8").split("---")[1])
    assert front["title"] == "Une vie plus simple à Dijon"
    assert front["person"] == "Zoé T." and front["origin"] == "Lille"
    assert front["territory"] == "dijon-metropole"
    assert str(front["date"]) == "2025-11-30"
    assert front["quote"] == "Ici, on prend le temps de vivre."
    assert front["portrait"] == "images/portrait-zoe-t.jpg"
    assert (content / front["portrait"]).read_bytes() == PHOTO.read_bytes()
    assert front["portrait_alt"] == "Zoé sur le quai de la gare"

    page_url = cms_server["url"] + "/temoignages/une-vie-plus-simple-a-dijon/"
    assert wait_until(lambda: fetch(page_url)[0] == 200), "the dev server did not rebuild"
    assert built(cms_server) > before
    html = fetch(page_url)[1]
    assert "Ici, on prend le temps de vivre." in html and "Zoé T." in html
    # The entry links to its page.
    page.goto(cms_server["url"] + "/admin/#/collections/temoignages/entries/" + written.stem)
    page.reload()  # the editor asks for the entry's live address when it opens
    live = page.get_by_role("link", name="Voir en direct")
    assert live.get_attribute("href") == page_url


def test_an_editor_changes_a_territory_summary(editor, cms_server):
    page = editor.page
    summary = "Une métropole verte, à 1 h 35 de Paris, où l’on vit à vélo."
    page.goto(cms_server["url"] + "/admin/#/collections/territoires/entries/dijon-metropole")
    field = page.get_by_label("Résumé")
    field.fill(summary)
    shoot(editor, "territoire")
    publish_now(page)
    page.get_by_text("Entrée enregistrée").wait_for()
    source = (cms_server["content"] / "territoires" / "dijon-metropole.md").read_text("utf-8")
    assert yaml.safe_load(source.split("---")[1])["summary"] == summary
    page_url = cms_server["url"] + "/territoires/dijon-metropole/"
    assert wait_until(lambda: summary in fetch(page_url)[1]), "the page did not change"


def test_the_editor_refuses_a_testimonial_without_its_required_fields(editor, cms_server):
    page, folder = editor.page, cms_server["content"] / "temoignages"
    before = sorted(p.name for p in folder.iterdir())
    page.goto(cms_server["url"] + "/admin/#/collections/temoignages/new")
    page.get_by_label("Titre").fill("Un témoignage incomplet")
    publish_now(page)
    page.get_by_text("Le champ Personne est requis.").wait_for()
    page.get_by_text("Oops, il manque un champ requis.").wait_for()
    # How Decap CMS itself stops the save: its publish action rejects, with no reason.
    editor.expected_errors.append("undefined")
    shoot(editor, "champ-obligatoire")
    assert sorted(p.name for p in folder.iterdir()) == before


def test_an_editor_adds_a_campaign_and_an_episode(editor, cms_server):
    """Lists of blocks (posters) and uploads outside images/ (the episode's audio)."""
    page, content = editor.page, cms_server["content"]
    page.goto(cms_server["url"] + "/admin/#/collections/campagnes/new")
    page.get_by_label("Titre", exact=True).fill("Printemps à Belfort")
    page.get_by_label("Résumé").fill("Une campagne d’affichage dans le métro parisien.")
    page.get_by_label("Début").fill("2026-03-01")
    page.get_by_label("Fin", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Ajouter affiches").click()
    page.get_by_role("button", name="Choisir une image").click()
    poster = editor.tmp / "affiche-belfort.jpg"
    shutil.copyfile(PHOTO, poster)
    page.set_input_files("input[type=file]", str(poster))
    page.get_by_role("button", name="Choisir les éléments sélectionnés").click()
    page.get_by_label("Description du visuel").fill("Un lac en automne")
    page.get_by_label("Page d’arrivée du code QR").fill("/territoires/grand-belfort/")
    # The preview frames the poster as the site composes it: A3 portrait.
    frame = page.frame_locator("iframe").first.locator(".crop-frame").first
    frame.wait_for()
    box = frame.bounding_box()
    assert box["width"] / box["height"] == pytest.approx(297 / 420, abs=0.01)
    publish_now(page)
    page.get_by_text("Entrée enregistrée").wait_for()
    source = (content / "campagnes" / "printemps-a-belfort.md").read_text(encoding="utf-8")
    front = yaml.safe_load(source.split("---")[1])
    assert (str(front["start"]), str(front["end"])) == ("2026-03-01", "2026-03-31")
    assert front["posters"] == [
        {
            "image": "images/affiche-belfort.jpg",
            "alt": "Un lac en automne",
            "landing": "/territoires/grand-belfort/",
        }
    ]

    page.goto(cms_server["url"] + "/admin/#/collections/podcast/new")
    page.reload()  # a hash change alone does not leave a just-saved entry
    page.get_by_label("Titre", exact=True).fill("Vivre à Belfort")
    page.locator("input[type=date]").fill("2025-12-01")
    page.get_by_label("Résumé").fill("Un épisode sur Belfort et son lion.")
    page.get_by_label("Numéro d’épisode").fill("42")
    page.get_by_role("button", name="Choisir un fichier").first.click()
    audio = editor.tmp / "vivre-a-belfort.mp3"
    shutil.copyfile(sorted((ROOT / "content" / "audio").glob("*.mp3"))[0], audio)
    page.set_input_files("input[type=file]", str(audio))
    page.get_by_role("button", name="Choisir les éléments sélectionnés").click()
    publish_now(page)
    page.get_by_text("Entrée enregistrée").wait_for()
    front = yaml.safe_load(
        (content / "podcast" / "vivre-a-belfort.md").read_text(encoding="utf-8").split("---")[1]
    )
    assert front["audio"] == "audio/vivre-a-belfort.mp3" and front["episode"] == 42
    assert (content / "audio" / "vivre-a-belfort.mp3").read_bytes() == audio.read_bytes()

    for path, text in (
        ("/campagnes/printemps-a-belfort/", "Un lac en automne"),
        ("/podcast/vivre-a-belfort/", "Un épisode sur Belfort et son lion."),
    ):
        url = cms_server["url"] + path
        assert wait_until(lambda url=url, text=text: text in fetch(url)[1]), path


def test_a_save_the_build_refuses_shows_the_french_error_banner(editor, cms_server):
    """Only the build knows that two episodes share a number: the save goes through, the
    site keeps its last good build and every page says what to fix."""
    page, source = (
        editor.page,
        cms_server["content"] / "podcast" / "teletravailler-au-coeur-du-morvan.md",
    )
    original = source.read_text(encoding="utf-8")
    page.goto(cms_server["url"] + "/admin/#/collections/podcast/entries/" + source.stem)
    page.get_by_label("Numéro d’épisode").fill("1")
    publish_now(page)
    page.get_by_text("Entrée enregistrée").wait_for()
    podcast = cms_server["url"] + "/podcast/"
    try:
        assert wait_until(lambda: 'role="alert"' in fetch(podcast)[1]), "no error banner"
        html = fetch(podcast)[1]
        assert "le numéro d’épisode 1 est déjà celui de content/podcast/" in html
        assert "Télétravailler au cœur du Morvan" in html  # the last good build
    finally:
        source.write_text(original, encoding="utf-8")
    assert wait_until(lambda: 'role="alert"' not in fetch(podcast)[1]), "banner stayed"


def test_the_published_editor_starts_under_its_own_policy(browser, demo_site):
    """/admin/ of the demo build, served with the policy deploy/ gives it. Not on
    127.0.0.1: admin.js looks for the development server's local backend only there."""
    from pelican.settings import read_settings

    policy = content_security_policy(read_settings(str(ROOT / "publishconf.py")))
    server = StaticServer(
        demo_site, host="127.0.0.2", headers=[("*", {"Content-Security-Policy": policy})]
    ).start()
    context = browser.new_context(locale="fr-FR")
    errors = []
    try:
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server.url}/admin/")
        page.get_by_role("button", name="Se connecter avec GitLab").wait_for()
    finally:
        context.close()
        server.shutdown()
    assert errors == []

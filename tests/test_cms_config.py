"""/admin/'s configuration is generated from the content types (plugins/cms, from
programme.schema): every field of every type is in it with the right widget, a field
added to a reader appears with no other change, and the required fields and patterns
are those the build enforces."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build_site
from tiny_site import tiny_settings, write_tiny_programme
from venez_vivre import cms
from venez_vivre.cms import decap
from venez_vivre.programme import content_types
from venez_vivre.programme.errors import ErrorLog
from venez_vivre.programme.fields import FrontMatter
from venez_vivre.programme.schema import describe

WIDGETS = {
    "text": {"string", "text"},
    "scalar": {"string"},
    "timestamp": {"string"},
    "integer": {"number"},
    "number": {"number"},
    "boolean": {"boolean"},
    "date": {"datetime"},
    "datetime": {"datetime"},
    "choice": {"select"},
    "choices": {"select"},
    "words": {"list"},
    "file": {"image", "file"},
    "reference": {"relation"},
    "references": {"relation"},
    "object": {"object"},
    "list": {"list"},
}


def generated(types=None) -> dict:
    return decap.config(
        types or describe(),
        content_folder="content",
        backend={"name": "gitlab", "repo": "region/site"},
        site_url="",
        workflow=False,
    )


def collection_fields(config: dict, content_type) -> list[dict]:
    name = content_type.folder or "chiffres-cles"
    (collection,) = [c for c in config["collections"] if c["name"] == name]
    return collection["files"][0]["fields"] if content_type.file else collection["fields"]


def check_fields(fields, widgets, where):
    by_name = {w["name"]: w for w in widgets}
    for field in fields:
        assert field.name in by_name, f"{where}: {field.name} missing from the editor"
        widget = by_name[field.name]
        assert widget["widget"] in WIDGETS[field.kind], (where, field.name, widget)
        assert widget["required"] is field.required, (where, field.name)
        assert widget["label"] and widget["label"] != field.name, f"{field.name}: no French"
        if field.kind in ("choice", "choices"):
            assert [o["value"] for o in widget["options"]] == list(field.choices)
        if field.kind in ("reference", "references"):
            assert widget["collection"] == "territoires"
            assert widget.get("multiple", False) is (field.kind == "references")
        if field.fields:
            check_fields(field.fields, widget["fields"], f"{where}.{field.name}")


def test_every_field_of_every_content_type_is_in_the_editor():
    types = describe()
    assert [t.kind for t in types] == [t.kind for t in content_types.CONTENT_TYPES] + [
        "key_figures"
    ]
    config = generated(types)
    assert config["locale"] == "fr"
    for content_type in types:
        check_fields(
            content_type.fields, collection_fields(config, content_type), content_type.kind
        )
    # The contract's fields, spot-checked by hand once: the schema is not empty or partial.
    territory = {f.name for f in types[0].fields}
    assert territory >= {"title", "department", "summary", "hero", "hero_alt", "location"}
    assert territory >= {"kind", "tags", "figures", "welcome_officer", "opportunities"}
    episode = {f.name: f for f in types[3].fields}
    assert {f.name for f in episode["chapters"].fields} == {"start", "title"}
    assert episode["audio"].upload_folder == "audio"


def test_widgets_follow_the_contract():
    config = generated()
    fields = {c["name"]: {f["name"]: f for f in c.get("fields", [])} for c in config["collections"]}
    testimonial = fields["temoignages"]
    assert (
        testimonial["date"]["format"] == "YYYY-MM-DD"
        and testimonial["date"]["time_format"] is False
    )
    assert testimonial["territory"]["value_field"] == "{{slug}}"
    assert testimonial["portrait"]["widget"] == "image"
    assert fields["territoires"]["kind"]["options"][0] == {
        "label": "Métropole",
        "value": "metropole",
    }
    assert [f["name"] for f in fields["campagnes"]["posters"]["fields"]] == [
        "image",
        "alt",
        "caption",
        "landing",
        "budget_eur",  # a poster's own budget (make stats), optional
    ]
    assert fields["campagnes"]["posters"]["min"] == 1
    audio = fields["podcast"]["audio"]
    assert (audio["widget"], audio["media_folder"], audio["public_folder"]) == (
        "file",
        "/content/audio",
        "audio",
    )
    collection = next(c for c in config["collections"] if c["name"] == "temoignages")
    assert collection["folder"] == "content/temoignages"
    assert collection["preview_path"] == "temoignages/{{slug}}/"
    figures = next(c for c in config["collections"] if c["name"] == "chiffres-cles")
    assert figures["files"][0]["file"] == "content/data/chiffres.yml"


def test_a_field_added_to_a_content_type_appears_in_the_editor(monkeypatch):
    original = content_types.read_testimonial

    def with_a_new_field(fm, base, territories):
        fm.text("favourite_place", required=False, french="Lieu préféré", hint="Un seul.")
        return original(fm, base, territories)

    monkeypatch.setattr(
        content_types,
        "CONTENT_TYPES",
        tuple(
            t
            if t.kind != "testimonial"
            else content_types.ContentType(
                t.kind, t.folder, t.french, t.french_one, with_a_new_field
            )
            for t in content_types.CONTENT_TYPES
        ),
    )
    fields = {f["name"]: f for f in collection_fields(generated(), describe()[1])}
    assert fields["favourite_place"] == {
        "name": "favourite_place",
        "label": "Lieu préféré",
        "hint": "Un seul.",
        "required": False,
        "widget": "string",
    }


def _demo_front_matter(folder: str) -> dict:
    source = sorted((ROOT / "content" / folder).glob("*.md"))[0].read_text(encoding="utf-8")
    return yaml.safe_load(source.split("---")[1])


# Fields whose requirement depends on another field: the editor cannot say so (it leaves
# them optional), the build does, and the test below checks the condition itself.
CONDITIONAL = {("event", "place")}  # required except for a webinar


@pytest.mark.parametrize("content_type", content_types.CONTENT_TYPES, ids=lambda t: t.kind)
def test_the_fields_the_editor_requires_are_those_the_build_requires(content_type):
    """Remove each field of a valid demo entry in turn: the build refuses exactly the
    ones the editor marks required."""
    schema = next(t for t in describe() if t.kind == content_type.kind)
    territories = {p.stem: object() for p in (ROOT / "content" / "territoires").glob("*.md")}
    meta = _demo_front_matter(content_type.folder)
    for field in schema.fields:
        trimmed = {k: v for k, v in meta.items() if k != field.name}
        log = ErrorLog()
        fm = FrontMatter(trimmed, "x.md", ROOT / "content", log)
        base = {"slug": "x", **content_types.read_common(fm)}
        base.update(url="", source_path="", page=None, meta={})
        content_type.read(fm, base, territories)
        if (content_type.kind, field.name) in CONDITIONAL:
            assert not field.required
            continue
        assert fm.failed is field.required, (content_type.kind, field.name, log)


def test_an_event_needs_a_place_unless_it_is_a_webinar():
    territories = {p.stem: object() for p in (ROOT / "content" / "territoires").glob("*.md")}
    for name, needs_place in (("webinaire-teletravail", False), ("salon-paris-2027", True)):
        source = (ROOT / "content" / "evenements" / f"{name}.md").read_text(encoding="utf-8")
        meta = {k: v for k, v in yaml.safe_load(source.split("---")[1]).items() if k != "place"}
        fm = FrontMatter(meta, "x.md", ROOT / "content", ErrorLog())
        base = {"slug": "x", **content_types.read_common(fm)}
        base.update(url="", source_path="", page=None, meta={})
        content_types.read_event(fm, base, territories)
        assert fm.failed is needs_place, name


@pytest.mark.parametrize(
    ("folder", "path", "good", "bad"),
    [
        ("territoires", "welcome_officer.email", "claire.m@dijon.fr", "claire.m-at-dijon"),
        ("territoires", "summary", "a" * 300, "a" * 301),
        ("campagnes", "posters.landing", "/territoires/dijon/", "territoires/dijon/"),
        ("podcast", "chapters.start", "01:02:03", "1 min 30"),
        ("territoires", "hero", "images/lac.JPG", "images/lac.pdf"),
    ],
)
def test_the_editor_checks_the_patterns_the_build_checks(folder, path, good, bad):
    config = generated()
    widgets = next(c for c in config["collections"] if c["name"] == folder)["fields"]
    for part in path.split("."):
        widget = next(w for w in widgets if w["name"] == part)
        widgets = widget.get("fields", [])
    expression = re.compile(widget["pattern"][0])  # the same syntax in JavaScript
    assert expression.search(good) and not expression.search(bad)
    if widget["widget"] == "string" and "." in path and path != "chapters.start":
        fm = FrontMatter({}, "x.md", ROOT / "content", ErrorLog())
        name = path.split(".")[1]
        pattern = {"email": content_types.EMAIL, "landing": content_types.SITE_PATH}[name]
        assert fm.text(name, data={name: good}, pattern=pattern) == good
        assert fm.text(name, data={name: bad}, pattern=pattern) is None and fm.failed


def test_the_demo_build_serves_the_editor_but_never_lists_it(demo_site):
    admin = demo_site / "admin"
    config = json.loads((admin / "config.json").read_text(encoding="utf-8"))
    assert config == generated() | {"backend": config["backend"]}
    assert (admin / "decap-cms.js").stat().st_size > 1_000_000
    assert not list(admin.glob("*.map"))  # source maps stay in node_modules
    index = (admin / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in index
    assert "http" not in index.replace("http-equiv", "")  # nothing from another site
    assert "Disallow: /admin/" in (demo_site / "robots.txt").read_text(encoding="utf-8")
    assert "/admin/" not in (demo_site / "sitemap.xml").read_text(encoding="utf-8")
    previews = json.loads((admin / "previews.json").read_text(encoding="utf-8"))
    assert previews["campagnes"]["posters.image"]["ratio"] == pytest.approx(297 / 420)


def test_one_setting_turns_the_editor_off(tmp_path):
    content = write_tiny_programme(tmp_path / "content")
    result = build_site(
        ROOT / "pelicanconf.py",
        tmp_path / "output",
        **tiny_settings(content),
        CMS={"enabled": False},
    )
    assert result["ok"], result.get("report")
    assert not (tmp_path / "output" / "admin").exists()


def test_the_policy_of_admin_names_the_git_host():
    settings = {
        "CMS": {
            "backend": {
                "name": "gitlab",
                "repo": "r/s",
                "base_url": "https://git.region.fr",
                "api_root": "https://git.region.fr/api/v4",
            }
        }
    }
    policy = cms.content_security_policy(settings)
    assert "connect-src 'self' https://git.region.fr;" in policy
    assert "frame-ancestors 'none'" in policy and "gitlab.com" not in policy
    assert cms.content_security_policy({"CMS": {"enabled": False}}) is None
    github = cms.content_security_policy({"CMS": {"backend": {"name": "github", "repo": "r/s"}}})
    assert "https://api.github.com" in github


def test_missing_decap_files_stop_the_build_in_french(tmp_path):
    with pytest.raises(ValueError, match="npm ci"):
        cms.decap_assets({"assets": str(tmp_path)}, Path(tmp_path))


def test_events_are_edited_with_a_date_and_time_and_several_territories():
    config = generated()
    fields = {c["name"]: {f["name"]: f for f in c.get("fields", [])} for c in config["collections"]}
    events = fields["evenements"]
    assert events["start"]["widget"] == "datetime"
    assert events["start"]["format"] == "YYYY-MM-DD HH:mm"  # what the build reads
    assert events["start"]["picker_utc"] is False  # Paris time, as written
    assert events["territories"]["widget"] == "relation"
    assert events["territories"]["multiple"] is True
    assert [o["value"] for o in events["kind"]["options"]][:2] == ["week-end-decouverte", "salon"]
    # Required except for a webinar, which the build checks: the editor lets it be empty.
    assert events["place"]["required"] is False
    assert {"name", "address", "lat", "lon"} == {f["name"] for f in events["place"]["fields"]}

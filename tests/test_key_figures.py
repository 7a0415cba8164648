"""/chiffres-cles/: charts drawn at build time, accessible, in French number format,
with the same figures as a data table; missing figures are not drawn; inconsistent
figures stop the build with a French message."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import ROOT, build_site
from venez_vivre.programme.typography import french

NNBSP = "\u202f"  # French digit grouping (Babel): 12 000

DEMO_CHARTS = {
    # chart title: [(label, value as shown, note)], from content/data/chiffres.yml
    "De la visite du site à l’installation": [
        ("Visites du site", f"155{NNBSP}000", ""),
        ("Inscriptions", f"12{NNBSP}000", "soit 7,7 % des visites du site"),
        ("Personnes accompagnées", f"1{NNBSP}260", "soit 10 % des inscriptions"),
        ("Personnes installées", "375", "soit 30 % des personnes accompagnées"),
    ],
    "Inscriptions : objectif et résultat": [
        ("Objectif", f"15{NNBSP}000", ""),
        ("Inscriptions reçues", f"12{NNBSP}000", "soit 80 % de l’objectif"),
    ],
    "Qui s’est installé : adultes et enfants": [
        ("Adultes", "265", "71 % des personnes installées"),
        ("Enfants", "110", "29 % des personnes installées"),
    ],
}

READ_CHARTS = """() => Array.from(document.querySelectorAll('.chart-block')).map(block => {
  const svg = block.querySelector('svg');
  const ids = svg.getAttribute('aria-labelledby').split(' ');
  return {
    role: svg.getAttribute('role'),
    title: document.getElementById(ids[0]).textContent,
    desc: document.getElementById(ids[1]).textContent,
    svgLabels: Array.from(svg.querySelectorAll('.chart-label')).map(t => t.textContent),
    svgValues: Array.from(svg.querySelectorAll('.chart-value')).map(t => t.textContent),
    caption: block.querySelector('caption').textContent,
    rows: Array.from(block.querySelectorAll('tbody tr')).map(tr =>
      Array.from(tr.children).map(c => c.textContent)),
  };
})"""


@pytest.fixture(scope="module")
def figures_page(browser, demo_url):
    page = browser.new_page(viewport={"width": 320, "height": 700})
    page.goto(f"{demo_url}/chiffres-cles/")
    yield page
    page.close()


@pytest.mark.browser
def test_charts_have_accessible_names_and_tables_with_the_same_figures(figures_page):
    charts = figures_page.evaluate(READ_CHARTS)
    # Titles and labels as visitors read them: in French typography.
    assert [c["title"] for c in charts] == [french(title) for title in DEMO_CHARTS]
    titles = {french(title): title for title in DEMO_CHARTS}
    for chart in charts:
        expected = DEMO_CHARTS[titles[chart["title"]]]
        assert chart["role"] == "img"
        assert chart["caption"] == chart["title"]
        assert chart["rows"] == [list(row) for row in expected]
        # The picture shows the same labels and values as the table…
        assert chart["svgLabels"] == [label for label, _v, _n in expected]
        assert chart["svgValues"] == [value for _l, value, _n in expected]
        # …and its description reads them out to screen reader users.
        for label, value, _note in expected:
            assert french(f"{label} : {value}") in chart["desc"]
    # The accessible name as assistive technologies compute it (title + description).
    funnel = figures_page.get_by_role("img", name="De la visite du site à l’installation")
    assert funnel.count() == 1


@pytest.mark.browser
def test_charts_stay_legible_and_inside_a_320px_screen(figures_page):
    sizes = figures_page.evaluate(
        """() => Array.from(document.querySelectorAll('.chart text')).map(t => {
             const box = t.getBoundingClientRect();
             return {text: t.textContent, right: box.right, size: parseFloat(
               getComputedStyle(t).fontSize) * t.getScreenCTM().a};
           })"""
    )
    assert sizes
    for text in sizes:
        assert text["size"] >= 11.5, text  # rendered px, after the viewBox scaling
        assert text["right"] <= 320, text
    assert figures_page.evaluate("document.documentElement.scrollWidth") <= 320


def test_headline_figures_and_derived_costs_in_french(demo_site):
    html = (demo_site / "chiffres-cles/index.html").read_text(encoding="utf-8")
    assert "<dt>Budget dépensé</dt><dd>250 k€</dd>" in html
    assert "<dt>Coût par personne installée</dt><dd>667 €</dd>" in html  # 250 000 ÷ 375
    assert "<dt>Coût par inscription</dt><dd>21 €</dd>" in html  # 250 000 ÷ 12 000
    assert f"<dt>Vues sur les réseaux sociaux</dt><dd>2{NNBSP}100{NNBSP}000</dd>" in html
    assert f"<dt>Écoutes du podcast</dt><dd>13{NNBSP}000</dd>" in html
    assert "<dt>dont enfants</dt><dd>110</dd>" in html
    # Drawn at build time: no script builds the charts.
    assert html.count('<svg class="chart"') == 3
    assert "<script" not in html.split("</head>", 1)[1]


# -- charts from figures alone --------------------------------------------------------------


def figures(**values):
    from venez_vivre.programme.models import KeyFigures

    return KeyFigures(source_path="content/data/chiffres.yml", **values)


def test_missing_figures_are_simply_not_drawn():
    from venez_vivre.charts import key_figure_charts

    assert key_figure_charts(None) == []
    assert key_figure_charts(figures()) == []
    only_signups = key_figure_charts(figures(signups=900, settled=40))
    assert [c.slug for c in only_signups] == ["entonnoir"]
    assert [b.label for b in only_signups[0].bars] == ["Inscriptions", "Personnes installées"]
    assert only_signups[0].bars[1].note == "soit 4,4 % des inscriptions"
    target = key_figure_charts(figures(signups_target=1000, signups=1250))
    assert [c.slug for c in target] == ["objectif"]
    assert target[0].bars[1].note == "soit 125 % de l’objectif"
    assert "<svg" in target[0].svg and 'role="img"' in target[0].svg


def test_a_bar_too_short_for_its_value_shows_it_beside_the_bar():
    from venez_vivre.charts import key_figure_charts

    [funnel] = key_figure_charts(figures(site_visits=1_000_000, signups=3))
    svg = str(funnel.svg)
    assert 'class="chart-value is-inside"' in svg  # 1 000 000 fits in the long bar
    assert re.search(r'<text class="chart-value" x="8\.0" y="[\d.]+">3</text>', svg)
    assert "soit moins de 0,1 % des visites du site" in svg


# -- inconsistent figures stop the build ------------------------------------------------------

CHIFFRES = """period: "2025"
signups: 1000
accompanied: 300
settled: 120
settled_children: 30
budget_eur: 100000
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "settled: 120",
            "settled: 400",
            "content/data/chiffres.yml — champ « settled » : plus de personnes installées que "
            "de personnes accompagnées (400 > 300) : vérifiez les chiffres.",
        ),
        (
            "settled_children: 30",
            "settled_children: 130",
            "content/data/chiffres.yml — champ « settled_children » : plus d’enfants installés "
            "que de personnes installées (130 > 120) : vérifiez les chiffres.",
        ),
        (
            "budget_eur: 100000",
            "budget_eur: 100 000 €",
            "content/data/chiffres.yml — champ « budget_eur » : attendu : un nombre entier",
        ),
    ],
)
def test_inconsistent_figures_are_a_french_build_error(tmp_path, old, new, message):
    content = tmp_path / "content"
    (content / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "images", content / "images")
    (content / "data" / "chiffres.yml").write_text(CHIFFRES, encoding="utf-8")
    output = tmp_path / "output"

    def build():
        return build_site(
            ROOT / "pelicanconf.py",
            output,
            PATH=str(content),
            PLUGINS=["programme", "images", "posters", "charts"],
        )

    good = build()
    assert good["ok"], good.get("report")
    page = (output / "chiffres-cles/index.html").read_text(encoding="utf-8")
    assert "<dt>Coût par personne installée</dt><dd>833 €</dd>" in page  # 100 000 ÷ 120
    (content / "data" / "chiffres.yml").write_text(CHIFFRES.replace(old, new), encoding="utf-8")
    result = build()
    assert not result["ok"]
    assert any(error.startswith(message) for error in result["errors"]), result["errors"]
    # The last good build is still there, untouched.
    assert "833 €" in (output / "chiffres-cles/index.html").read_text(encoding="utf-8")

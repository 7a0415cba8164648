"""The typed brand: one frozen value, defaults in one place, colours checked for
legibility (WCAG AA) with French messages."""

from __future__ import annotations

import dataclasses

import pytest
from venez_vivre.programme.brand import Brand, Colors, contrast_ratio, resolve_brand
from venez_vivre.programme.errors import ContentErrors


@pytest.mark.parametrize(
    ("foreground", "background", "ratio"),
    [
        ("#ffffff", "#000000", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#777777", "#ffffff", 4.48),  # the classic grey that just fails AA
        ("#ffffff", "#7a1f3d", 10.04),  # the demo's buttons
        # Cap sur Chalon's brief states 7,8:1 and 5,0:1 for its colours on white.
        ("#0b5a6b", "#ffffff", 7.8),
        ("#b3541e", "#ffffff", 5.0),
    ],
)
def test_contrast_ratio_is_wcags(foreground, background, ratio):
    assert contrast_ratio(foreground, background) == pytest.approx(ratio, abs=0.05)


def test_a_programme_without_colours_gets_the_themes_defaults():
    brand = resolve_brand({"SITENAME": "Essai", "BRAND": {}})
    assert brand.name == "Essai"
    assert brand.colors == Colors()
    assert brand.colors.items() == [
        ("primary", "#7a1f3d"),
        ("accent", "#f2b134"),
        ("ink", "#1d1b1a"),
        ("paper", "#fffaf3"),
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        brand.name = "Autre"  # type: ignore[misc]


def test_own_colours_replace_the_defaults_and_the_rest_is_kept():
    brand = resolve_brand({"BRAND": {"name": "Cap", "colors": {"primary": "#0b5a6b"}}})
    assert brand.colors.primary == "#0b5a6b" and brand.colors.accent == Colors().accent
    assert resolve_brand({"BRAND": brand}) is brand  # resolved once


def test_illegible_colours_stop_the_build_in_french():
    with pytest.raises(ContentErrors) as raised:
        resolve_brand({"BRAND": {"name": "Jaune", "colors": {"primary": "#ffdd00"}}})
    report = raised.value.report()
    assert report.startswith("2 erreurs dans le contenu")
    assert "champ « BRAND.colors.primary » : le texte blanc sur la couleur principale" in report
    assert "#ffffff sur #ffdd00" in report and "4,5:1" in report


def test_mistakes_in_brand_are_named():
    with pytest.raises(ContentErrors) as raised:
        resolve_brand({"BRAND": {"nom": "X", "colors": {"primary": "bleu", "fond": "#fff"}}})
    report = raised.value.report()
    assert "champ « BRAND.nom » : réglage inconnu" in report
    assert "champ « BRAND.colors.fond » : réglage inconnu" in report
    assert "champ « BRAND.colors.primary » : attendu : une couleur #rrvvbb, trouvé « bleu »" in (
        report
    )


def test_the_demo_and_the_second_programme_pass():
    for colors in (
        {"primary": "#7a1f3d", "accent": "#f2b134", "ink": "#1d1b1a", "paper": "#fffaf3"},
        {"primary": "#0b5a6b", "accent": "#e9a15c", "ink": "#16252a", "paper": "#f7fbfb"},
    ):
        assert isinstance(resolve_brand({"BRAND": {"name": "x", "colors": colors}}), Brand)

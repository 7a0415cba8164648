import datetime as dt

import pytest
from venez_vivre.programme.text import (
    close_match,
    date_fr,
    euros_fr,
    number_fr,
    parse_date,
    slugify,
    tel_href,
)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Besançon", "besancon"),
        ("Côte-d'Or", "cote-d-or"),
        ("Côte-d’Or", "cote-d-or"),
        ("Chalon-sur-Saône", "chalon-sur-saone"),
        ("Parc naturel régional du Morvan", "parc-naturel-regional-du-morvan"),
        ("  Œuvre à Mâcon  ", "oeuvre-a-macon"),
        ("L'Isle-sur-le-Doubs", "l-isle-sur-le-doubs"),
    ],
)
def test_slugs_follow_the_contract(name, slug):
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2025-11-27", "27 novembre 2025"),
        ("2025-11-27 08:00", "27 novembre 2025"),
        (dt.date(2026, 5, 1), "1er mai 2026"),
        (dt.date(2026, 2, 14), "14 février 2026"),
        (dt.date(2025, 8, 3), "3 août 2025"),
    ],
)
def test_dates_are_shown_in_french(value, shown):
    assert date_fr(value) == shown


def test_french_dates_do_not_depend_on_the_machine_locale(monkeypatch):
    import locale

    monkeypatch.setenv("LC_ALL", "C")
    locale.setlocale(locale.LC_ALL, "C")
    assert date_fr("2025-12-25") == "25 décembre 2025"


def test_dates_carry_the_paris_timezone():
    value = parse_date("2025-11-27 08:00")
    assert value.utcoffset() == dt.timedelta(hours=1)
    summer = parse_date("2025-07-14")
    assert summer.utcoffset() == dt.timedelta(hours=2)


@pytest.mark.parametrize("bad", ["27/11/2025", "2025-13-01", "2025-02-30", "demain", "2025-1-5"])
def test_bad_dates_are_refused(bad):
    with pytest.raises(ValueError):
        parse_date(bad)


def test_french_numbers_and_euros():
    assert number_fr(12000) == "12\u202f000"
    assert euros_fr(50000) == "50\u202f000 €"
    assert euros_fr(5_700_000, compact=True) == "5,7 M€"
    assert euros_fr(250_000, compact=True) == "250 k€"


def test_close_match_suggests_the_nearest_slug():
    known = ["grand-besancon", "dijon-metropole", "macon"]
    assert close_match("besancn", known) == "grand-besancon"
    assert close_match("besancon", known) == "grand-besancon"
    assert close_match("dijon", known) == "dijon-metropole"
    assert close_match("zzz", known) is None


@pytest.mark.parametrize(
    ("written", "href"),
    [
        ("03 81 00 00 00", "tel:+33381000000"),
        ("03.81.00.00.00", "tel:+33381000000"),
        ("03-81-00-00-00", "tel:+33381000000"),
        ("+33 3 38 10 00 00", "tel:+33338100000"),
        ("+33 (0)3 38 10 00 00", "tel:+33338100000"),
        ("0033 3 38 10 00 00", "tel:+33338100000"),
        ("+41 22 000 00 00", "tel:+41220000000"),
        ("3939", "tel:3939"),
    ],
)
def test_phone_numbers_become_tel_addresses(written, href):
    assert tel_href(written) == href

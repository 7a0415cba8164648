"""Front matter as French editors type it (plugins/programme/front_matter.py).

Each forgiveness reads what the editor meant; each refusal says, in French, the line of
the file, the field and the fix; and no forgiveness ever changes what a correct file
means (compared with what YAML itself reads)."""

from __future__ import annotations

import pytest
import yaml
from venez_vivre.programme.front_matter import FrontMatterError, load, split

NBSP, NNBSP, ZWSP, BOM = "\u00a0", "\u202f", "\u200b", "\ufeff"

# (what the editor typed, the field, the value the site must get)
FORGIVEN = {
    "space before a colon in a value": (
        "summary: Montagne et lacs : le Haut-Doubs…",
        "summary",
        "Montagne et lacs : le Haut-Doubs…",
    ),
    "colon in a value, English style": (
        "origin: Paris: 15e arrondissement",
        "origin",
        "Paris: 15e arrondissement",
    ),
    "colon at the end of a value": (
        "title: Trois raisons de venir :",
        "title",
        "Trois raisons de venir :",
    ),
    "Word's no-break space before a key's colon": (
        f"title{NBSP}: Le Haut-Doubs",
        "title",
        "Le Haut-Doubs",
    ),
    "narrow no-break space before a key's colon": (f"title{NNBSP}: Dijon", "title", "Dijon"),
    "no-break space before the colon of tags": (
        f"tags{NBSP}: [montagne, teletravail]",
        "tags",
        ["montagne", "teletravail"],
    ),
    "no-break space after a key's colon": (f"title:{NBSP}Dijon", "title", "Dijon"),
    "no-break spaces in a list": (
        f"tags: [montagne,{NBSP}lac]",
        "tags",
        ["montagne", "lac"],
    ),
    "no-break space in a block of fields": (
        f"location: {{lat{NBSP}: 47.3, lon:{NBSP}5.0}}",
        "location",
        {"lat": 47.3, "lon": 5.0},
    ),
    "no-break space in the indentation": (
        f"welcome_officer:\n{NBSP}{NBSP}name: Léa Martin",
        "welcome_officer",
        {"name": "Léa Martin"},
    ),
    "no-break space after a list dash": (
        f"tags:\n  -{NBSP}montagne\n  -{NBSP}lac",
        "tags",
        ["montagne", "lac"],
    ),
    "Word's en dash as a list dash": ("tags:\n  – montagne\n  – lac", "tags", ["montagne", "lac"]),
    "no-break spaces inside a value are the editor's": (
        f"summary: 2{NBSP}h{NBSP}35 de Paris",
        "summary",
        f"2{NBSP}h{NBSP}35 de Paris",
    ),
    "typographic quotes around a value": (
        "quote: “À Lyon, on étouffait.”",
        "quote",
        "À Lyon, on étouffait.",
    ),
    "single typographic quotes around a value": (
        "title: ‘Ici on respire’",
        "title",
        "Ici on respire",
    ),
    "German-style quotes around a value": ("title: „Ici on respire“", "title", "Ici on respire"),
    "typographic quotes inside a text stay": (
        "title: Le “lac” et la “forêt”",
        "title",
        "Le “lac” et la “forêt”",
    ),
    "an apostrophe inside single typographic quotes": (
        "title: ‘C’est ici’",
        "title",
        "C’est ici",
    ),
    "zero-width space pasted after a slug": (
        f"territory: dijon-metropole{ZWSP}",
        "territory",
        "dijon-metropole",
    ),
    "byte order mark before a key": (f"{BOM}title: Dijon", "title", "Dijon"),
    "Markdown emphasis at the start of a value": (
        "summary: *Nouveau* : la navette du samedi",
        "summary",
        "*Nouveau* : la navette du samedi",
    ),
    "a value starting with @": ("origin: @Lyon", "origin", "@Lyon"),
    "colon in a nested field": (
        "figures:\n  - label: Paris en TGV : direct\n    value: 1 h 35",
        "figures",
        [{"label": "Paris en TGV : direct", "value": "1 h 35"}],
    ),
}


@pytest.mark.parametrize("case", FORGIVEN, ids=list(FORGIVEN))
def test_what_can_be_read_safely_is_read_as_meant(case):
    typed, field, expected = FORGIVEN[case]
    assert load(f"title: x\n{typed}" if field != "title" else typed)[field] == expected


# Correct YAML, some of it close to what is forgiven: read exactly as YAML reads it.
CORRECT = {
    "quoted text with a colon": 'summary: "Montagne et lacs : le Haut-Doubs"',
    "single-quoted text with a colon": "summary: 'Lacs : montagne'",
    "quoted text with no-break spaces": f'summary: "Lacs{NBSP}: montagne"',
    "quoted text on several lines": 'summary: "Lacs et forêts\n  suite : ici"',
    "block text": "summary: |\n  Lacs : montagne\n  – un tiret de liste\n  title : pas un champ",
    "folded text": "summary: >\n  Lacs : montagne\n  et forêts",
    "multi-line plain text with a dash": "summary: Trois raisons\n  – le lac",
    "a comment": "kind: metropole  # la grande ville : Dijon",
    "a URL": "url: https://example.org/emploi?page=2",
    "a time": 'start: "12:30"',
    "a sexagesimal time": "start: 12:30",
    "a list of mappings": (
        "figures:\n  - {label: Paris en TGV, value: 1 h 35}\n  - label: Lyon\n    value: 2 h"
    ),
    "a list item holding a mapping": "places:\n  - Paris : 15e",
    "a negative number in a list": "values:\n  - -5\n  - 3",
    "straight quotes around typographic ones": 'title: "“Ici on respire”"',
    "a date": "date: 2025-11-27",
    "an empty field": "image:",
    "a tag": "count: !!str 2024",
    "nested lists": "a:\n  - - 1\n    - 2",
    "text with an apostrophe": "title: Offres d'emploi",
    "a lone list dash": "figures:\n  -\n    label: Lyon\n    value: 2 h",
    "a block text in a list item": (
        "guests:\n  - name: Léa\n    bio: |\n      Ici : là\n      – oui"
    ),
}


@pytest.mark.parametrize("case", CORRECT, ids=list(CORRECT))
def test_a_correct_file_means_what_yaml_says(case):
    text = CORRECT[case]
    assert load(text) == yaml.safe_load(text)


# (what the editor typed, the message: line of the file, field, fix). The front matter
# starts on line 2 of the file, after the opening `---`.
REFUSED = {
    "a tab in the indentation": (
        "title: Dijon\nlocation:\n\tlat: 47.3",
        "ligne 4, champ « location » : une tabulation ; remplacez-la par deux espaces.",
    ),
    "an unclosed quote": (
        'title: Dijon\nsummary: "Montagne et lacs\nkind: ville',
        "ligne 3, champ « summary » : un guillemet droit \" ou ' ouvert n’est pas refermé ; "
        "refermez-le en fin de texte.",
    ),
    "text after a closing quote": (
        'title: "Le lac" du Haut-Doubs',
        "ligne 2, champ « title » : du texte suit le guillemet fermant ; mettez tout le texte "
        "entre les guillemets droits, et les guillemets intérieurs en « … ».",
    ),
    "an unclosed list": (
        "title: Dijon\ntags: [montagne, lac\nkind: ville",
        "ligne 3, champ « tags » : une liste entre [ ] ou un bloc entre { } n’est pas refermé, "
        "ou l’un de ses éléments contient une virgule ou « : » ; mettez le texte entre "
        'guillemets droits "…" autour de cet élément.',
    ),
    "a colon inside a list item's block": (
        "chapters:\n  - {start: 00:00, title: Intro : ici}",
        "ligne 3, champ « chapters » : une liste entre [ ] ou un bloc entre { } n’est pas "
        "refermé, ou l’un de ses éléments contient une virgule ou « : » ; mettez le texte entre "
        'guillemets droits "…" autour de cet élément.',
    ),
    "a wrong indentation": (
        "welcome_officer:\n  name: Léa\n email: lea@example.org",
        "ligne 4, champ « welcome_officer » : l’indentation de cette ligne ne correspond pas à "
        "celle des lignes du même bloc : alignez-la, avec des espaces, sur les champs voisins.",
    ),
    "the body where the front matter goes on": (
        "title: Dijon\nBesançon, ville d'eau et de forêts.",
        "ligne 3, champ « title » : cette ligne n’est pas un champ « nom: valeur » ; si c’est le "
        "début du texte de la page, ajoutez avant elle la ligne « --- » qui ferme l’en-tête.",
    ),
    "an anchor and an alias": (
        "base: &lieu Dijon\ntitle: *lieu",
        "ligne 2, champ « base » : « & » et « * » au début d’une valeur sont des renvois YAML, "
        'refusés ici ; si c’est du texte, mettez le texte entre guillemets droits "…".',
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_what_cannot_be_read_is_explained_in_french(case):
    typed, message = REFUSED[case]
    with pytest.raises(FrontMatterError) as raised:
        load(typed, first_line=2)
    assert str(raised.value) == message


def test_an_alias_bomb_is_refused_before_it_expands():
    """371 bytes that PyYAML expands into a billion strings (40 s, 400 MB)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    with pytest.raises(FrontMatterError, match="renvois YAML, refusés ici"):
        load("\n".join(lines))


def test_a_missing_closing_line_is_named_as_such():
    news = "---\ntitle: Portes ouvertes\ndate: 2025-11-02\n\nRendez-vous le 2 novembre.\n"
    with pytest.raises(FrontMatterError) as raised:
        split(news)
    assert str(raised.value) == (
        "ligne 1 : l’en-tête commence par « --- » mais la ligne « --- » qui doit le fermer "
        "est absente : ajoutez une ligne « --- » seule après le dernier champ, avant le texte."
    )


def test_the_front_matter_is_split_from_the_body_with_its_line_numbers():
    parts = split(f"\n{BOM}---\ntitle: Dijon\n---{NBSP} \nLe texte.\n---\nSuite.")
    assert (parts.metadata, parts.first_line) == ("title: Dijon", 3)
    assert parts.body == "Le texte.\n---\nSuite."
    assert split("Pas d’en-tête.\n") is None


def test_word_s_em_dash_for_three_hyphens_is_still_the_delimiter():
    parts = split("—\ntitle: Dijon\n–-\nLe texte, avec un tiret — ici.\n")
    assert (parts.metadata, parts.body) == ("title: Dijon", "Le texte, avec un tiret — ici.\n")

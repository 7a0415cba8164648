"""French typography on real sentences (plugins/programme/typography.py)."""

from __future__ import annotations

import pytest
from venez_vivre.programme.typography import french, french_html

NB, NN = "\u00a0", "\u202f"  # no-break space, narrow no-break space

SENTENCES = [
    # (as typed, as published)
    ("Montagne et lacs : le Haut-Doubs", f"Montagne et lacs{NB}: le Haut-Doubs"),
    ("L’arrière-boutique ; ici on fabrique", f"L’arrière-boutique{NN}; ici on fabrique"),
    ("Envie de vivre dans le Morvan ?", f"Envie de vivre dans le Morvan{NN}?"),
    ("Inscrivez-vous !", f"Inscrivez-vous{NN}!"),
    ("Vraiment?", f"Vraiment{NN}?"),  # no space typed
    ("Note: le marché", f"Note{NB}: le marché"),
    ("Et alors ?!", f"Et alors{NN}?!"),
    ("« On ne regrette rien »", f"«{NB}On ne regrette rien{NB}»"),
    ("«Ici, on respire»", f"«{NB}Ici, on respire{NB}»"),
    (f"Lacs{NB}: montagne", f"Lacs{NB}: montagne"),  # a no-break space pasted from Word
    ("Départ à 10:30, retour à 18:00", "Départ à 10:30, retour à 18:00"),
    ("Paris en TGV (1 h 35) : direct", f"Paris en TGV (1 h 35){NB}: direct"),
    ("Un smiley (?) reste", "Un smiley (?) reste"),
    ("En 2024 : 375 foyers !", f"En 2024{NB}: 375 foyers{NN}!"),
    (
        "Écrivez à accueil@example.org : réponse sous 48 h",
        f"Écrivez à accueil@example.org{NB}: réponse sous 48 h",
    ),
    (
        "Voir https://example.org/?a=1;b=2 ou www.example.org !",
        f"Voir https://example.org/?a=1;b=2 ou www.example.org{NN}!",
    ),
    ("Recherche &amp; développement ; ici", f"Recherche &amp; développement{NN}; ici"),
]


@pytest.mark.parametrize(("typed", "published"), SENTENCES)
def test_real_sentences(typed, published):
    assert french(typed) == published
    assert french(published) == published  # applied twice, nothing changes


def test_pages_get_it_in_text_only():
    html = (
        '<p class="a : b" title="Vraiment ?">Lacs : montagne <code>a ; b</code> '
        '<a href="https://x.fr/?q=1;2">Voir ?</a></p>\n<pre>x : y</pre>'
        '<script type="application/ld+json">{"name": "Qui ?"}</script>'
        "<p><strong>Attention</strong>: fermé</p><p><em>Lacs </em>: ici</p>"
        "<p>«&nbsp;<em>Ici</em>»</p><!-- a : b -->"
    )
    assert french_html(html) == (
        f'<p class="a : b" title="Vraiment ?">Lacs{NB}: montagne <code>a ; b</code> '
        f'<a href="https://x.fr/?q=1;2">Voir{NN}?</a></p>\n<pre>x : y</pre>'
        '<script type="application/ld+json">{"name": "Qui ?"}</script>'
        f"<p><strong>Attention</strong>{NB}: fermé</p><p><em>Lacs{NB}</em>: ici</p>"
        f"<p>«{NB}<em>Ici</em>{NB}»</p><!-- a : b -->"
    )

"""plugins/programme/html_scan.py: the one HTML scanner (publish gate, link checker,
image rewriting, tests)."""

from __future__ import annotations

import pytest
from venez_vivre.programme import html_scan

BODY = (
    "<p>Un lac&nbsp;: l&rsquo;été <em>à 2&#8239;h</em> de Paris.</p>\n"
    '<p><img alt="Le lac &gt; la mer" src="images/lac.jpg"></p>\n'
    '<!-- <img src="images/commentaire.jpg"> -->\n'
    '<script type="text/plain">\'<img src="images/script.jpg">\'</script>\n'
    "<p title='<img src=\"x.jpg\">'>texte</p>\n"
    "<IMG SRC='images/foret.jpg' alt=\"Forêt\" /><br>\n"
)


def test_replace_elements_rewrites_img_elements_and_keeps_every_other_byte():
    seen = []

    def picture(attributes):
        seen.append(attributes)
        return f"<picture>{attributes['src']}</picture>"

    result = html_scan.replace_elements(BODY, "img", picture)
    assert seen == [
        {"alt": "Le lac > la mer", "src": "images/lac.jpg"},
        {"src": "images/foret.jpg", "alt": "Forêt"},
    ]
    expected = BODY.replace(
        '<img alt="Le lac &gt; la mer" src="images/lac.jpg">', "<picture>images/lac.jpg</picture>"
    ).replace("<IMG SRC='images/foret.jpg' alt=\"Forêt\" />", "<picture>images/foret.jpg</picture>")
    assert result == expected  # entities, comments, scripts and attributes untouched


def test_replace_elements_keeps_a_tag_when_asked_and_an_attribute_holding_a_bracket():
    markup = '<p>a</p>\r\n<img src="a.jpg" alt="1 > 0">\n<img src="b.jpg">'
    assert html_scan.replace_elements(markup, "img", lambda attributes: None) == markup
    assert html_scan.replace_elements(
        markup, "img", lambda a: f"[{a['alt']}]" if "alt" in a else None
    ) == ('<p>a</p>\r\n[1 > 0]\n<img src="b.jpg">')
    assert html_scan.replace_elements("pas d’image", "img", lambda a: "x") == "pas d’image"


def test_scan_finds_references_anchors_and_what_loads():
    page = html_scan.scan(
        '<link rel="stylesheet" href="https://cdn.example.net/a.css">\n'
        '<link rel="canonical" href="https://ailleurs.example.net/">\n'
        '<link rel="preconnect" href="https://fonts.example.net">\n'
        '<meta property="og:image" content="https://img.example.net/c.jpg">\n'
        '<h2 id="acces">Accès</h2><a name="haut" href="https://ailleurs.example.net/">x</a>\n'
        '<img src="/i.jpg" srcset="/i-480.jpg 480w, https://cdn.example.net/i.jpg 960w" alt="">\n'
        '<script type="application/ld+json">{"logo": "/logo.svg"}</script>\n'
        '<script type="application/ld+json">{pas du json}</script>\n'
    )
    assert page.anchors == {"acces", "haut"}
    assert page.invalid_json_ld == [8]
    assert ("/logo.svg", "JSON-LD") in {(r.url, r.context) for r in page.references}
    third = [(r.line, r.url) for r in html_scan.third_party_resources(page, "https://site.fr")]
    assert third == [
        (1, "https://cdn.example.net/a.css"),
        (3, "https://fonts.example.net"),
        (6, "https://cdn.example.net/i.jpg"),
    ]
    assert page.blocked == []


@pytest.mark.parametrize(
    "url", ["javascript:f()", " JavaScript:f()", "java\tscript:f()", "\x01javascript:f()"]
)
def test_javascript_urls_are_recognised_as_browsers_read_them(url):
    assert html_scan.is_javascript_url(url)
    assert not html_scan.is_javascript_url("/javascript/guide/")

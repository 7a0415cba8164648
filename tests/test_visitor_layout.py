"""What a visitor sees on every template, at every width from a 320 px phone to a
1280 px laptop, in the light and the dark colour scheme (headless Chromium, axe-core):

- nothing wider than the screen (no sideways scrolling);
- no text cut off or spilling out of its box (a key figure wider than its card);
- the link to the signup form (/inscription/) on screen without scrolling;
- no axe-core violation (WCAG 2.1 A/AA, colour contrast included) in either scheme
  (light at 768 px here, at 390 and 1280 px in tests/test_quality_a11y.py; dark at 320
  and 1280 px).

One build, one browser, one tab per width that visits every page once and switches the
colour scheme in place. It also writes the README's screenshots of the home page
(docs/screenshots/).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from quality_pages import representative_pages
from test_quality_a11y import _violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
# (width, height): small and common phones, a tablet, a small and a common laptop.
VIEWPORTS = [(320, 640), (390, 844), (768, 1024), (1024, 768), (1280, 800)]
# axe-core takes about a second a page (colour contrast mostly), the layout checks a tenth:
# the layout is checked at every width in both schemes, axe where tests/test_quality_a11y.py
# does not already run it (the light scheme at 390 and 1280 px).
AXE_SCHEMES = {320: ("dark",), 768: ("light",), 1280: ("dark",)}
README_SHOTS = {390: "home-390.png", 1280: "home-1280.png"}

# Runs in the page: everything on it a visitor would see as broken.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const describe = (el) => {
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const classes = typeof el.className === 'string' && el.className.trim() ?
      '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes}> «${text}»`;
  };
  const width = document.documentElement.scrollWidth;
  if (width > window.innerWidth) {
    let widest = null;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 1 && (!widest || r.right > widest[1])) widest = [el, r.right];
    }
    problems.push(`page ${width} px wide in a ${window.innerWidth} px window` +
      (widest ? `, widest: ${describe(widest[0])} (right edge ${Math.round(widest[1])} px)` : ''));
  }
  // Text meant for screen readers only is clipped on purpose; the signup form's trap
  // for robots is put far off the page.
  const hiddenOnPurpose = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.clip !== 'auto' || s.clipPath !== 'none') return true;
    }
    const r = el.getBoundingClientRect();
    return r.right + window.scrollX <= 0 || r.bottom + window.scrollY <= 0;
  };
  const isInline = (s) => s.display === 'inline' || s.display === 'contents';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const reported = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || !el) continue;
    if (el.closest('svg, script, style, noscript, option, template')) continue;
    if (!el.checkVisibility({visibilityProperty: true}) || hiddenOnPurpose(el)) continue;
    range.selectNodeContents(node);
    const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
    if (!rects.length) continue;
    let box = el;
    while (box.parentElement && isInline(getComputedStyle(box))) box = box.parentElement;
    const clips = (s) => s.overflowX !== 'visible' || s.overflowY !== 'visible';
    const checks = clips(getComputedStyle(box)) ? [] : [[box, 'spills out of']];
    for (let a = box; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (clips(s)) checks.push([a, 'is cut off by']);
    }
    for (const [container, verb] of checks) {
      const c = container.getBoundingClientRect();
      const s = getComputedStyle(container);
      const left = c.left + parseFloat(s.borderLeftWidth);
      const right = c.right - parseFloat(s.borderRightWidth);
      const top = c.top + parseFloat(s.borderTopWidth);
      const bottom = c.bottom - parseFloat(s.borderBottomWidth);
      const out = rects.find((r) => r.left < left - 1 || r.right > right + 1 ||
        (verb === 'is cut off by' && (r.top < top - 1 || r.bottom > bottom + 1)));
      if (out) {
        const key = `${describe(el)} ${verb} ${describe(container)}`;
        if (!reported.has(key)) {
          reported.add(key);
          problems.push(`text ${key}: text ${Math.round(out.left)}–${Math.round(out.right)} px, ` +
            `box ${Math.round(left)}–${Math.round(right)} px`);
        }
        break;
      }
    }
  }
  // The signup link, visible in the first screen and not covered by anything.
  const visible = Array.from(document.querySelectorAll('a[href$="/inscription/"]')).some((a) => {
    const r = a.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.top < 0 || r.left < 0 ||
        r.bottom > window.innerHeight || r.right > vw ||
        !a.checkVisibility({visibilityProperty: true})) {
      return false;
    }
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit && (hit === a || a.contains(hit));
  });
  if (!visible) problems.push('no link to /inscription/ visible without scrolling');
  return problems;
}"""


def _report(found: dict[str, list[str]], what: str) -> str:
    failures = {where: problems for where, problems in found.items() if problems}
    return f"{what}:\n" + "\n".join(
        f"{where}\n  " + "\n  ".join(problems) for where, problems in failures.items()
    )


@pytest.fixture(scope="module")
def pages(demo_site):
    chosen = representative_pages(demo_site)
    # The templates the podcast adds beside the episode page.
    for required in (
        "home",
        "signup",
        "signup_thanks",
        "key_figures",
        "podcast",
        "episode",
        "podcast_subscribe",
        "transcript",
        "search",
        "404",
        "page",
    ):
        assert required in chosen, f"no page of template {required!r} in the demo build"
    return chosen


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}px" for w, _ in VIEWPORTS])
def test_every_template_fits_and_passes_axe_in_both_schemes(
    demo_url, pages, browser, width, height
):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    layout, axe = {}, {}
    try:
        for template, path in pages.items():
            page.goto(demo_url + path, wait_until="load")
            where = f"{path} [{template}]"
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                layout[f"{where} {scheme}"] = page.evaluate(LAYOUT_PROBLEMS)
                if scheme in AXE_SCHEMES.get(width, ()):
                    axe[f"{where} {scheme}"] = _violations(page)
            page.emulate_media(color_scheme="light")
            if template == "home" and width in README_SHOTS:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOTS / README_SHOTS[width])
    finally:
        context.close()
    assert not any(layout.values()), _report(layout, f"layout problems at {width}×{height}")
    assert not any(axe.values()), _report(axe, f"axe-core violations at {width}×{height}")


def test_layout_check_can_fail(browser, tmp_path):
    """A figure wider than its card, a clipped title and a page wider than the screen are
    reported; a page with none of them is not."""
    from conftest import serve_directory

    head = (
        '<!doctype html><html lang="fr"><head><title>t</title>'
        '<meta name="viewport" content="width=device-width"></head><body>'
    )
    (tmp_path / "bad.html").write_text(
        head + '<div style="width:100px;border:1px solid"><b style="white-space:nowrap">'
        "2 100 000 habitants</b></div>"
        '<p style="width:80px;overflow:hidden;white-space:nowrap">Une phrase bien trop longue</p>'
        '<div style="width:600px">large</div></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "good.html").write_text(
        head + '<a href="/inscription/">Je m’inscris</a><p>Court.</p></body></html>',
        encoding="utf-8",
    )
    url, server = serve_directory(tmp_path)
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(url + "/bad.html")
        bad = page.evaluate(LAYOUT_PROBLEMS)
        page.goto(url + "/good.html")
        good = page.evaluate(LAYOUT_PROBLEMS)
    finally:
        context.close()
        server.shutdown()
    assert any("2 100 000" in p and "spills out of" in p for p in bad), bad
    assert any("Une phrase" in p and "cut off" in p for p in bad), bad
    assert any(p.startswith("page ") and "wide in a 320 px window" in p for p in bad), bad
    assert any("/inscription/" in p for p in bad), bad
    assert good == [], good


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_phone_menu_reaches_every_section(demo_site, demo_url, browser, javascript):
    """At 390 px the menu is folded: with JavaScript "Menu" is a disclosure button that
    opens the links in the header; without, a link to the same list in the footer."""
    from pelican.settings import read_settings

    menu = read_settings(str(ROOT / "pelicanconf.py"))["MENU"]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        page.goto(demo_url + "/temoignages/")
        header_links = page.locator("#navigation a")
        assert not header_links.first.is_visible()
        if javascript:
            toggle = page.get_by_role("button", name="Menu")
            assert toggle.get_attribute("aria-expanded") == "false"
            toggle.click()
            assert toggle.get_attribute("aria-expanded") == "true"
            for label, path in menu:
                link = page.locator("#navigation").get_by_role("link", name=label, exact=True)
                assert link.is_visible() and link.get_attribute("href").endswith(path)
            page.keyboard.press("Escape")
            assert toggle.get_attribute("aria-expanded") == "false"
            assert not header_links.first.is_visible()
        else:
            page.get_by_role("link", name="Menu").click()
            assert page.evaluate("location.hash") == "#plan-du-site"
            footer = page.locator("#plan-du-site")
            for label, path in menu:
                link = footer.get_by_role("link", name=label, exact=True)
                assert link.is_visible() and link.get_attribute("href").endswith(path)
    finally:
        context.close()


def test_territory_filter_lives_in_the_address_and_resets(demo_url, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(demo_url + "/territoires/?kind=metropole")
        cards = page.locator("#territory-list .territory-card")
        shown = page.locator("#territory-list .territory-card:not(.is-filtered-out)")
        total = cards.count()
        assert 0 < shown.count() < total  # the address's choice is applied on arrival
        assert page.locator("#kind-metropole").is_checked()
        page.locator('label[for="tag-lac"]').click()
        assert page.evaluate("location.search") == "?kind=metropole&tag=lac"
        page.get_by_role("button", name="Tout afficher").click()
        page.wait_for_function("() => location.search === ''")
        assert shown.count() == total
        assert page.locator("#kind-all").is_checked()
        assert "11 territoires affichés" in page.locator(".filter-status").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_filters_are_shown_only_where_they_work(demo_url, browser, javascript):
    """The filter forms are in the first paint where scripts run (no layout shift when
    site.js arrives) and absent without JavaScript, where they could not filter."""
    context = browser.new_context(
        viewport={"width": 768, "height": 1024}, java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        for path, form in [
            ("/territoires/", "#territory-filters"),
            ("/evenements/", "#event-filters"),
        ]:
            page.goto(demo_url + path)
            assert page.locator(form).is_visible() is javascript, path
    finally:
        context.close()


# The longest key figures a programme can plausibly publish, in the site's own formats
# (plugins/programme/text.py): a 9-digit count, a budget in millions, a cost in euros.
LONG_FIGURES = ["999\u202f999\u202f999", "1\u202f234,5 M€", "99\u202f999\u202f999 €"]


@pytest.mark.parametrize(("width", "height"), [(320, 640), (768, 1024), (1280, 800)])
def test_longest_key_figures_fit_their_cards_on_one_line(demo_url, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        for path in ("/chiffres-cles/", "/", "/campagnes/teletravail-au-vert/"):
            page.goto(demo_url + path)
            figures = page.locator(".figures-large dd")
            assert figures.count() >= 2, path
            lines = page.evaluate(
                """(values) => Array.from(document.querySelectorAll('.figures-large dd'))
                  .map((dd, i) => {
                    dd.textContent = values[i % values.length];
                    const lh = parseFloat(getComputedStyle(dd).lineHeight);
                    return Math.round(dd.getBoundingClientRect().height / lh);
                  })""",
                LONG_FIGURES,
            )
            problems = page.evaluate(LAYOUT_PROBLEMS)
            assert problems == [], (path, problems)
            assert set(lines) == {1}, (path, lines)  # never broken over two lines
    finally:
        context.close()


# Layout shifts (Layout Instability API) the page made since `since` (ms, performance.now()),
# with what moved. A shift whose only sources are nodes the page cannot see, inside an <audio> or
# <video>, is the browser's own media controls laying themselves out (Chromium's time
# display and buttons): nothing of the page moves.
LAYOUT_SHIFTS = """(since) => {
  const observer = new PerformanceObserver(() => {});
  observer.observe({type: 'layout-shift', buffered: true});
  const entries = observer.takeRecords();  // the buffered ones, at once
  observer.disconnect();
  const media = Array.from(document.querySelectorAll('audio, video'))
    .map((m) => m.getBoundingClientRect());
  const inside = (r) => media.some((m) => r.left >= m.left - 1 && r.right <= m.right + 1 &&
    r.top >= m.top - 1 && r.bottom <= m.bottom + 1);
  return entries
    .filter((e) => e.startTime >= since)
    .filter((e) => !e.sources.every((s) => !s.node && inside(s.currentRect)))
    .map((e) => `${e.value.toFixed(4)}: ` + e.sources.map((s) => {
      const name = s.node ?
        (s.node.outerHTML || s.node.nodeName).replace(/\\s+/g, ' ').slice(0, 60) : '?';
      const r = (b) => `${Math.round(b.y)}+${Math.round(b.height)}`;
      return `${name} y ${r(s.previousRect)} → ${r(s.currentRect)}`;
    }).join('; '));
}"""
LATE = "**/*.{avif,webp,jpg,jpeg,png,svg,js,mp3}"


@pytest.mark.parametrize(("width", "height"), [(390, 844), (768, 1024)], ids=["390px", "768px"])
def test_nothing_moves_when_images_and_scripts_arrive_after_the_first_paint(
    demo_url, pages, browser, width, height
):
    """On a slow phone connection the page is painted from its HTML and CSS before the
    photos and scripts arrive: their arrival must not push the text around (a poster
    laid out 0 px tall until its file came pushed its caption down; a copy button
    revealed by podcast.js made its row taller)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    shifts, held = {}, []
    try:
        for template, path in pages.items():
            held.clear()
            page.route(LATE, lambda route: held.append(route))
            page.goto(demo_url + path, wait_until="commit")
            # Parsed and painted with HTML and CSS only (scripts and images held back):
            # from then on, only what was held can move anything.
            page.wait_for_function(
                "() => performance.getEntriesByName('first-contentful-paint').length &&"
                " performance.getEntriesByType('navigation')[0].domInteractive > 0"
            )
            released = page.evaluate("performance.now()")
            for route in held:
                route.continue_()
            page.unroute(LATE)
            page.wait_for_load_state("load")
            page.evaluate("() => new Promise((r) => requestAnimationFrame(() => "
                          "requestAnimationFrame(r)))")  # fmt: skip
            shifts[f"{path} [{template}]"] = page.evaluate(LAYOUT_SHIFTS, released)
    finally:
        context.close()
    assert not any(shifts.values()), _report(shifts, f"layout shifts at {width}×{height}")

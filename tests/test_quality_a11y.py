"""Accessibility gate: axe-core (WCAG 2.1 A and AA rules) in headless Chromium on one page
of every template of the demo, at a phone and a desktop width, the signup form in its
empty, error and success states too; and a keyboard check: every interactive element is
reached with Tab and visibly focused."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from quality_pages import missing_required_templates, representative_pages

pytestmark = pytest.mark.browser

MEDIA = {"audio", "video"}
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE = Axe()


def _violations(page) -> list[str]:
    results = AXE.run(page, options=AXE_OPTIONS).response
    found = []
    for violation in results["violations"]:
        for node in violation["nodes"][:5]:
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} — "
                f"{' '.join(map(str, node['target']))}: {node.get('failureSummary', '')[:200]}"
            )
    return found


def _signup_endpoint(base: str):
    """Answers the form's background POST inside the browser the way the reference
    receiver does (its own validation, receiver/contract.py): nothing leaves the
    machine, and the error messages are the real ones."""
    from venez_vivre.receiver import contract

    cors = {"Access-Control-Allow-Origin": base, "Vary": "Origin"}

    def answer(route):
        request = route.request
        if request.method != "POST":
            return route.fulfill(status=204, headers=cors)
        verdict = contract.validate(parse_qs(request.post_data or "", keep_blank_values=True))
        if verdict.ok or verdict.honeypot:
            status, body = 200, {"ok": True}
        else:
            errors = [{"field": k, "message": v} for k, v in verdict.errors.items()]
            status, body = 422, {"ok": False, "errors": errors}
        return route.fulfill(
            status=status, headers=cors, content_type="application/json", body=json.dumps(body)
        )

    return answer


def _signup_states(page, base: str, path: str) -> dict[str, list[str]]:
    """axe on the form after an empty submission (error summary and messages) and after
    a successful one."""
    found = {}
    page.route(lambda url: not url.startswith(base), _signup_endpoint(base))
    try:
        page.goto(base + path)
        form = page.locator("form:has([name=prenom])").first
        form.locator("[type=submit]").first.click()
        # The error state must really be on screen, else axe would check the empty form.
        page.locator("[aria-invalid=true]").first.wait_for(state="attached", timeout=5000)
        found[f"{path} (erreurs)"] = _violations(page)

        page.goto(base + path)
        values = {
            "prenom": "Camille",
            "nom": "Martin",
            "email": "camille.martin@example.org",
            "ville_actuelle": "Paris",
        }
        for name, value in values.items():
            page.locator(f"[name={name}]").first.fill(value)
        for name in ("projet", "consentement"):
            page.locator(f"input[name={name}]").first.check()
        form.locator("[type=submit]").first.click()
        page.get_by_text(re.compile("merci", re.I)).first.wait_for(state="visible", timeout=5000)
        found[f"{path} (envoyé)"] = _violations(page)
    finally:
        page.unroute_all()
    return found


def test_required_templates_exist(demo_site):
    assert not missing_required_templates(demo_site)


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_on_any_template(demo_site, demo_url, browser, width):
    pages = representative_pages(demo_site)
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    report = {}
    try:
        for template, path in pages.items():
            page.goto(demo_url + path, wait_until="load")
            report[f"{path} [{template}]"] = _violations(page)
            if template == "signup":
                report.update(_signup_states(page, demo_url, path))
    finally:
        context.close()
    failures = {where: found for where, found in report.items() if found}
    assert not failures, f"axe-core violations at {width} width:\n" + "\n".join(
        f"{where}\n  " + "\n  ".join(found) for where, found in failures.items()
    )


# Runs in the page after each Tab: describes the focused element, whether it is on
# screen, and whether the element that had focus before looked different while focused
# (its own outline/box-shadow/colours, its ancestors' :focus-within, its label's).
KEYBOARD_STEP = """() => {
  const look = (el) => {
    const parts = [el, ...Array.from(el.labels || [])];
    if (el.nextElementSibling && el.nextElementSibling.tagName === 'LABEL') {
      parts.push(el.nextElementSibling);
    }
    for (let a = el.parentElement, i = 0; a && i < 6; a = a.parentElement, i++) parts.push(a);
    return JSON.stringify(parts.map((p) => {
      const s = getComputedStyle(p);
      return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor,
              s.color, s.borderColor, s.textDecorationLine, s.top, s.left];
    }));
  };
  const describe = (el) => {
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> ${text}`;
  };
  let previous = null;
  if (window.__qPrev) {
    previous = {name: describe(window.__qPrev), tag: window.__qPrev.tagName.toLowerCase(),
                visible: look(window.__qPrev) !== window.__qPrevLook};
  }
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  window.__qPrev = el === document.body ? null : el;
  window.__qPrevLook = look(el);
  if (!el.__qId) el.__qId = 'q' + Math.random().toString(36).slice(2);
  return {id: el.__qId, name: describe(el), body: el === document.body, previous,
          tag: el.tagName.toLowerCase(),
          onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
                    r.top < innerHeight && r.left < innerWidth};
}"""

ON_SCREEN = """() => {
  const r = document.activeElement.getBoundingClientRect();
  return {top: Math.round(r.top), left: Math.round(r.left), width: Math.round(r.width),
          height: Math.round(r.height), viewport: [innerWidth, innerHeight],
          onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
                    r.top < innerHeight && r.left < innerWidth};
}"""

# Every element a keyboard user must be able to reach (visible ones only; one radio
# button per group is enough: arrows move within the group).
INTERACTIVE = """() => {
  const sel = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, ' +
    '[tabindex]:not([tabindex="-1"]), audio[controls], video[controls], summary';
  const seenRadio = new Set();
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.disabled || el.closest('[hidden], [inert]') || el.tabIndex < 0) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    if (el.type === 'radio') { if (seenRadio.has(el.name)) continue; seenRadio.add(el.name); }
    if (!el.__qId) el.__qId = 'q' + Math.random().toString(36).slice(2);
    const text = (el.getAttribute('aria-label') || el.textContent || el.name || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    out.push({id: el.__qId, name: `<${el.tagName.toLowerCase()}> ${text}`,
              radio: el.type === 'radio' ? el.name : null});
  }
  return out;
}"""


def _keyboard_problems(page) -> list[str]:
    expected = page.evaluate(INTERACTIVE)
    reached, problems = {}, []
    last = None
    media = []  # (element, screenshot while focused, name)
    # Media controls take several Tabs inside the element (its shadow buttons).
    for _ in range(len(expected) + 40):
        page.keyboard.press("Tab")
        step = page.evaluate(KEYBOARD_STEP)
        if step["id"] == last and not step["body"]:
            continue  # still inside the same element (audio player controls)
        previous = step["previous"]
        # Native media controls draw their focus ring inside the element: judged on
        # pixels below instead of computed styles.
        if previous and not previous["visible"] and previous["tag"] not in MEDIA:
            problems.append(f"focus not visible on {previous['name']}")
        if step["body"]:
            last = None
            continue
        if step["id"] in reached:
            break  # focus went round the whole page
        reached[step["id"]] = last = step["id"]
        if not step["onScreen"]:
            try:  # the scroll into view may land a frame later: wait for it, not longer
                page.wait_for_function(f"() => ({ON_SCREEN})().onScreen", timeout=2000)
            except PlaywrightTimeout:
                rect = page.evaluate(ON_SCREEN)
                problems.append(f"focused element off screen: {step['name']} {rect}")
        if step["tag"] in MEDIA:
            element = page.evaluate_handle("document.activeElement")
            media.append((element, element.screenshot(), step["name"]))
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for element, focused, name in media:
        if element.screenshot() == focused:
            problems.append(f"focus not visible on {name}")
    radio_groups = {e["radio"] for e in expected if e["radio"]}
    for element in expected:
        if element["radio"]:
            continue
        if element["id"] not in reached:
            problems.append(f"not reachable with Tab: {element['name']}")
    reached_radio_groups = page.evaluate(
        "(ids) => Array.from(document.querySelectorAll('input[type=radio]'))"
        ".filter((r) => ids.includes(r.__qId)).map((r) => r.name)",
        list(reached),
    )
    for group in radio_groups - set(reached_radio_groups):
        problems.append(f"radio group {group!r} not reachable with Tab")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_keyboard_reaches_and_shows_every_interactive_element(demo_site, demo_url, browser, width):
    pages = representative_pages(demo_site)
    # Reduced motion: no smooth scrolling, so a focused element is on screen at once.
    context = browser.new_context(viewport=WIDTHS[width], reduced_motion="reduce")
    page = context.new_page()
    report = {}
    try:
        for template, path in pages.items():
            page.goto(demo_url + path, wait_until="load")
            report[f"{path} [{template}]"] = _keyboard_problems(page)
    finally:
        context.close()
    failures = {where: found for where, found in report.items() if found}
    assert not failures, f"keyboard problems at {width} width:\n" + "\n".join(
        f"{where}\n  " + "\n  ".join(found) for where, found in failures.items()
    )


def test_keyboard_check_can_fail(browser, tmp_path):
    """Focus styles removed by the CSS are reported; a normal link is not."""
    from conftest import serve_directory

    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="fr"><head><title>t</title><link rel="stylesheet" '
        'href="s.css"></head><body><a href="#a" id="a">ok</a> <a href="#b" class="bad">bad</a>'
        '<span class="bad" tabindex="0">x</span></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "s.css").write_text(".bad:focus { outline: none; }", encoding="utf-8")
    url, server = serve_directory(tmp_path)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url + "/")
        problems = _keyboard_problems(page)
    finally:
        context.close()
        server.shutdown()
    assert any("focus not visible on <a> bad" in p for p in problems), problems
    assert any("focus not visible on <span> x" in p for p in problems), problems
    assert not any("<a#a>" in p for p in problems), problems

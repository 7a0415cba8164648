"""Performance budgets: Lighthouse (mobile) on one page of every template, and the weight
of every page template on a phone's first load. `make audit`; not part of `make test`.

    python tools/audit.py [--builds dev,published] [--runs 1] [--out .build/audit]

Audits the site twice, as a visitor gets it from each command: the development build
(`make html`, pelicanconf.py, SITEURL empty) and the published site (`make publish`,
publishconf.py with SITEURL pointed at a loopback server: fingerprinted, precompressed,
checked). Each is served compressed like a static host does, with the
Content-Security-Policy, then:
- Lighthouse 12 (npm, `make audit` installs it) in its default mobile configuration
  with Debian's Chromium (CHROME_PATH, the mandatory flags) on one page of every
  template (tests/quality_pages.py, the templates tests/test_visitor_layout.py opens):
  the four category scores and the key metrics;
- one page of every template in Chromium at Lighthouse's phone size (412×823, DPR
  1.75): what a first visit transfers (HTML, CSS, JS, images, fonts, other, request
  count) and the layout shift.

Prints the figures as Markdown tables (for the README), writes them with the Lighthouse
reports to --out, and exits 1 when a budget is missed on either build:
performance ≥ 95, accessibility = best practices = SEO = 100, home ≤ 300 KB transferred,
JavaScript ≤ 15 KB and CSS ≤ 20 KB compressed on every page, no layout shift.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from venez_vivre.tools.build import build
from venez_vivre.tools.chromium import CHROMIUM_FLAGS
from venez_vivre.tools.publish import precompress, publish
from venez_vivre.tools.static_server import StaticServer

# The repository's own checks (not part of a programme's install): run from its root.
ROOT = Path.cwd()


def _quality_pages():
    """tests/quality_pages.py (the pages the browser tests visit), loaded by path."""
    import importlib.util

    path = ROOT / "tests" / "quality_pages.py"
    spec = importlib.util.spec_from_file_location("quality_pages", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
# Templates the demo must have for the audit to mean anything; every template present is
# audited.
REQUIRED = ["home", "territory", "episode", "signup", "podcast_subscribe", "transcript", "404"]
BUILDS = {"dev": ROOT / "pelicanconf.py", "published": ROOT / "publishconf.py"}
# Pages kept out of search engines on purpose (robots.txt, `noindex`): search results and
# the thank-you page. Lighthouse's "is-crawlable" audit fails there by design; any other
# SEO audit failing is still a miss.
NOT_FOR_SEARCH_ENGINES = {"search", "signup_thanks"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
SCORE_BUDGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
HOME_BUDGET_KB = 300
JS_BUDGET_KB = 15
CSS_BUDGET_KB = 20
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
    "total-byte-weight": "poids",
}
# Lighthouse's default mobile device (moto g power), for the weight report.
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75}
CSP = "default-src 'self'"
# Pagefind (the search page) compiles WebAssembly: see docs/quality.md.
SEARCH_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
KIND = {
    "document": "html",
    "stylesheet": "css",
    "script": "js",
    "image": "images",
    "font": "fonts",
    "media": "media",
}


def serve(root: Path, tls_dir: Path):
    """HTTPS on loopback with a throwaway self-signed certificate: the production
    settings want an https:// SITEURL, and browsers only use brotli over HTTPS."""
    cert, key = tls_dir / "cert.pem", tls_dir / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    headers = [
        ("*", {"Content-Security-Policy": CSP, "Cache-Control": "no-cache"}),
        ("/recherche/*", {"Content-Security-Policy": SEARCH_CSP}),
    ]
    server = StaticServer(root, headers=headers, tls=context).start()
    return server.url, server


# -- Lighthouse ---------------------------------------------------------------------------
def lighthouse(url: str, report: Path) -> dict:
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("chromium is missing: apt-get install chromium (.ci/run does it)")
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `make audit` (npm ci)")
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={' '.join([*CHROMIUM_FLAGS, '--ignore-certificate-errors'])}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--no-enable-error-reporting",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": chromium}
    subprocess.run(command, check=True, env=env, timeout=240)
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}
    metrics = {key: data["audits"][key]["numericValue"] for key in METRICS}
    # What lowers a score, to explain a missed budget.
    failing = {
        c: [
            f"{ref['id']} {data['audits'][ref['id']]['score']}"
            for ref in data["categories"][c]["auditRefs"]
            if ref["weight"] > 0 and (data["audits"][ref["id"]]["score"] or 0) < 1
        ]
        for c in CATEGORIES
    }
    return {"scores": scores, "metrics": metrics, "failing": failing}


def median_run(runs: list[dict]) -> dict:
    ranked = sorted(runs, key=lambda r: r["scores"]["performance"])
    return ranked[len(ranked) // 2]


# -- Page weight -------------------------------------------------------------------------
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 500);
})"""


def page_weights(base: str, pages: dict[str, str]) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    weights = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        try:
            for template, path in pages.items():
                # A fresh context (empty cache) per page; the certificate is self-signed.
                context = browser.new_context(**PHONE, ignore_https_errors=True)
                page = context.new_page()
                responses = []
                page.on("requestfinished", lambda request, seen=responses: seen.append(request))
                started = time.perf_counter()
                page.goto(base + path, wait_until="load")
                page.wait_for_timeout(300)
                shift = page.evaluate(LAYOUT_SHIFT)
                totals = dict.fromkeys(
                    ["html", "css", "js", "images", "fonts", "media", "other"], 0
                )
                for request in responses:
                    sizes = request.sizes()
                    transferred = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                    totals[KIND.get(request.resource_type, "other")] += transferred
                weights[template] = {
                    "path": path,
                    **totals,
                    "total": sum(totals.values()),
                    "requests": len(responses),
                    "cls": round(shift, 4),
                }
                context.close()
                print(f"weight {template} {time.perf_counter() - started:.1f} s", flush=True)
        finally:
            browser.close()
    return weights


# -- Report --------------------------------------------------------------------------------
def kb(value: float) -> str:
    return f"{value / 1024:.1f}"


def markdown(lighthouse_results: dict, weights: dict) -> str:
    lines = [
        "Lighthouse 12, mobile configuration (simulated slow 4G, moto g power), Debian's Chromium:",
        "",
        "| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS"
        " | SI | weight |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for template, result in lighthouse_results.items():
        s, m = result["scores"], result["metrics"]
        lines.append(
            f"| {template} `{result['path']}` | {s['performance']} | {s['accessibility']} | "
            f"{s['best-practices']} | {s['seo']} | {m['first-contentful-paint'] / 1000:.1f} s | "
            f"{m['largest-contentful-paint'] / 1000:.1f} s | {m['total-blocking-time']:.0f} ms | "
            f"{m['cumulative-layout-shift']:.3f} | {m['speed-index'] / 1000:.1f} s | "
            f"{kb(m['total-byte-weight'])} KB |"
        )
    lines += [
        "",
        "First load at phone width (412×823, DPR 1.75), KB transferred (brotli):",
        "",
        "| template | page | HTML | CSS | JS | images | fonts | media | other | total | requests"
        " | layout shift |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for template, w in weights.items():
        lines.append(
            f"| {template} | `{w['path']}` | {kb(w['html'])} | {kb(w['css'])} | {kb(w['js'])} | "
            f"{kb(w['images'])} | {kb(w['fonts'])} | {kb(w['media'])} | {kb(w['other'])} | "
            f"{kb(w['total'])} | {w['requests']} | {w['cls']} |"
        )
    return "\n".join(lines) + "\n"


def budget_misses(lighthouse_results: dict, weights: dict, missing: list[str]) -> list[str]:
    misses = [
        f"no {template} page in the build: Lighthouse cannot audit it" for template in missing
    ]
    for template, result in lighthouse_results.items():
        for category, minimum in SCORE_BUDGETS.items():
            score = result["scores"][category]
            failing = result["failing"][category]
            if (
                category == "seo"
                and template in NOT_FOR_SEARCH_ENGINES
                and [f.split()[0] for f in failing] == ["is-crawlable"]
            ):
                continue
            if score < minimum:
                lowered_by = ", ".join(failing)
                misses.append(f"{template}: {category} {score} < {minimum} ({lowered_by})")
        if result["metrics"]["cumulative-layout-shift"] > 0:
            misses.append(
                f"{template}: Lighthouse layout shift "
                f"{result['metrics']['cumulative-layout-shift']:.3f} > 0"
            )
    if "home" in weights and weights["home"]["total"] > HOME_BUDGET_KB * 1024:
        misses.append(f"home: {kb(weights['home']['total'])} KB > {HOME_BUDGET_KB} KB transferred")
    for template, w in weights.items():
        if w["js"] > JS_BUDGET_KB * 1024:
            misses.append(f"{template}: JavaScript {kb(w['js'])} KB > {JS_BUDGET_KB} KB")
        if w["css"] > CSS_BUDGET_KB * 1024:
            misses.append(f"{template}: CSS {kb(w['css'])} KB > {CSS_BUDGET_KB} KB")
        if w["cls"] > 0:
            misses.append(f"{template}: layout shift {w['cls']} > 0")
    return misses


def audit_build(name: str, settings: Path, runs: int, out: Path) -> tuple[dict, dict, list]:
    """Build (or publish) the site, serve it, and measure it: (Lighthouse, weights, missing)."""
    with tempfile.TemporaryDirectory(prefix=f"audit-{name}-") as tmp:
        site = Path(tmp) / "site"
        # The server's address must be known before the build (SITEURL): bind first.
        site.mkdir()
        base, server = serve(site, Path(tmp))
        try:
            if name == "published":
                result = publish(settings, site, update_manifest=False, overrides={"SITEURL": base})
            else:  # what `make html` writes: SITEURL empty, root-relative links
                result = build(settings, site, quiet=True)
            if not result["ok"]:
                raise SystemExit(f"{name} build failed:\n{result.get('report')}")
            if name != "published":  # publish() precompresses; a static host serves .br/.gz
                precompress(site)
            pages = _quality_pages().representative_pages(site)
            missing = [t for t in REQUIRED if t not in pages]
            results = {}
            for template, path in pages.items():
                measured = []
                for number in range(runs):
                    print(f"Lighthouse [{name}] {template} {path} ({number + 1}/{runs})…")
                    measured.append(lighthouse(base + path, out / f"{name}-{template}.json"))
                results[template] = {"path": path, **median_run(measured)}
                if runs > 1:
                    results[template]["performance_runs"] = [
                        r["scores"]["performance"] for r in measured
                    ]
            weights = page_weights(base, pages)
        finally:
            server.shutdown()
    return results, weights, missing


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", default="dev,published", help="dev, published or both")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median)")
    parser.add_argument("--out", default=str(ROOT / ".build" / "audit"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = [n.strip() for n in args.builds.split(",") if n.strip()]
    unknown = set(names) - set(BUILDS)
    if unknown:
        parser.error(f"unknown build {sorted(unknown)}: choose among {sorted(BUILDS)}")

    everything, all_misses, tables = {}, [], []
    for name in names:
        results, weights, missing = audit_build(name, BUILDS[name], args.runs, out)
        tables.append(f"### {name} build\n\n" + markdown(results, weights))
        all_misses += [f"[{name}] {m}" for m in budget_misses(results, weights, missing)]
        everything[name] = {"lighthouse": results, "weights": weights}
        if any(len(r.get("performance_runs", [])) > 1 for r in results.values()):
            spread = {t: r["performance_runs"] for t, r in results.items()}
            every = [score for scores in spread.values() for score in scores]
            print(f"[{name}] performance per run: {spread} (median kept; stdev "
                  f"{statistics.pstdev(every):.1f})")  # fmt: skip

    table = "\n".join(tables)
    print()
    print(table)
    (out / "figures.md").write_text(table, encoding="utf-8")
    (out / "figures.json").write_text(
        json.dumps({**everything, "misses": all_misses}, indent=1), encoding="utf-8"
    )
    print(f"Figures and Lighthouse reports: {out}/")
    if all_misses:
        print("\nBudgets missed:\n  " + "\n  ".join(all_misses))
        return 1
    print("\nEvery budget is met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""report.json and report.html: the counts, joined with the campaigns and sign-ups.

The JSON is for machines (and for `UPDATE_FIGURES`); the HTML is for the team, opened
from disk and never published: charts drawn by the site's own chart code (plugins/charts,
inline SVG with a text alternative) and a table of the same numbers beside each.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape
from venez_vivre.charts import Bar, Chart
from venez_vivre.programme.models import Campaign, cost_per
from venez_vivre.programme.text import date_fr, number_fr

from .counting import PROGRAMME_TZ, Totals
from .programme_facts import KeyFigures

# The counting rules, stated by the report itself (docs/stats.md says the same in English).
RULES = (
    "Robots exclus partout : les agents reconnus par CrawlerDetect ou marqués « bot » dans "
    "la liste des applications de podcast de l’Open Podcast Analytics Working Group, ceux "
    "qui n’envoient aucun agent, et tout client qui demande /robots.txt.",
    "Un client est une adresse IP et un agent utilisateur, connus seulement par une "
    "empreinte chiffrée avec une clé tirée au hasard pour ce calcul et jamais enregistrée : "
    "rien qui vienne d’une adresse IP n’est écrit.",
    "Pages vues : les requêtes GET réussies (2xx ou 304) de pages HTML. Visites : les pages "
    "vues d’un même client, tant qu’il ne s’écoule pas plus de 30 minutes entre deux pages.",
    "Téléchargements du podcast (règles IAB v2.2) : au plus un par client et par fichier "
    "d’épisode sur 24 heures, compté quand les octets reçus (réponses 200 et 206 "
    "additionnées) atteignent une minute d’écoute au débit du fichier, ou le fichier entier "
    "s’il dure moins d’une minute. HEAD et réponses en erreur ne comptent jamais.",
    "Scans d’affiche : les pages HTML demandées avec utm_medium=print, par campagne "
    "(utm_campaign) et numéro d’affiche (utm_content), au plus un par client et par jour.",
    "Budget d’une affiche : son champ budget_eur s’il est donné, sinon une part égale du "
    "budget de la campagne qui reste. Coût par scan et par inscription = budget ÷ nombre.",
    "Jours comptés à l’heure de Paris. Les lignes du journal dans un autre format sont "
    "ignorées et comptées.",
)


@dataclass(frozen=True)
class PosterRow:
    campaign: str
    campaign_title: str
    poster: str
    caption: str
    budget_eur: float | None
    scans: int
    signups: int | None

    @property
    def conversion(self) -> float | None:
        if self.signups is None or not self.scans:
            return None
        return self.signups / self.scans

    @property
    def cost_per_scan(self) -> float | None:
        return cost_per(self.budget_eur, self.scans)

    @property
    def cost_per_signup(self) -> float | None:
        return cost_per(self.budget_eur, self.signups)


def _iso_day(time: float | None) -> str | None:
    if time is None:
        return None
    return dt.datetime.fromtimestamp(time, PROGRAMME_TZ).date().isoformat()


def poster_rows(totals: Totals, campaigns: list[Campaign], signups: dict | None):
    """Every poster of every campaign, and every campaign and poster number seen in the
    logs or the sign-ups that the content does not know (a misprint, an old campaign)."""
    by_campaign = (signups or {}).get("by_campaign", {})
    rows = []
    seen = set()
    for campaign in campaigns:
        budgets = campaign.poster_budgets
        for poster in campaign.posters:
            number = str(poster.number)
            seen.add((campaign.slug, number))
            rows.append(
                PosterRow(
                    campaign.slug,
                    campaign.title,
                    number,
                    poster.caption or poster.landing,
                    budgets.get(poster.number),
                    totals.scans.get((campaign.slug, number), 0),
                    None if signups is None else by_campaign.get(campaign.slug, {}).get(number, 0),
                )
            )
    titles = {c.slug: c.title for c in campaigns}
    others = {key for key in totals.scans if key not in seen}
    others |= {(c, p) for c, posters in by_campaign.items() for p in posters if c in titles}
    for campaign, number in sorted(others - seen):
        rows.append(
            PosterRow(
                campaign,
                titles.get(campaign, campaign or "(sans campagne)"),
                number,
                "sans numéro d’affiche" if not number else "affiche inconnue du site",
                None,
                totals.scans.get((campaign, number), 0),
                None if signups is None else by_campaign.get(campaign, {}).get(number, 0),
            )
        )
    return rows


def build_report(
    totals: Totals,
    campaigns: list[Campaign],
    figures: KeyFigures,
    signups: dict | None = None,
) -> dict:
    rows = poster_rows(totals, campaigns, signups)
    qr_scans: dict[str, dict[str, int]] = {}
    posters = {(c.slug, str(p.number)) for c in campaigns for p in c.posters}
    for row in rows:
        if row.scans or (row.campaign, row.poster) in posters:
            qr_scans.setdefault(row.campaign, {})[row.poster] = row.scans
    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "period": {"start": _iso_day(totals.first), "end": _iso_day(totals.last)},
        "lines": {
            "read": totals.lines,
            "skipped_other_format": totals.skipped_lines,
            "truncated_files": totals.truncated_files,
        },
        "requests": totals.requests,
        "bot_requests": totals.bot_requests,
        "robots_txt_clients": totals.robots_clients,
        "visits": totals.visits,
        "pageviews": totals.pageviews,
        "visits_by_day": dict(sorted(totals.visits_by_day.items())),
        "podcast_downloads": dict(totals.downloads.most_common()),
        "podcast_downloads_total": sum(totals.downloads.values()),
        "podcast_apps": dict(totals.downloads_by_app.most_common()),
        "qr_scans": qr_scans,
    }
    cost_per_signup = {}
    cost_per_scan = {}
    for campaign in campaigns:
        scans = sum(qr_scans.get(campaign.slug, {}).values())
        cost_per_scan[campaign.slug] = cost_per(campaign.budget_eur, scans)
        if signups is not None:
            count = sum(signups["by_campaign"].get(campaign.slug, {}).values())
            cost_per_signup[campaign.slug] = cost_per(campaign.budget_eur, count)
    if signups is not None:
        report["signups"] = {
            campaign: dict(sorted(posters.items()))
            for campaign, posters in sorted(signups["by_campaign"].items())
        }
        report["signups_total"] = signups.get("total")
        report["signups_generated_at"] = signups.get("generated_at")
    report["cost_per_scan"] = cost_per_scan
    report["cost_per_signup"] = cost_per_signup
    report["posters"] = [
        {
            "campaign": row.campaign,
            "poster": row.poster,
            "caption": row.caption,
            "budget_eur": row.budget_eur,
            "scans": row.scans,
            "signups": row.signups,
            "conversion": row.conversion,
            "cost_per_scan": row.cost_per_scan,
            "cost_per_signup": row.cost_per_signup,
        }
        for row in rows
    ]
    # The funnel's steps, each with its source and the period it covers: the logs'
    # period (visits, and the receiver's sign-ups of the same days) or the key figures'.
    steps = [("visits", totals.visits, "logs", "logs")]
    if signups is not None:
        start, end = report["period"]["start"] or "", report["period"]["end"] or ""
        in_period = sum(
            n for day, n in signups.get("by_day", {}).items() if start <= day[:10] <= end
        )
        report["signups_in_period"] = in_period
        steps.append(("signups", in_period, "receiver", "logs"))
    else:
        steps.append(("signups", figures.signups, "key_figures", "key_figures"))
    steps += [
        ("accompanied", figures.accompanied, "key_figures", "key_figures"),
        ("settled", figures.settled, "key_figures", "key_figures"),
    ]
    report["funnel"] = [
        {"step": step, "value": value, "source": source, "period": period}
        for step, value, source, period in steps
        if value is not None
    ]
    report["rules"] = list(RULES)
    return report


# -- HTML ---------------------------------------------------------------------------------
FUNNEL_LABELS = {
    "visits": "Visites du site",
    "signups": "Inscriptions",
    "accompanied": "Personnes accompagnées",
    "settled": "Personnes installées",
}
STYLE = """
:root { --ink: #1d2733; --muted: #5b6673; --primary: #1f5f8b; --accent: #e0a526;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color-scheme: light; }
body { font: 16px/1.5 var(--font); color: var(--ink); margin: 0 auto; max-width: 56rem;
  padding: 1rem; }
h1 { font-size: 1.7rem; line-height: 1.2; } h2 { margin-top: 2.2rem; font-size: 1.3rem; }
.lead { font-size: 1.1rem; } .note { color: var(--muted); font-size: 0.95rem; }
dl.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
  gap: 0.75rem; margin: 1rem 0; }
dl.figures div { border: 1px solid #ccd3da; border-radius: 6px; padding: 0.6rem 0.8rem; }
dl.figures dt { font-size: 0.9rem; color: var(--muted); }
dl.figures dd { margin: 0; font-size: 1.5rem; font-weight: 700; }
table { border-collapse: collapse; margin: 0.75rem 0; width: 100%; font-size: 0.95rem; }
caption { text-align: left; font-weight: 700; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid #ccd3da; padding: 0.35rem 0.5rem; text-align: left;
  vertical-align: top; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-scroll { overflow-x: auto; }
table.wide { min-width: 42rem; }
.table-scroll:focus-visible { outline: 3px solid var(--primary); outline-offset: 2px; }
/* plugins/charts' classes, as site.css styles them */
.chart { display: block; width: 100%; max-width: 30rem; overflow: visible; }
.chart-label, .chart-value { font: 700 15px var(--font); fill: var(--ink); }
.chart-value.is-inside { fill: #fff; }
.chart-note { font: 14px var(--font); fill: var(--muted); }
.chart-bar.is-primary { fill: var(--primary); } .chart-bar.is-muted { fill: var(--muted); }
.chart-bar.is-accent { fill: var(--accent); }
.chart-bar.is-accent + .chart-value.is-inside { fill: var(--ink); }
"""


def _n(value) -> str:
    return "—" if value is None else number_fr(value)


def _euros(value) -> str:
    if value is None:
        return "—"
    return f"{number_fr(value, 2 if value < 100 else 0)} €"


def _percent(value) -> str:
    return "—" if value is None else f"{number_fr(value * 100, 1)} %"


def _scroll_region(label: str) -> str:
    # A table wider than a phone scrolls sideways in its own box, which keyboard users
    # must be able to focus (RGAA 7.3, axe's scrollable-region-focusable).
    return f'<div class="table-scroll" role="region" tabindex="0" aria-label="{escape(label)}">'


def _chart_section(chart: Chart, headers: tuple[str, str]) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(b.label)}</th><td class="num">{escape(b.display)}</td>'
        f"<td>{escape(b.note or '')}</td></tr>"
        for b in chart.bars
    )
    return (
        f'<section aria-labelledby="{chart.slug}-h"><h2 id="{chart.slug}-h">'
        f"{escape(chart.title)}</h2>{chart.svg}"
        f"{_scroll_region(chart.title + ' : les chiffres')}<table><caption>"
        f"{escape(chart.title)} : les chiffres"
        f'</caption><thead><tr><th scope="col">{escape(headers[0])}</th><th scope="col" '
        f'class="num">{escape(headers[1])}</th><th scope="col">Commentaire</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div></section>"
    )


def _week_label(day: str) -> str:
    date = dt.date.fromisoformat(day)
    return f"Semaine du {date_fr(date - dt.timedelta(days=date.weekday()))}"


def render_html(report: dict, titles: dict[str, str] | None = None) -> str:
    titles = titles or {}
    period = report["period"]
    parts = []
    if period["start"]:
        when = f"du {date_fr(period['start'])} au {date_fr(period['end'])}"
    else:
        when = "sur une période vide (aucune ligne lisible)"
    parts.append(
        f"<h1>Mesure du programme {escape(when)}</h1>"
        '<p class="lead">Calculée à partir des journaux du serveur web, sans cookie ni '
        "traceur. Document interne à l’équipe : ne pas publier.</p>"
    )
    downloads = report["podcast_downloads_total"]
    scans = sum(sum(p.values()) for p in report["qr_scans"].values())
    cards = [
        ("Visites", _n(report["visits"])),
        ("Pages vues", _n(report["pageviews"])),
        ("Téléchargements du podcast", _n(downloads)),
        ("Scans d’affiches", _n(scans)),
    ]
    if "signups_in_period" in report:
        cards.append(("Inscriptions reçues sur la période", _n(report["signups_in_period"])))
    parts.append(
        '<dl class="figures">'
        + "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in cards)
        + "</dl>"
    )

    funnel = report["funnel"]
    if len(funnel) >= 2:
        bars = []
        for index, step in enumerate(funnel):
            note = None
            previous = funnel[index - 1] if index else None
            # A share only between figures of one period: a month of visits against a
            # year of people accompanied would read as nonsense.
            if previous and previous["value"] and previous["period"] == step["period"]:
                share = step["value"] / previous["value"] * 100
                note = f"soit {number_fr(share, 1)} % des {FUNNEL_LABELS[previous['step']].lower()}"
            source = {"logs": "journaux", "receiver": "récepteur", "key_figures": "chiffres clés"}
            label = f"{FUNNEL_LABELS[step['step']]} ({source[step['source']]})"
            bars.append(Bar(label, step["value"], number_fr(step["value"]), note))
        parts.append(
            _chart_section(
                Chart(
                    "entonnoir",
                    "De la visite à l’installation",
                    "Le parcours du programme, étape par étape, avec la source de chaque chiffre.",
                    bars,
                ),
                ("Étape", "Personnes"),
            )
        )
        parts.append(
            '<p class="note">Les visites et les inscriptions du récepteur couvrent la période '
            "des journaux ; les chiffres venus des chiffres clés couvrent la période de ce "
            "fichier, qui peut être différente : la part d’une étape dans la précédente "
            "n’est donnée qu’entre chiffres de la même période.</p>"
        )

    rows = report["posters"]
    if rows:
        has_signups = "signups" in report
        parts.append(_posters_table(rows, titles, has_signups))
        bars = [
            Bar(_poster_label(r, titles), r["scans"], number_fr(r["scans"]))
            for r in rows
            if r["scans"] or r["poster"]
        ]
        if bars:
            parts.append(
                _chart_section(
                    Chart(
                        "scans",
                        "Scans par affiche",
                        "Nombre de scans du QR code de chaque affiche (un par téléphone et "
                        "par jour).",
                        bars,
                    ),
                    ("Affiche", "Scans"),
                )
            )
        if has_signups:
            bars = [
                Bar(
                    _poster_label(r, titles),
                    r["signups"] or 0,
                    number_fr(r["signups"] or 0),
                    None if r["conversion"] is None else f"{_percent(r['conversion'])} des scans",
                    variant="accent",
                )
                for r in rows
            ]
            parts.append(
                _chart_section(
                    Chart(
                        "inscriptions",
                        "Inscriptions par affiche",
                        "Inscriptions arrivées par le QR code de chaque affiche, et leur part "
                        "des scans.",
                        bars,
                    ),
                    ("Affiche", "Inscriptions"),
                )
            )
            costly = [r for r in rows if r["cost_per_signup"] is not None]
            if costly:
                parts.append(
                    _chart_section(
                        Chart(
                            "cout",
                            "Coût par inscription, affiche par affiche",
                            "Budget de l’affiche divisé par ses inscriptions.",
                            [
                                Bar(
                                    _poster_label(r, titles),
                                    r["cost_per_signup"],
                                    _euros(r["cost_per_signup"]),
                                    variant="muted",
                                )
                                for r in costly
                            ],
                        ),
                        ("Affiche", "Coût par inscription"),
                    )
                )

    episodes = report["podcast_downloads"]
    if episodes:
        parts.append(
            _chart_section(
                Chart(
                    "podcast",
                    "Téléchargements par épisode",
                    "Téléchargements de chaque épisode selon les règles IAB v2.2.",
                    [Bar(titles.get(s, s), n, number_fr(n)) for s, n in episodes.items()],
                ),
                ("Épisode", "Téléchargements"),
            )
        )
        parts.append(
            _chart_section(
                Chart(
                    "applications",
                    "Applications d’écoute",
                    "Téléchargements par application, selon la liste de l’Open Podcast "
                    "Analytics Working Group.",
                    [
                        Bar(app, n, number_fr(n), variant="muted")
                        for app, n in report["podcast_apps"].items()
                    ],
                ),
                ("Application", "Téléchargements"),
            )
        )

    weeks: dict[str, int] = {}
    for day, count in report["visits_by_day"].items():
        label = _week_label(day)
        weeks[label] = weeks.get(label, 0) + count
    if weeks:
        parts.append(
            _chart_section(
                Chart(
                    "semaines",
                    "Visites par semaine",
                    "Visites commencées chaque semaine (du lundi au dimanche).",
                    [Bar(w, n, number_fr(n)) for w, n in weeks.items()],
                ),
                ("Semaine", "Visites"),
            )
        )

    lines = report["lines"]
    parts.append(
        '<section aria-labelledby="rules-h"><h2 id="rules-h">Comment ces chiffres sont '
        "comptés</h2><ul>"
        + "".join(f"<li>{escape(rule)}</li>" for rule in report["rules"])
        + "</ul>"
        f'<p class="note">{_n(lines["read"])} lignes lues, dont '
        f"{_n(lines['skipped_other_format'])} dans un autre format (ignorées) ; "
        f"{_n(report['requests'])} requêtes, dont "
        f"{_n(report['bot_requests'])} de robots ; {_clients(report['robots_txt_clients'])} "
        "pour avoir demandé /robots.txt.</p>" + _truncated(lines["truncated_files"]) + "</section>"
    )
    body = Markup("".join(parts))
    return (
        '<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>Mesure du programme {escape(when)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _truncated(files: list[str]) -> str:
    if not files:
        return ""
    names = ", ".join(str(escape(Path(f).name)) for f in files)
    return (
        f'<p class="note">Journaux coupés avant la fin (fichier compressé incomplet), lus '
        f"jusqu’à la coupure : {names}.</p>"
    )


def _clients(count: int) -> str:
    return f"{_n(count)} client écarté" if count < 2 else f"{_n(count)} clients écartés"


def _poster_label(row: dict, titles: dict[str, str]) -> str:
    campaign = titles.get(row["campaign"], row["campaign"] or "(sans campagne)")
    if not row["poster"]:
        return f"{campaign} — sans numéro"
    return f"{campaign} — affiche {row['poster']}"


NUM = ' class="num"'


def _posters_table(rows: list[dict], titles: dict[str, str], has_signups: bool) -> str:
    head = ["Campagne", "Affiche", "Budget", "Scans", "Coût par scan"]
    if has_signups:
        head += ["Inscriptions", "Conversion", "Coût par inscription"]
    cells = []
    for r in rows:
        row = [
            f'<th scope="row">{escape(titles.get(r["campaign"], r["campaign"]))}</th>',
            f"<td>{escape(r['poster'] or '—')} : {escape(r['caption'])}</td>",
            f'<td class="num">{_euros(r["budget_eur"])}</td>',
            f'<td class="num">{_n(r["scans"])}</td>',
            f'<td class="num">{_euros(r["cost_per_scan"])}</td>',
        ]
        if has_signups:
            row += [
                f'<td class="num">{_n(r["signups"])}</td>',
                f'<td class="num">{_percent(r["conversion"])}</td>',
                f'<td class="num">{_euros(r["cost_per_signup"])}</td>',
            ]
        cells.append("<tr>" + "".join(row) + "</tr>")
    header = "".join(f'<th scope="col"{NUM if i >= 2 else ""}>{h}</th>' for i, h in enumerate(head))
    return (
        '<section aria-labelledby="affiches-h"><h2 id="affiches-h">Des affiches aux '
        "inscriptions</h2>"
        '<p class="note">Chaque ligne est une affiche : ses scans sur la période des journaux, '
        "les inscriptions venues de son QR code (toutes celles que le récepteur a reçues : il "
        "ne les détaille pas par jour), et ce qu’elle a coûté.</p>"
        f"{_scroll_region('Affiches, scans et inscriptions')}"
        '<table class="wide"><caption>Affiches, scans et inscriptions</caption>'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(cells)}</tbody></table></div>"
        "</section>"
    )


def write_report(report: dict, html: str, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "report.json", out / "report.html"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    html_path.write_text(html, encoding="utf-8")
    return json_path, html_path

"""Charts drawn at build time as inline SVG: no chart library in the browser.

Each chart is a `Chart` of labelled bars. Templates print `chart.svg` (an accessible
image: role="img", a title and a description that states every figure) and a data
table built from the same `chart.bars`, so the picture and the numbers cannot
disagree. Numbers are French (`12 000`, `5,7 M€`) through programme.text.

The SVG is laid out for a phone first: labels sit above their bar (never beside it),
so the whole width is available to both, and the text stays about 12 px high on a
320 px screen. Colours come from classes styled in site.css (no inline style: the
site runs under `Content-Security-Policy: default-src 'self'`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape
from pelican import signals
from venez_vivre.programme.text import number_fr

WIDTH = 340  # viewBox width; rendered 288–480 px wide (see .chart in site.css)
LABEL_SIZE = 15
NOTE_SIZE = 14
BAR_HEIGHT = 24
ROW_GAP = 14


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str  # the value as people read it: "12 000", "250 k€"
    note: str | None = None  # "soit 7,7 % des visites du site"
    variant: str = "primary"  # CSS class suffix: primary, muted, accent


@dataclass
class Chart:
    slug: str  # unique in the page: ids of the title and description
    title: str
    description: str  # one sentence on what the chart shows; the figures follow
    bars: list[Bar] = field(default_factory=list)
    value_header: str = "Valeur"

    @property
    def text_alternative(self) -> str:
        figures = "; ".join(
            f"{bar.label} : {bar.display}" + (f" ({bar.note})" if bar.note else "")
            for bar in self.bars
        )
        return f"{self.description} {figures}."

    @property
    def svg(self) -> Markup:
        return Markup(render_bars(self))


def _text_width(text: str, size: float) -> float:
    # An estimate (no font metrics at build time): digits and most Latin letters of
    # system sans-serif fonts average about 0.58 em; erring wide keeps labels inside.
    return len(text) * size * 0.6


def render_bars(chart: Chart) -> str:
    top = 4
    largest = max((bar.value for bar in chart.bars), default=0) or 1
    rows = []
    y = top
    for bar in chart.bars:
        label_y = y + LABEL_SIZE
        bar_y = label_y + 6
        width = max(2.0, round(bar.value / largest * WIDTH, 1))
        value_width = _text_width(bar.display, LABEL_SIZE)
        if width >= value_width + 16:  # the value fits inside its bar
            value = (
                f'<text class="chart-value is-inside" x="{width - 8}" '
                f'y="{bar_y + BAR_HEIGHT - 7}" text-anchor="end">{escape(bar.display)}</text>'
            )
        else:
            value = (
                f'<text class="chart-value" x="{width + 6}" '
                f'y="{bar_y + BAR_HEIGHT - 7}">{escape(bar.display)}</text>'
            )
        row = [
            f'<text class="chart-label" x="0" y="{label_y}">{escape(bar.label)}</text>',
            f'<rect class="chart-bar is-{escape(bar.variant)}" x="0" y="{bar_y}" '
            f'width="{width}" height="{BAR_HEIGHT}" rx="3"/>',
            value,
        ]
        y = bar_y + BAR_HEIGHT
        if bar.note:
            y += NOTE_SIZE + 4
            row.append(f'<text class="chart-note" x="0" y="{y}">{escape(bar.note)}</text>')
        rows.append("<g>" + "".join(row) + "</g>")
        y += ROW_GAP
    height = round(y - ROW_GAP + 6)
    title_id, desc_id = f"chart-{chart.slug}-title", f"chart-{chart.slug}-desc"
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{escape(chart.title)}</title>'
        f'<desc id="{desc_id}">{escape(chart.text_alternative)}</desc>' + "".join(rows) + "</svg>"
    )


def _share(part: float, whole: float) -> str:
    share = part / whole * 100
    if 0 < share < 0.1:
        return "moins de 0,1 %"  # "0,0 %" would read as nobody
    return f"{number_fr(share, 1 if share < 10 else 0)} %"


def key_figure_charts(figures) -> list[Chart]:
    """The charts of /chiffres-cles/ from the programme's KeyFigures; a chart whose
    figures are missing is simply not drawn."""
    if figures is None:
        return []
    charts = []
    funnel = figures.funnel
    if len(funnel) >= 2:
        bars = []
        for index, (label, value) in enumerate(funnel):
            note = None
            if index:
                previous_label, previous = funnel[index - 1]
                if previous:
                    note = f"soit {_share(value, previous)} des {previous_label.lower()}"
            bars.append(Bar(label, value, number_fr(value), note))
        charts.append(
            Chart(
                "entonnoir",
                "De la visite du site à l’installation",
                "Nombre de personnes à chaque étape du parcours, et la part de l’étape "
                "précédente qu’elles représentent.",
                bars,
                "Personnes",
            )
        )
    if figures.signups_target and figures.signups is not None:
        charts.append(
            Chart(
                "objectif",
                "Inscriptions : objectif et résultat",
                "L’objectif d’inscriptions de la période comparé aux inscriptions reçues.",
                [
                    Bar(
                        "Objectif",
                        figures.signups_target,
                        number_fr(figures.signups_target),
                        variant="muted",
                    ),
                    Bar(
                        "Inscriptions reçues",
                        figures.signups,
                        number_fr(figures.signups),
                        f"soit {_share(figures.signups, figures.signups_target)} de l’objectif",
                    ),
                ],
                "Inscriptions",
            )
        )
    if figures.settled and figures.settled_children is not None:
        adults = figures.settled - figures.settled_children
        charts.append(
            Chart(
                "installes",
                "Qui s’est installé : adultes et enfants",
                f"Les {number_fr(figures.settled)} personnes installées, adultes et enfants.",
                [
                    Bar(
                        "Adultes",
                        adults,
                        number_fr(adults),
                        f"{_share(adults, figures.settled)} des personnes installées",
                    ),
                    Bar(
                        "Enfants",
                        figures.settled_children,
                        number_fr(figures.settled_children),
                        f"{_share(figures.settled_children, figures.settled)} des personnes "
                        "installées",
                        variant="accent",
                    ),
                ],
                "Personnes",
            )
        )
    return charts


def initialise(pelican) -> None:
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(key_figure_charts=key_figure_charts)


def register():
    signals.initialized.connect(initialise)

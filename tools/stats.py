"""Measure the programme from the web server's access logs (docs/stats.md).

    python tools/stats.py --logs '/var/log/nginx/access.log*' [--signups URL|PATH]
        [--out stats] [--site output] [--settings pelicanconf.py] [--update-figures]

Writes OUT/report.json and OUT/report.html (for the team, never published) and prints
the main figures. `--signups`: the receiver's /stats.json (token in SIGNUPS_TOKEN) or its
database. `--update-figures` copies measured visits and podcast downloads, with their
period, into the key-figures file. Exit status: 0 done, 1 a French error (nothing written
to the key figures).

`make stats` runs it as `python -m venez_vivre.tools.stats`.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from pelican.settings import read_settings
from venez_vivre.measurement import LogsError, measure
from venez_vivre.measurement.figures import FiguresError, update_key_figures
from venez_vivre.measurement.programme_facts import FactsError
from venez_vivre.measurement.signups import SignupsError
from venez_vivre.programme.text import number_fr


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logs", required=True, help="log files or globs, space-separated")
    parser.add_argument("--signups", default=None)
    parser.add_argument("--out", default="stats", type=Path)
    parser.add_argument("--site", default="output", type=Path, help="the built site")
    parser.add_argument("--settings", default="pelicanconf.py", type=Path)
    parser.add_argument("--update-figures", action="store_true")
    args = parser.parse_args(argv)

    settings = read_settings(str(args.settings))
    content = Path(settings["PATH"])
    figures_file = content / settings.get("KEY_FIGURES_FILE", "data/chiffres.yml")
    try:
        measured = measure(
            shlex.split(args.logs), args.site, content, figures_file, args.out, args.signups
        )
    except (LogsError, FactsError, SignupsError) as error:
        print(f"make stats : {error}", file=sys.stderr)
        return 1
    report = measured.report
    period = report["period"]
    print(f"Période : {period['start']} → {period['end']}")
    lines = report["lines"]
    print(
        f"Lignes lues : {number_fr(lines['read'])} "
        f"(dont {number_fr(lines['skipped_other_format'])} dans un autre format, ignorées)"
    )
    for name in lines["truncated_files"]:
        print(f"Journal coupé avant la fin, lu jusqu’à la coupure : {name}")
    print(f"Visites : {number_fr(report['visits'])}")
    print(f"Pages vues : {number_fr(report['pageviews'])}")
    print(f"Téléchargements du podcast : {number_fr(report['podcast_downloads_total'])}")
    for slug, count in report["podcast_downloads"].items():
        print(f"  {slug} : {number_fr(count)}")
    for campaign, posters in report["qr_scans"].items():
        scans = ", ".join(f"affiche {p or '?'} : {number_fr(n)}" for p, n in posters.items())
        print(f"Scans {campaign} : {scans}")
    if "signups" in report:
        print(f"Inscriptions : {number_fr(report.get('signups_total') or 0)}")
        for campaign, cost in report["cost_per_signup"].items():
            shown = "—" if cost is None else f"{number_fr(cost, 2)} €"
            print(f"  coût par inscription {campaign} : {shown}")
    print(f"Rapport : {measured.json_path} et {measured.html_path}")
    if args.update_figures:
        try:
            values = update_key_figures(figures_file, report)
        except FiguresError as error:
            print(f"make stats : {error}", file=sys.stderr)
            return 1
        print(
            f"Chiffres clés mis à jour ({figures_file}) : {number_fr(values['site_visits'])} "
            f"visites et {number_fr(values['podcast_listens'])} écoutes, du "
            f"{values['measured_start']} au {values['measured_end']}."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

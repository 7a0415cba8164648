"""Build speed at scale: a synthetic programme at 10x and 50x a real one (10x: 100
territories, 2,000 testimonials, 300 episodes, 500 news, 20 campaigns, their images),
built by venez-vivre, by plain Pelican (same Markdown, no plugins, default theme) and by
Hugo (same Markdown, minimal templates). Steps: cold (no output, no cache), warm
(nothing changed: ours does nothing), full (every page rendered again,
`tools/build.py --full`: what plain Pelican and Hugo do on every run), then one edit
at a time: a testimonial's body, a territory's name, a template (ours only), and the
testimonial edit built as `make serve` builds it (by its build worker, a process kept
between saves; search indexed after serving).
Prints wall time, CPU time (user + system, children included: robust to a busy
machine), peak memory and the load average. A benchmark, not a test.

    .venv/bin/python bench/build_speed.py [--scales 10 50] [--only ours pelican hugo]
                                          [--keep DIR] [--no-cold] [--repeat N] [--profile]

--repeat N runs each step after cold N times and prints the median: on a shared
machine single runs vary by a second.

Hugo comes from Debian's package: `apt-get install hugo` (not installed by CI); the
script skips it when absent. --profile writes a cProfile of venez-vivre's full build at
the first scale and prints its top entries.

Targets (issue 17): a one-edit rebuild of the 10x programme in 3 s or less (directly
and through `make serve`); a full build no slower than plain Pelican's warm build of
the same Markdown; peak memory linear in content.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from venez_vivre.tools.demo_settings import content_files_named_in_settings

ROOT = Path(__file__).resolve().parent.parent

DEMO = ROOT / "content"
PYTHON = sys.executable
# One real programme (the region of the README: about ten territories, two hundred
# testimonials collected over the years, a podcast of thirty episodes, fifty news a
# year): what "10x" multiplies. At 10x: 100 territories, 2,000 testimonials, 300
# episodes, 500 news (issue 17's shape).
PROGRAMME_COUNTS = {
    "territories": 10,
    "testimonials": 200,
    "episodes": 30,
    "news": 50,
    "campaigns": 2,
}
# Distinct photos: ten per programme, at most 100. Every territory has a hero and every
# other testimonial a portrait, drawn from this pool; encoding them is what a cold
# build spends its time on (bench/images.py measures the encoders themselves).
IMAGES_PER_PROGRAMME = 10
MAX_IMAGES = 100
WORDS = (  # noqa: SIM905 — one readable block of words
    "lac forêt gare TGV télétravail école crèche marché vignoble montagne rivière atelier "
    "coworking hôpital université quartier maison jardin vélo tramway citadelle musée "
    "festival fromagerie randonnée association emploi logement entreprise artisan santé "
    "famille voisin village centre-ville patrimoine canal plateau saison"
).split()


# -- the synthetic programme -----------------------------------------------------------
def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return (" ".join(words)).capitalize() + "."


def paragraphs(rng: random.Random, count: int = 4) -> str:
    return "\n\n".join(" ".join(sentence(rng) for _ in range(5)) for _ in range(count))


def make_images(folder: Path, count: int, seed: int = 1) -> list[str]:
    """Distinct photo-like JPEGs (gradients and noise), 1600x1067 like the demo's."""
    from PIL import Image, ImageDraw, ImageFilter

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = []
    for i in range(count):
        name = f"photo-{i:04d}.jpg"
        names.append(f"images/{name}")
        if (folder / name).exists():
            continue
        base = Image.linear_gradient("L").resize((1600, 1067)).convert("RGB")
        tint = Image.new("RGB", base.size, tuple(rng.randrange(40, 220) for _ in range(3)))
        image = Image.blend(base, tint, 0.6)
        draw = ImageDraw.Draw(image)
        for _ in range(40):
            x, y = rng.randrange(1600), rng.randrange(1067)
            r = rng.randrange(20, 200)
            colour = tuple(rng.randrange(256) for _ in range(3))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        noise = Image.effect_noise(image.size, 24).convert("RGB")
        image = Image.blend(image.filter(ImageFilter.GaussianBlur(3)), noise, 0.15)
        image.save(folder / name, "JPEG", quality=90)
    return names


def write(path: Path, text: str) -> None:
    """Write unless the file already holds `text` (a kept workspace keeps its dates)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    path.write_text(text, encoding="utf-8")


def generate(base: Path, scale: int) -> dict:
    """The same programme three ways: content/ (ours), plain/ (Pelican's own metadata
    syntax), hugo/ (YAML front matter, which Hugo reads natively)."""
    rng = random.Random(scale)
    counts = {kind: n * scale for kind, n in PROGRAMME_COUNTS.items()}
    content = base / "content"
    images = make_images(base / "image-sources", min(IMAGES_PER_PROGRAMME * scale, MAX_IMAGES))
    shutil.copytree(base / "image-sources", content / "images", dirs_exist_ok=True)
    for relative in {"data/chiffres.yml", *content_files_named_in_settings(DEMO)}:
        if (DEMO / relative).is_file():
            (content / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(DEMO / relative, content / relative)
    shutil.copytree(DEMO / "pages", content / "pages", dirs_exist_ok=True)
    audio = sorted((DEMO / "audio").glob("*.mp3"))
    transcripts = sorted((DEMO / "transcripts").glob("*.vtt"))

    documents = []  # (kind, slug, title, date, summary, body): for the plain and Hugo sites
    territories = []
    for i in range(counts["territories"]):
        slug = f"territoire-{i:04d}"
        territories.append(slug)
        title = f"Territoire {i} {rng.choice(WORDS).capitalize()}"
        summary = sentence(rng, 20)
        body = paragraphs(rng, 5)
        write(
            content / "territoires" / f"{slug}.md",
            f'---\ntitle: "{title}"\ndepartment: "Doubs (25)"\nsummary: "{summary}"\n'
            f'hero: {images[i % len(images)]}\nhero_alt: "Paysage de {title}"\n'
            f"location: {{lat: {46 + rng.random() * 2:.3f}, lon: {3 + rng.random() * 4:.3f}}}\n"
            f"kind: ville\ntags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]\n"
            'figures:\n  - {label: Paris en TGV, value: "1 h 40"}\n'
            "welcome_officer: {name: Camille Martin, email: accueil@example.org}\n"
            'opportunities:\n  - {kind: emploi, title: Emplois, url: "https://example.org/e"}\n'
            f"---\n\n{body}\n",
        )
        documents.append(("territoires", slug, title, "2025-01-01", summary, body))
    for i in range(counts["testimonials"]):
        slug = f"temoignage-{i:05d}"
        title = f"Témoignage {i} : {sentence(rng, 6)[:-1]}"
        quote = sentence(rng, 12)
        body = paragraphs(rng, 4)
        day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        portrait = (
            f'portrait: {images[(i * 7) % len(images)]}\nportrait_alt: "Portrait"\n'
            if i % 2 == 0
            else ""
        )
        write(
            content / "temoignages" / f"{slug}.md",
            f'---\ntitle: "{title}"\nperson: "Alex {chr(65 + i % 26)}."\norigin: Paris\n'
            f"territory: {territories[i % len(territories)]}\ndate: {day}\n"
            f'quote: "{quote}"\nmoved_in: 2024\nprofession: infirmière\n{portrait}'
            f"---\n\n{body}\n",
        )
        documents.append(("temoignages", slug, title, day, quote, body))
    for i in range(counts["episodes"]):
        slug = f"episode-{i:04d}"
        title = f"Épisode {i + 1} : {sentence(rng, 5)[:-1]}"
        summary = sentence(rng, 18)
        body = paragraphs(rng, 2)
        source = audio[i % len(audio)]
        target = content / "audio" / f"{slug}.mp3"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.link(source, target)
        transcript = ""
        if transcripts:
            vtt = content / "transcripts" / f"{slug}.vtt"
            vtt.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(transcripts[i % len(transcripts)], vtt)
            transcript = f"transcript: transcripts/{slug}.vtt\n"
        day = f"{2020 + i // 12:04d}-{1 + i % 12:02d}-05"
        write(
            content / "podcast" / f"{slug}.md",
            f'---\ntitle: "{title}"\ndate: {day}\nsummary: "{summary}"\n'
            f"audio: audio/{slug}.mp3\nepisode: {i + 1}\nseason: 1\n{transcript}"
            f"territory: {territories[i % len(territories)]}\n"
            "guests:\n  - {name: Camille Martin, role: chargée d’accueil}\n"
            f"---\n\n{body}\n",
        )
        documents.append(("podcast", slug, title, day, summary, body))
    for i in range(counts["news"]):
        slug = f"actualite-{i:04d}"
        title = f"Actualité {i} : {sentence(rng, 6)[:-1]}"
        summary = sentence(rng, 16)
        body = paragraphs(rng, 3)
        day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        write(
            content / "actualites" / f"{slug}.md",
            f'---\ntitle: "{title}"\ndate: {day}\nsummary: "{summary}"\n---\n\n{body}\n',
        )
        documents.append(("actualites", slug, title, day, summary, body))
    for i in range(counts["campaigns"]):
        slug = f"campagne-{i:04d}"
        posters = "".join(
            f'  - image: {images[(i * 3 + p) % len(images)]}\n    alt: "Affiche {p + 1}"\n'
            f'    caption: "Affiche {p + 1}"\n'
            f"    landing: /territoires/{territories[(i + p) % len(territories)]}/\n"
            for p in range(2)
        )
        write(
            content / "campagnes" / f"{slug}.md",
            f'---\ntitle: "Campagne {i}"\nsummary: "{sentence(rng, 12)}"\n'
            f"start: 2025-09-01\nend: 2025-10-31\nposters:\n{posters}"
            "channels: [metro, presse]\n---\n\n" + paragraphs(rng, 1) + "\n",
        )

    write_plain(base / "plain", documents)
    write_hugo(base / "hugo", documents)
    campaign_slugs = [f"campagne-{i:04d}" for i in range(counts["campaigns"])]
    prune(base, documents, campaign_slugs)
    return {**counts, "images": len(images), "markdown files": len(documents) + counts["campaigns"]}


def prune(base: Path, documents, campaign_slugs) -> None:
    """Remove the Markdown a kept workspace holds from another shape or scale."""
    wanted = {(kind, slug) for kind, slug, *_ in documents}
    wanted |= {("campagnes", slug) for slug in campaign_slugs}
    kinds = {kind for kind, _ in wanted}
    for root in (base / "content", base / "plain" / "content", base / "hugo" / "content"):
        for kind in kinds:
            for page in (root / kind).glob("*.md"):
                if (kind, page.stem) not in wanted:
                    page.unlink()


def write_plain(plain: Path, documents) -> None:
    """The same Markdown for plain Pelican, in its own metadata syntax, as articles."""
    for kind, slug, title, day, summary, body in documents:
        write(
            plain / "content" / kind / f"{slug}.md",
            f"Title: {title}\nDate: {day}\nSlug: {slug}\nCategory: {kind}\n"
            f"Summary: {summary}\n\n{body}\n",
        )
    write(
        plain / "settings.py",
        'SITENAME = "Plain"\nSITEURL = ""\nPATH = "content"\nTIMEZONE = "Europe/Paris"\n'
        'DEFAULT_LANG = "fr"\nARTICLE_URL = "{category}/{slug}/"\n'
        'ARTICLE_SAVE_AS = "{category}/{slug}/index.html"\nPLUGINS = []\n'
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nDEFAULT_PAGINATION = 10\n",
    )


def write_hugo(hugo: Path, documents) -> None:
    for kind, slug, title, day, summary, body in documents:
        safe_title = title.replace('"', "'")
        write(
            hugo / "content" / kind / f"{slug}.md",
            f'---\ntitle: "{safe_title}"\ndate: {day}\nslug: {slug}\n'
            f'summary: "{summary}"\n---\n\n{body}\n',
        )
    write(hugo / "config.toml", 'baseURL = "/"\nlanguageCode = "fr"\ntitle = "Hugo"\n')
    layouts = hugo / "layouts" / "_default"
    write(
        layouts / "baseof.html",
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}'
        '</title></head><body>{{ block "main" . }}{{ end }}</body></html>\n',
    )
    write(
        layouts / "single.html", '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n'
    )
    write(
        layouts / "list.html",
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
    )


# -- measuring -------------------------------------------------------------------------
def run(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak resident memory in MiB of the process tree's
    largest member). CPU: user + system of the process and the children it waited for
    (image encoders, Pagefind)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{command[:3]}… failed:\n{stderr[-3000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def ours(base: Path, force: bool = False, *extra: str) -> list[str]:
    """tools/build.py on the workspace: what `make html` runs (`--index-later`: what
    `make serve` runs; `--full`: every page rendered again)."""
    settings = base / "settings.py"
    templates = base / "templates"
    templates.mkdir(exist_ok=True)
    template = templates / "territory.html"
    if not template.exists():  # the template the "1 template" step edits
        shutil.copyfile(ROOT / "theme" / "templates" / "territory.html", template)
    # Written each time (unchanged files are left alone): a kept workspace may come from
    # another checkout, whose theme and plugins it would otherwise keep using.
    write(
        settings,
        f"import runpy\nglobals().update(runpy.run_path({str(ROOT / 'pelicanconf.py')!r}))\n"
        f'PATH = "content"\nTHEME_TEMPLATES_OVERRIDES = [{str(templates)!r}]\n',
    )
    return [
        PYTHON,
        str(ROOT / "tools" / "build.py"),
        "--settings",
        str(settings),
        "--output",
        str(base / "out-ours"),
        "--status",
        str(base / "status.json"),
        "--quiet",
        *(["--force"] if force else []),
        *extra,
    ]


def median_run(command: list[str], cwd: Path, repeat: int, before=None) -> tuple:
    """The run of median wall time among `repeat` runs (`before()` prepares each)."""
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(run(command, cwd))
    return sorted(runs)[len(runs) // 2]


def edit_one_testimonial(base: Path) -> None:
    """A sentence added to one testimonial's body, in the three sites."""
    for root in (
        base / "content" / "temoignages",
        base / "plain" / "content" / "temoignages",
        base / "hugo" / "content" / "temoignages",
    ):
        page = sorted(root.glob("*.md"))[0]
        page.write_text(page.read_text(encoding="utf-8") + "\nUne phrase ajoutée.\n", "utf-8")
    time.sleep(2.1)  # a file younger than 2 s is not trusted by tools/build.py


def edit_one_territory(base: Path) -> None:
    """One territory's name changed (its front matter): every page naming it changes."""
    page = base / "content" / "territoires" / "territoire-0000.md"
    text = page.read_text(encoding="utf-8")
    title = text.split('title: "', 1)[1].split('"', 1)[0]
    renamed = title + " bis" if not title.endswith(" bis") else title[: -len(" bis")]
    page.write_text(text.replace(f'title: "{title}"', f'title: "{renamed}"', 1), "utf-8")
    for root in (base / "plain" / "content", base / "hugo" / "content"):
        for plain in (root / "territoires").glob("territoire-0000.md"):
            plain.write_text(plain.read_text(encoding="utf-8").replace(title, renamed), "utf-8")
    time.sleep(2.1)


def edit_one_template(base: Path) -> None:
    """The territory template (an override in the workspace) changed: its pages change."""
    template = base / "templates" / "territory.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n{# modifié #}\n", "utf-8")
    time.sleep(2.1)


def _process_figures(pid: int) -> tuple[float, float]:
    """(CPU seconds so far, peak resident MiB) of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    status = Path(f"/proc/{pid}/status").read_text()
    peak = int(status.split("VmHWM:", 1)[1].split()[0]) / 1024
    return cpu, peak


def serve_runs(base: Path, repeat: int) -> tuple:
    """The `make serve` rebuild after one testimonial edit: tools/serve.py's build
    worker (one process kept between saves, search indexed after serving), timed from
    the request to its answer. The median of `repeat` edits, after a first build."""
    from venez_vivre.tools.serve import BuildWorker

    ours(base)  # writes the workspace's settings
    worker = BuildWorker(
        str(base / "settings.py"), str(base / "out-ours"), base / "serve-status.json"
    )
    runs = []
    try:
        if not worker.build():
            raise RuntimeError("the build worker failed")
        for _ in range(repeat):
            edit_one_testimonial(base)
            cpu_before, _ = _process_figures(worker.process.pid)
            started = time.perf_counter()
            if not worker.build():
                raise RuntimeError("the build worker failed")
            seconds = time.perf_counter() - started
            cpu_after, peak = _process_figures(worker.process.pid)
            runs.append((seconds, cpu_after - cpu_before, peak))
    finally:
        worker.stop()
    return sorted(runs)[len(runs) // 2]


STEPS = ("cold", "warm", "full", "1 testimonial", "1 territory", "1 template", "serve")


def measure(
    base: Path, tools: list[str], cold: bool = True, repeat: int = 1
) -> dict[str, dict[str, tuple]]:
    """Per tool, per step: (wall, CPU, peak MiB). Steps: cold (no output, no cache),
    warm (nothing changed), full (every page rendered again: what plain Pelican and
    Hugo do on every run), one testimonial's body edited, one territory renamed, one
    template edited (ours only: the others render every page anyway), serve (one
    testimonial edited, built as `make serve` builds: by its build worker, search
    indexed after serving; median of at least three edits)."""
    results: dict[str, dict[str, tuple]] = {}
    commands = {
        "ours": lambda force=False, *extra: ours(base, force, *extra),
        "pelican": lambda force=False, *extra: [
            PYTHON,
            "-m",
            "pelican",
            "content",
            "-o",
            str(base / "out-plain"),
            "-s",
            "settings.py",
            "-q",
        ],
        "hugo": lambda force=False, *extra: [
            "hugo",
            "--quiet",
            "--source",
            str(base / "hugo"),
            "--destination",
            str(base / "out-hugo"),
        ],
    }
    cwd = {"ours": base, "pelican": base / "plain", "hugo": base / "hugo"}
    leftovers = {
        "ours": ["out-ours", ".out-ours.inputs.json", ".cache"],
        "pelican": ["out-plain", "plain/cache"],
        "hugo": ["out-hugo", "hugo/resources"],
    }
    # Files written less than 2 s before a build are not trusted to have a distinct
    # modification time (tools/build.py): let the freshly generated programme settle.
    time.sleep(2.1)
    for tool in tools:
        if tool == "hugo" and not shutil.which("hugo"):
            continue
        if cold:
            for leftover in leftovers[tool]:  # a cold build: no output, no cache of its own
                target = base / leftover
                if target.is_dir():
                    shutil.rmtree(target)
                else:
                    target.unlink(missing_ok=True)
            results[tool] = {"cold": run(commands[tool](), cwd[tool])}
            if tool == "ours":
                # The first build of a programme writes the podcast GUID ledger and the
                # published-URL manifest into content/ (both to be committed): the next
                # build has new inputs and rebuilds. Warm is measured after it.
                time.sleep(2.1)
                run(commands[tool](), cwd[tool])
                time.sleep(2.1)
        else:  # --no-cold: caches of a previous --keep run are reused
            run(commands[tool](True, "--full"), cwd[tool])
            time.sleep(2.1)
            run(commands[tool](), cwd[tool])
            results[tool] = {"cold": (float("nan"), float("nan"), 0.0)}
        results[tool]["warm"] = median_run(commands[tool](), cwd[tool], repeat)
        results[tool]["full"] = median_run(commands[tool](True, "--full"), cwd[tool], repeat)
    edits = (
        ("1 testimonial", edit_one_testimonial, ()),
        ("1 territory", edit_one_territory, ()),
        ("1 template", edit_one_template, ()),
    )
    for step, edit, extra in edits:
        for tool in results:  # each run follows a new edit
            if tool != "ours" and step == "1 template":
                results[tool][step] = (float("nan"), float("nan"), 0.0)
                continue
            results[tool][step] = median_run(
                commands[tool](False, *extra), cwd[tool], repeat, lambda e=edit: e(base)
            )
    for tool in results:
        nothing = (float("nan"), float("nan"), 0.0)
        results[tool]["serve"] = serve_runs(base, max(repeat, 3)) if tool == "ours" else nothing
    return results


def profile_warm(base: Path) -> None:
    out = base / "warm.prof"
    command = [PYTHON, "-m", "cProfile", "-o", str(out), *ours(base, True, "--full")[1:]]
    run(command, base)
    import pstats

    print(f"\nProfile of venez-vivre's full build ({out}), top 25 by cumulative time:")
    pstats.Stats(str(out)).sort_stats("cumulative").print_stats(25)
    pstats.Stats(str(out)).sort_stats("tottime").print_stats(15)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--only", nargs="+", default=["ours", "pelican", "hugo"])
    parser.add_argument("--keep", help="generate into this folder and keep it")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="median of N warm runs")
    parser.add_argument(
        "--no-cold",
        action="store_true",
        help="with --keep on a folder already benchmarked: skip the cold builds",
    )
    args = parser.parse_args(argv)
    names = {"ours": "venez-vivre", "pelican": "plain Pelican", "hugo": "Hugo"}
    if "hugo" in args.only and not shutil.which("hugo"):
        print("Hugo absent: `apt-get install hugo` to compare with it.\n")
    workspace = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-build-"))
    print(f"{os.cpu_count()} cores; working in {workspace}")
    try:
        for scale in args.scales:
            base = workspace / f"x{scale}"
            base.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            counts = generate(base, scale)
            described = ", ".join(f"{v} {k}" for k, v in counts.items())
            print(
                f"\n{scale}x the demo: {described} "
                f"(generated in {time.perf_counter() - started:.1f} s)"
            )
            results = measure(base, args.only, cold=not args.no_cold, repeat=args.repeat)
            print(f"  load average before: {os.getloadavg()[0]:.1f}")
            print("  wall seconds (CPU seconds); peak resident MiB of the largest process")
            print(f"  {'':14}" + "".join(f"{s:>17}" for s in STEPS) + "  peak MiB")
            for tool, measured in results.items():
                peak = max(memory for _, _, memory in measured.values())
                cells = "".join(
                    f"{measured[s][0]:>8.2f} ({measured[s][1]:>6.2f})"
                    if measured[s][0] == measured[s][0]  # not NaN
                    else f"{'—':>17}"
                    for s in STEPS
                )
                print(f"  {names[tool]:14}{cells}  {peak:8.0f}")
            print(f"  load average after: {os.getloadavg()[0]:.1f}")
            if "ours" in results and not args.no_cold:
                cold, full = results["ours"]["cold"][0], results["ours"]["full"][0]
                print(
                    f"  image encoding ≈ cold − full = {cold - full:.1f} s "
                    f"({(cold - full) / cold:.0%} of the cold build); the cold CPU time "
                    "leaves out the image encoders (worker processes the build does not "
                    "wait for)"
                )
            if args.profile and scale == args.scales[0]:
                profile_warm(base)
    finally:
        if not args.keep:
            shutil.rmtree(workspace, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""venez_vivre: the Pelican plugins, theme, settings and receiver of a territorial
attractiveness programme, as one installable package.

Built from the repository's own folders (pyproject.toml, `[tool.setuptools.package-dir]`):
plugins/ is this package, so `plugins/programme/` is `venez_vivre.programme`;
theme/, receiver/ and tools/ are `venez_vivre.theme`, `venez_vivre.receiver` and
`venez_vivre.tools`. A programme's settings start with
`from venez_vivre.settings import *` (see settings.py and README, "Layout").
"""

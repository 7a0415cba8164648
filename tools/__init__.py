"""The programme's commands: `python -m venez_vivre.tools.build` (or the console
script `venez-vivre-build`), serve, publish, deploy. See README, "Layout"."""

"""The theme: templates/ and static/ (no Python). This file only makes the folder a
subpackage of venez_vivre, so that an installed programme finds it
(venez_vivre.settings.THEME)."""

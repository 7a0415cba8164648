"""One dict setting per plugin (SEO, SEARCH, POSTERS…), defaults applied in one place.

As pelican-plugins/sitemap does: a key the plugin does not know is a settings mistake
(a typo would otherwise be silently ignored), so the build stops and says which keys
exist.
"""

from __future__ import annotations


def plugin_settings(pelican_settings: dict, name: str, defaults: dict) -> dict:
    configured = pelican_settings.get(name) or {}
    unknown = set(configured) - set(defaults)
    if unknown:
        raise ValueError(
            f"{name}: unknown key(s) {sorted(unknown)}; known keys are {sorted(defaults)}"
        )
    return {**defaults, **configured}

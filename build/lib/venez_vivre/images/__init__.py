"""Images: every image the site shows goes through here; no source is served as is.

Templates call:
- `picture(src, alt, slot, eager=False, css_class=None, source=None)`: a <picture> with
  AVIF, WebP and JPEG (or PNG) derivatives for a layout slot of the theme's CSS;
- `image_url(src, width)`: the URL of an opaque JPEG derivative (feeds, artwork);
- `share_meta(title, description)`: Open Graph / Twitter tags and the page's 1200 × 630
  share image.

Markdown body images (`![alt](images/x.jpg)`) are turned into the same <picture>.
See docs/images.md. Modules: config (settings), pipeline (pure image functions, run in
worker processes), social (share cards), plugin (Pelican signals, cache, publishing).
"""

from __future__ import annotations


def jpeg_url(build, src: str, width: int) -> str:
    """The images plugin's interface for other plugins: the URL of an opaque JPEG
    derivative of `src` at most `width` px wide, published with this build (the
    podcast feed's artwork)."""
    from . import plugin

    return plugin.image_url(plugin.run_of(build.settings), src, width)


def register():
    from pelican import signals

    from . import plugin

    signals.initialized.connect(plugin.initialised)
    signals.content_object_init.connect(plugin.rewrite_body_images)
    signals.static_generator_finalized.connect(plugin.check_used_images)
    signals.finalized.connect(plugin.finalise)

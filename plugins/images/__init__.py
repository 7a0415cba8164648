"""Images: every image the site shows goes through here; no source is served as is.

Templates call:
- `picture(src, alt, slot, eager=False, css_class=None, source=None)`: a <picture> with
  AVIF, WebP and JPEG (or PNG) derivatives for a layout slot of the theme's CSS;
- `image_url(src, width)`: the URL of an opaque JPEG derivative (feeds, artwork).

Other plugins call `jpeg_url(build, src, width)` (the podcast feed's artwork) and
`share_card(context, title, url)` (venez_vivre.seo's Open Graph / Twitter tags).
Markdown body images (`![alt](images/x.jpg)`) are turned into the same <picture>. Which
fields of a content type are images, each type says (Entry.media_files()).

See docs/images.md. Modules, one job each: config (settings), run (the build's images),
sources (finding and probing, checks before writing), markup (<picture>, URLs, plans),
share_cards, pipeline (pure image functions, run in worker processes), social (drawing
share cards), encoding (the process pool), cache (the derivatives cache and its sweep),
publish (linking into the output at the end of the build).
"""

from __future__ import annotations

from .share_cards import ShareCard, share_card

__all__ = ["ShareCard", "jpeg_url", "register", "share_card"]


def jpeg_url(build, src: str, width: int) -> str:
    """The URL of an opaque JPEG derivative of `src` at most `width` px wide, published
    with this build (the podcast feed's artwork)."""
    from .markup import image_url
    from .run import run_of

    return image_url(run_of(build.settings), src, width)


def initialised(pelican) -> None:
    from venez_vivre.programme import programme

    from .config import resolve
    from .markup import picture, replay, template_image_url

    resolve(pelican.settings)  # a wrong IMAGES setting stops Pelican when it starts
    programme(pelican.settings).effect_handlers["images"] = replay
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(
        picture=picture, image_url=template_image_url
    )


def register():
    from pelican import signals

    from .markup import rewrite_body_images
    from .publish import finalise
    from .sources import check_used_images

    signals.initialized.connect(initialised)
    signals.content_object_init.connect(rewrite_body_images)
    signals.static_generator_finalized.connect(check_used_images)
    signals.finalized.connect(finalise)

"""The demo's settings as data, for tools that build other programmes from it (the
tests' tiny programme, bench/build_speed.py's synthetic one)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def settings_module(path: Path = ROOT / "pelicanconf.py"):
    """pelicanconf.py loaded as a fresh module (not imported: nothing is cached)."""
    spec = importlib.util.spec_from_file_location("_demo_settings", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def content_files_named_in_settings(content: Path = ROOT / "content") -> set[str]:
    """Files of `content` that the settings name (brand logo, default image, podcast
    artwork…), relative to it: a programme built from these settings needs them."""
    found = set()

    def walk(value):
        if isinstance(value, str):
            if "/" in value and len(value) < 200 and (content / value).is_file():
                found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    module = settings_module()
    for name in dir(module):
        if name.isupper():
            walk(getattr(module, name))
    return found

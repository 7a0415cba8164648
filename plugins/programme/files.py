"""The project's files: their types (one table of suffixes and media types), writing
and reading caches safely, and publishing a file into the output.

No Pelican here: image worker processes import it too.
"""

from __future__ import annotations

import gc
import mimetypes
import os
import pickle
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath

# -- file types --------------------------------------------------------------------------
# One table for every file the site reads or publishes, by suffix: what an editor may
# name in a field (images, audio, transcripts), what the development server, the S3
# deploy and nginx (deploy/nginx.conf adds the types older mime.types lack) announce,
# and what tools/publish.py precompresses.
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".svg": "image/svg+xml",
}
AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
}
# Podcasting 2.0 transcript types.
TRANSCRIPT_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip"}
WEB_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".webmanifest": "application/manifest+json",
    ".ico": "image/vnd.microsoft.icon",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
    ".ics": "text/calendar",  # events' calendar files
}
MEDIA_TYPES = {**WEB_TYPES, **IMAGE_TYPES, **AUDIO_TYPES, **TRANSCRIPT_TYPES}
# Published files whose type their path decides, not their suffix.
PATH_MEDIA_TYPES = {"podcast/feed.xml": "application/rss+xml"}  # podcast apps want RSS
# Podcasting 2.0 chapters (podcast/<slug>/chapters.json) have a type of their own.
CHAPTERS_MEDIA_TYPE = "application/json+chapters"
# Files that web players on other origins fetch (Podcasting 2.0 transcripts, chapters):
# served with Access-Control-Allow-Origin: * (dev server, deploy/ configurations).
CROSS_ORIGIN_PATHS = ("transcripts/*", "podcast/*/chapters.json")
IMAGE_SUFFIXES = frozenset(IMAGE_TYPES)
AUDIO_SUFFIXES = frozenset(AUDIO_TYPES)
TRANSCRIPT_SUFFIXES = frozenset(TRANSCRIPT_TYPES)
# Text worth precompressing (.gz, .br) at publish time.
TEXT_SUFFIXES = frozenset(
    (".html", ".css", ".js", ".xml", ".json", ".svg", ".txt", ".vtt", ".srt", ".ics")
)


def media_type(path) -> str:
    """The media type of a published file, by its path under the output folder."""
    path = PurePosixPath(str(path).replace(os.sep, "/").lstrip("/"))
    if str(path) in PATH_MEDIA_TYPES:
        return PATH_MEDIA_TYPES[str(path)]
    if path.name == "chapters.json" and len(path.parts) == 3 and path.parts[0] == "podcast":
        return CHAPTERS_MEDIA_TYPE
    known = MEDIA_TYPES.get(path.suffix.lower())
    return known or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def content_type(path) -> str:
    """The Content-Type header of a published file: its media type, with the charset
    for text (every text file the site writes is UTF-8)."""
    kind = media_type(path)
    if kind.startswith("text/") or (kind.startswith("application/") and kind.endswith("xml")):
        return f"{kind}; charset=utf-8"
    return kind


# -- publishing --------------------------------------------------------------------------
FILE_MODE, FOLDER_MODE = 0o644, 0o755  # published files and folders


def link_or_copy(source: Path, target: Path) -> None:
    """Put `source` at `target` in the output: a hard link (no copy of the bytes), else
    a copy (another file system, or links not allowed). Never a symbolic link: an
    output holding links to the content folder or a cache would publish broken files.
    A source whose mode is not the published one (an editor's 0600 file) is copied, so
    that fixing the output's modes never changes the editor's file."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(target):
        target.unlink()
    if stat.S_IMODE(os.stat(source).st_mode) == FILE_MODE:
        try:
            os.link(source, target)
            return
        except OSError:  # another file system, or links not allowed
            pass
    shutil.copyfile(source, target)  # a new file: the build gives it the published mode


# -- caches ------------------------------------------------------------------------------


def installed_packages() -> list[str]:
    """Every installed package and its version, from the names of their metadata
    folders (`pelican-4.11.0.dist-info`) in the environment's package folders: reading
    each one's metadata took 0.1 s. For digests of what a build depends on."""
    import sysconfig

    found = []
    for folder in sorted({sysconfig.get_paths()[key] for key in ("purelib", "platlib")}):
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        found += [n for n in names if n.endswith((".dist-info", ".egg-info"))]
    return sorted(found)


# A file modified this recently (ns) may be rewritten within the same modification-time
# tick, so its stamp cannot tell the two versions apart ("racy git"): results read from
# it are not trusted on the next build.
RACY_NS = 2_000_000_000


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` so that readers see the old file or the new one, never
    a half-written one (concurrent builds share the caches)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        # mkstemp creates 0600: caches are linked into the output, which must be
        # readable by a web server's user.
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_pickle(path: Path):
    """What `path` holds, or None when it is missing or unreadable (a cache is then
    rebuilt, never trusted half-way)."""
    # Unpickling creates hundreds of thousands of containers at once: the cyclic
    # collector would run over the build's whole heap several times meanwhile (a
    # render trace loaded in 0.17 s instead of 0.06 s). Nothing loaded is garbage yet.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None
    finally:
        if collecting:
            gc.enable()


def write_pickle(path: Path, value) -> None:
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


_REMOVE = (
    "import shutil, sys\nfor folder in sys.argv[1:]:\n    shutil.rmtree(folder, ignore_errors=True)"
)


def remove_in_background(folders) -> subprocess.Popen | None:
    """Delete `folders` (whole trees nothing uses any more: a replaced output, pages
    moved aside) in a process of their own, not waited for: unlinking an output of
    10,000 files took a second, and done by a thread of the build it competed with
    the build for Python's lock. Whatever an interrupted deletion leaves, the caller
    finds again next time (the folders keep their names)."""
    folders = [str(folder) for folder in folders]
    if not folders:
        return None
    return subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", _REMOVE, *folders],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # outlives the build, and a Ctrl-C of it
    )

"""Writing and reading the project's own files safely (caches, derived files).

No Pelican here: image worker processes import it too.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

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
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None


def write_pickle(path: Path, value) -> None:
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

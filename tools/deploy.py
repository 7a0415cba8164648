"""Upload the published site (`make publish` first) to its host, sending only what changed.

    python tools/deploy.py [--settings publishconf.py] [--output output] [--method rsync|s3]
                           [--dry-run]

The DEPLOY setting (publishconf.py) names the targets:

    DEPLOY = {
        "method": "rsync",
        "rsync": {"target": "deploy@host:/srv/venez-vivre/", "ssh": "ssh -p 22"},
        "s3": {"bucket": "venez-vivre", "prefix": "", "endpoint_url": None, "region": None},
    }

rsync (over SSH, or to a local folder) compares checksums, so a rebuild that rewrote
every file uploads only those whose bytes changed. Cache lifetimes are then the web
server's business (deploy/nginx.conf). Assets go first and pages last, and files gone
from the site are deleted at the very end: a visitor never gets a page whose CSS is
not there yet.

S3-compatible buckets (optional extra: `pip install -e '.[s3]'`, boto3) compare MD5s
with the objects' ETags and set Cache-Control per file (tools/publish.py's
cache_control: a year for fingerprinted assets, five minutes for pages and the feed)
and Content-Type. Precompressed .gz/.br copies are not uploaded: buckets do not
negotiate encodings. Credentials come from boto3's usual sources (environment,
~/.aws), never from settings.
"""

from __future__ import annotations

import argparse
import hashlib
import mimetypes
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from publish import cache_control  # noqa: E402

# Pages and feeds: uploaded after everything they reference.
LAST = (".html", ".xml", ".txt")
SERVER_ONLY = {"_redirects.nginx"}  # read by nginx from the server's copy; harmless
CONTENT_TYPES = {
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".mp3": "audio/mpeg",
}


def content_type(key: str) -> str:
    if key == "podcast/feed.xml":
        return "application/rss+xml; charset=utf-8"
    if key.startswith("podcast/") and key.endswith("/chapters.json"):
        return "application/json+chapters"  # the Podcasting 2.0 chapters type
    suffix = Path(key).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


# -- rsync -----------------------------------------------------------------------------
def rsync_commands(source: Path, target: str, ssh: str | None = None) -> list[list[str]]:
    """Two passes: everything but pages (nothing deleted), then pages and deletions."""
    base = ["rsync", "--recursive", "--links", "--times", "--checksum", "--itemize-changes"]
    base += ["--chmod=D755,F644"]
    if ssh and ":" in target:
        base += ["-e", ssh, "--compress"]
    source_arg = str(source).rstrip("/") + "/"
    first = [*base]
    for suffix in LAST:
        first += ["--exclude", f"*{suffix}", "--exclude", f"*{suffix}.gz"]
        first += ["--exclude", f"*{suffix}.br"]
    first += [source_arg, target]
    second = [*base, "--delete-after", source_arg, target]
    return [first, second]


def deploy_rsync(source: Path, config: dict, dry_run: bool = False) -> list[str]:
    """Run both passes; return the paths rsync sent (its itemized changes)."""
    target = config.get("target")
    if not target:
        raise SystemExit("DEPLOY['rsync']['target'] n’est pas défini (publishconf.py).")
    sent = []
    for command in rsync_commands(source, target, config.get("ssh")):
        if dry_run:
            command.insert(1, "--dry-run")
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SystemExit(f"rsync a échoué ({shlex.join(command)}) :\n{result.stderr}")
        for line in result.stdout.splitlines():
            # ">f…" a file sent, "*deleting" a file removed; directories ("cd…") are noise.
            if line.startswith((">f", "<f", "*deleting")):
                sent.append(line.split(maxsplit=1)[1])
    return sent


# -- S3 --------------------------------------------------------------------------------
def local_files(source: Path) -> dict[str, str]:
    """{key: md5 hex} of what a bucket should hold."""
    files = {}
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.suffix in (".gz", ".br") or path.name in SERVER_ONLY:
            continue
        files[path.relative_to(source).as_posix()] = hashlib.md5(path.read_bytes()).hexdigest()
    return files


def plan_s3(local: dict[str, str], remote: dict[str, str]) -> tuple[list[str], list[str]]:
    """(keys to upload, pages last; keys to delete). `remote` maps keys to ETags, which
    are the MD5 of single-part uploads (what deploy_s3 makes)."""
    changed = [key for key, md5 in local.items() if remote.get(key, "").strip('"') != md5]
    changed.sort(key=lambda key: (key.endswith(LAST), key))
    gone = sorted(set(remote) - set(local))
    return changed, gone


def deploy_s3(source: Path, config: dict, dry_run: bool = False, client=None) -> list[str]:
    bucket = config.get("bucket")
    if not bucket:
        raise SystemExit("DEPLOY['s3']['bucket'] n’est pas défini (publishconf.py).")
    if client is None:
        try:
            import boto3
        except ImportError:
            raise SystemExit(
                "Le dépôt S3 demande boto3 : .venv/bin/pip install -e '.[s3]'"
            ) from None
        client = boto3.client(
            "s3", endpoint_url=config.get("endpoint_url"), region_name=config.get("region")
        )
    prefix = (config.get("prefix") or "").strip("/")
    prefix = prefix + "/" if prefix else ""
    remote = {}
    token = None
    while True:
        kwargs = {"Bucket": bucket, "Prefix": prefix}
        if token:
            kwargs["ContinuationToken"] = token
        answer = client.list_objects_v2(**kwargs)
        for item in answer.get("Contents", []):
            remote[item["Key"][len(prefix) :]] = item["ETag"]
        if not answer.get("IsTruncated"):
            break
        token = answer["NextContinuationToken"]
    uploads, deletions = plan_s3(local_files(source), remote)
    if dry_run:
        return uploads + [f"deleting {key}" for key in deletions]
    for key in uploads:
        with open(source / key, "rb") as body:
            client.put_object(
                Bucket=bucket,
                Key=prefix + key,
                Body=body,
                ContentType=content_type(key),
                CacheControl=cache_control(key),
            )
    for start in range(0, len(deletions), 1000):  # the API's limit per request
        batch = deletions[start : start + 1000]
        client.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": prefix + key} for key in batch]}
        )
    return uploads + [f"deleting {key}" for key in deletions]


def main(argv=None) -> int:
    from pelican.settings import read_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="publishconf.py")
    parser.add_argument("--output", default="output")
    parser.add_argument("--method", choices=["rsync", "s3"])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    source = Path(args.output)
    if not (source / "index.html").is_file():
        print(f"Rien à déployer dans {source}/ : lancez d’abord `make publish`.", file=sys.stderr)
        return 1
    previous = os.getcwd()
    os.chdir(Path(args.settings).resolve().parent)
    try:
        deploy = read_settings(str(Path(args.settings).resolve())).get("DEPLOY") or {}
    finally:
        os.chdir(previous)
    method = args.method or deploy.get("method", "rsync")
    config = deploy.get(method) or {}
    run = deploy_rsync if method == "rsync" else deploy_s3
    sent = run(source, config, dry_run=args.dry_run)
    verb = "seraient envoyés" if args.dry_run else "envoyés ou supprimés"
    print(f"Déploiement {method} : {len(sent)} fichier(s) {verb}.")
    for line in sent[:50]:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

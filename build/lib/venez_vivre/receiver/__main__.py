"""python -m receiver --host 127.0.0.1 --port 8001 --db PATH --origin URL [--origin URL]"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from aiohttp import web

from .app import Config, create_app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m receiver", description="Reference receiver for the signup form."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--db", required=True, help="SQLite file (created if missing)")
    parser.add_argument(
        "--origin",
        action="append",
        required=True,
        help="a site origin allowed to post (CORS, redirects); repeat for several",
    )
    parser.add_argument(
        "--redirect-base",
        help="site address for the thank-you page when the form gives none "
        "(default: the first --origin)",
    )
    parser.add_argument(
        "--min-fill-seconds",
        type=float,
        default=3.0,
        help="forms sent faster than this (measured by the page's script) are refused",
    )
    parser.add_argument(
        "--export-token-env",
        default="RECEIVER_EXPORT_TOKEN",
        help="environment variable holding the CSV export token (export off when unset)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        config = Config(
            db=args.db,
            origins=args.origin,
            redirect_base=args.redirect_base,
            export_token=os.environ.get(args.export_token_env) or None,
            min_fill_ms=int(args.min_fill_seconds * 1000),
        )
    except ValueError as error:
        print(f"receiver: {error}", file=sys.stderr)
        return 2
    print(f"Récepteur des inscriptions sur http://{args.host}:{args.port}/inscriptions", flush=True)
    web.run_app(create_app(config), host=args.host, port=args.port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())

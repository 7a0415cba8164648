"""The receiver's command line (docs/receiver.md).

    python -m receiver --db PATH_OR_URL --origin URL [options]      run the receiver
    python -m receiver token add --territory SLUG [--territory …] --label "Nom"
    python -m receiver token add --all --label "Équipe du programme"
    python -m receiver token list | token revoke ID
    python -m receiver purge [--retention-years 3]
    python -m receiver forget EMAIL | export-person EMAIL | contact EMAIL [--date D]
    python -m receiver outbox [retry] | exports

Every command takes `--db` (or the environment variable RECEIVER_DB).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from datetime import date

from . import contract, outbox, store, territories
from .db import Database

COMMANDS = ("token", "purge", "forget", "export-person", "contact", "outbox", "exports")


def _db_option(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument(
        "--db",
        default=os.environ.get("RECEIVER_DB"),
        required=required and not os.environ.get("RECEIVER_DB"),
        help="SQLite file (created if missing) or postgresql://user@host/base "
        "(default: $RECEIVER_DB)",
    )


def serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m receiver",
        description="Reference receiver for the signup form. Other commands: "
        + ", ".join(COMMANDS)
        + " (python -m receiver COMMAND --help).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001, help="0: any free port (printed)")
    _db_option(parser)
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
        "--territories",
        help="the site's /inscription/territoires.json (file or URL): labels and officers",
    )
    mail = parser.add_argument_group("e-mail")
    mail.add_argument(
        "--smtp",
        default=os.environ.get("RECEIVER_SMTP_URL"),
        help="smtp://host:port, smtp+starttls://user:pass@host:587 or "
        "smtps://user:pass@host:465 (default: $RECEIVER_SMTP_URL); no mail without it",
    )
    mail.add_argument("--mail-from", help='sender, e.g. "Venez vivre <inscriptions@example.org>"')
    mail.add_argument(
        "--fallback-officer",
        default="",
        help="the programme's address for sign-ups without a territory or officer",
    )
    mail.add_argument("--programme", default="le programme", help="the programme's name in mails")
    mail.add_argument("--confirm", action="store_true", help="also send the person a confirmation")
    mail.add_argument("--smtp-retry-base", type=float, default=5.0, help="first retry after (s)")
    mail.add_argument("--smtp-retry-max", type=float, default=900.0, help="longest retry gap (s)")
    mail.add_argument("--outbox-poll", type=float, default=2.0, help="outbox check interval (s)")
    mail.add_argument(
        "--outbox-lease", type=float, default=300.0, help="a claimed mail's lease (s)"
    )
    limits = parser.add_argument_group("limits")
    limits.add_argument(
        "--ip-limit",
        type=int,
        default=10,
        help="sign-ups accepted per client address and window (0: no limit)",
    )
    limits.add_argument("--ip-window", type=float, default=60.0, help="its window (s)")
    limits.add_argument(
        "--behind-proxy",
        action="store_true",
        help="client address from X-Real-IP / X-Forwarded-For (set by your nginx)",
    )
    return parser


def serve(argv) -> int:
    from .app import Config  # aiohttp: only the server needs it

    args = serve_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        mail = smtp = None
        if args.smtp:
            if not args.mail_from:
                raise ValueError("--mail-from est obligatoire avec --smtp")
            smtp = outbox.SmtpServer.parse(args.smtp)
            mail = outbox.MailSettings(
                sender=args.mail_from,
                fallback_officer=args.fallback_officer,
                programme=args.programme,
                confirm=args.confirm,
            )
        config = Config(
            db=args.db,
            origins=args.origin,
            redirect_base=args.redirect_base,
            min_fill_ms=int(args.min_fill_seconds * 1000),
            territories=territories.load(args.territories),
            territories_source=args.territories,
            mail=mail,
            smtp=smtp,
            ip_limit=args.ip_limit,
            ip_window=args.ip_window,
            behind_proxy=args.behind_proxy,
            sender_options={
                "retry_base": args.smtp_retry_base,
                "retry_max": args.smtp_retry_max,
                "poll": args.outbox_poll,
                "lease": args.outbox_lease,
            },
        )
    except ValueError as error:
        print(f"receiver : {error}", file=sys.stderr)
        return 2
    return asyncio.run(_run(config, args.host, args.port))


async def _run(config, host: str, port: int) -> int:
    from aiohttp import web

    from .app import create_app, reload_site

    app = create_app(config)
    runner = web.AppRunner(app, access_log=None)
    try:
        await runner.setup()  # migrates the store and checks that it takes a write
    except Exception as error:
        print(
            f"receiver : le stockage des inscriptions ({Database(config.db).label}) est "
            f"inutilisable : {error}",
            file=sys.stderr,
        )
        return 2
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    print(f"Récepteur des inscriptions sur http://{host}:{bound}/inscriptions", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # SIGHUP (systemctl reload): read the site's territories and signup page again,
    # after a publish that changed an officer or the site's look.
    loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(reload_site(app)))
    await stop.wait()
    await runner.cleanup()
    return 0


def command(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m receiver")
    commands = parser.add_subparsers(dest="command", required=True)

    token = commands.add_parser("token", help="export tokens").add_subparsers(
        dest="action", required=True
    )
    add = token.add_parser("add", help="create a token (printed once, only its hash is kept)")
    _db_option(add)
    add.add_argument("--territory", action="append", default=[], metavar="SLUG")
    add.add_argument("--all", action="store_true", help="every territory (programme team)")
    add.add_argument("--label", required=True, help="who holds it")
    add.add_argument(
        "--territories",
        default=os.environ.get("RECEIVER_TERRITORIES"),
        help="the site's territories file: refuse a misspelt slug",
    )
    _db_option(token.add_parser("list", help="list tokens"))
    revoke = token.add_parser("revoke", help="revoke a token")
    _db_option(revoke)
    revoke.add_argument("id", type=int)

    purge = commands.add_parser("purge", help="delete people past the retention period")
    _db_option(purge)
    purge.add_argument("--retention-years", type=int, default=contract.RETENTION_YEARS)
    for name, text in (
        ("forget", "delete a person everywhere"),
        ("export-person", "print everything held on a person (JSON)"),
        ("contact", "record a contact today (the retention period restarts)"),
    ):
        sub = commands.add_parser(name, help=text)
        _db_option(sub)
        sub.add_argument("email")
        if name == "contact":
            sub.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD")
    box = commands.add_parser("outbox", help="mails waiting or refused")
    _db_option(box)
    box.add_argument("action", nargs="?", choices=["retry"], help="requeue refused mails")
    _db_option(commands.add_parser("exports", help="the export log"))

    args = parser.parse_args(argv)
    database = Database(args.db)
    try:
        database.migrate()
    except Exception as error:
        print(f"receiver : stockage inutilisable ({database.label}) : {error}", file=sys.stderr)
        return 2
    if args.command == "token":
        if args.action == "add":
            try:
                known = territories.load(args.territories) if args.territories else None
                unknown = sorted(set(args.territory) - set(known)) if known else []
                if unknown:
                    raise ValueError("territoire inconnu du site : " + ", ".join(unknown))
                info, secret = store.token_add(database, args.label, args.territory, args.all)
            except ValueError as error:
                print(f"receiver : {error}", file=sys.stderr)
                return 2
            print(f"Jeton n° {info.id} pour {info.label} ({info.describe()}) :")
            print(secret)
            print("Il ne sera plus affiché : transmettez-le maintenant à son destinataire.")
        elif args.action == "list":
            for info in store.token_list(database):
                state = f"révoqué le {info.revoked_at}" if info.revoked_at else "actif"
                print(f"{info.id}\t{info.label}\t{info.describe()}\t{info.created_at}\t{state}")
        else:
            if not store.token_revoke(database, args.id):
                print(f"receiver : aucun jeton actif n° {args.id}", file=sys.stderr)
                return 1
            print(f"Jeton n° {args.id} révoqué.")
    elif args.command == "purge":
        removed = store.purge(database, args.retention_years)
        cutoff = store.retention_cutoff(args.retention_years)
        print(
            f"{len(removed)} inscription(s) supprimée(s) : dernier contact avant le {cutoff} "
            f"(conservation : {contract.retention_words(args.retention_years)})."
        )
        for public_id, last_contact, received_at in removed:
            print(f"{public_id}\tdernier contact {last_contact}\treçue le {received_at}")
    elif args.command == "forget":
        removed = store.forget(database, args.email)
        print(f"{len(removed)} inscription(s) supprimée(s) pour {args.email}, e-mails compris.")
        for public_id in removed:
            print(public_id)
    elif args.command == "export-person":
        print(store.dumps(store.export_person(database, args.email)))
    elif args.command == "contact":
        count = store.touch(database, args.email, args.date)
        print(f"Dernier contact mis à jour pour {count} inscription(s).")
        return 0 if count else 1
    elif args.command == "outbox":
        if args.action == "retry":
            print(f"{outbox.outbox_retry(database)} e-mail(s) remis en file.")
        else:
            print(store.dumps(outbox.outbox_status(database)))
    elif args.command == "exports":
        for entry in store.export_log(database):
            print(
                "\t".join(
                    str(entry[k]) for k in ("at", "token_id", "label", "what", "filter", "rows")
                )
            )
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in COMMANDS:
        return command(argv)
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())

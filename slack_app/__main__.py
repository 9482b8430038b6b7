"""Command line: `python -m slack_app [serve | digest [--force] [--dry-run] | doctor | preview | backup PATH]`."""

from __future__ import annotations

import argparse
import logging
import sys

from slack_app.logging_setup import configure_logging
from slack_app.settings import Settings, SettingsError, load_settings
from storage.db import open_db
from storage.migrations import migrate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m slack_app", description="Escalation handoff for Slack.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the app (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT); the default")
    digest = sub.add_parser("digest", help="post today's digest now (once per channel and local day), then exit")
    digest.add_argument("--force", action="store_true", help="post it even if today's digest was already posted")
    digest.add_argument("--dry-run", action="store_true", help="print the digest instead of posting; record nothing")
    sub.add_parser(
        "doctor",
        help="check the setup against Slack and the database (token, scopes, channels, migrations,"
        " digest schedule); exit 1 if anything is wrong",
    )
    preview = sub.add_parser(
        "preview",
        help="print what the app shows people (modal, cards, messages, digest, App Home) as Block Kit"
        " JSON with Block Kit Builder links, from sample data; needs no settings",
    )
    preview.add_argument("--only", action="append", metavar="NAME", help="just this piece (repeatable), e.g. modal")
    preview.add_argument("--links", action="store_true", help="print only `name: Block Kit Builder link` lines")
    backup = sub.add_parser(
        "backup", help="write a consistent copy of the database to PATH while the app runs (SQLite online backup)"
    )
    backup.add_argument("path", metavar="PATH", help="where to write the copy (replaced atomically; owner-only)")
    return parser


def configure_logging_for(settings: Settings) -> None:
    """LOG_LEVEL and LOG_FORMAT for every logger, with the configured secrets masked."""
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=(settings.slack_bot_token, settings.slack_app_token, settings.slack_signing_secret),
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "serve"
    if command == "preview":
        # Sample data only: an admin can run it before any setting exists.
        configure_logging()
        from slack_app.preview import preview_command

        return preview_command(only=args.only, links=args.links, err=lambda line: print(line, file=sys.stderr))
    try:
        settings = load_settings()
        if command == "serve" and not settings.socket_mode:
            settings.require_http_mode()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging_for(settings)

    if command == "doctor":
        from slack_app.doctor import doctor_command

        if settings.log_level != "DEBUG":
            # The report says what failed; slack_sdk's own failure logs are for DEBUG.
            logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
        # Runs before migrations on purpose: it reports the database as it is and changes nothing.
        return doctor_command(settings)

    if command == "backup":
        from storage.backup import backup

        if not settings.escalation_db.exists():
            print(f"error: there is no database at {settings.escalation_db} (ESCALATION_DB)", file=sys.stderr)
            return 1
        pages = backup(settings.escalation_db, args.path)
        print(f"Backed up {settings.escalation_db} to {args.path} ({pages} pages).")
        return 0

    db = open_db(settings.escalation_db)
    migrate(db)
    db.close()

    if command == "digest":
        from slack_app.scheduling.digest_job import digest_command

        return digest_command(settings, force=args.force, dry_run=args.dry_run)

    from slack_app import serve

    if command == "serve":
        if settings.socket_mode:
            serve.serve_socket_mode(settings)
        else:
            serve.serve_http(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())

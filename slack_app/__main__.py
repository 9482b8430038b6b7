"""Command line: `python -m slack_app [serve | digest [--force] [--dry-run]]`."""

from __future__ import annotations

import argparse
import logging
import sys

from slack_app.settings import SettingsError, load_settings
from storage.db import open_db
from storage.migrations import migrate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m slack_app", description="Escalation handoff for Slack.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the app (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT); the default")
    digest = sub.add_parser("digest", help="post today's digest now (once per channel and local day), then exit")
    digest.add_argument("--force", action="store_true", help="post it even if today's digest was already posted")
    digest.add_argument("--dry-run", action="store_true", help="print the digest instead of posting; record nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "serve"
    try:
        settings = load_settings()
        if command == "serve" and not settings.socket_mode:
            settings.require_http_mode()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
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

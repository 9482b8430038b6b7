"""Command line: `python -m slack_app [serve]`."""

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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        if not settings.socket_mode:
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

    from slack_app import serve

    command = args.command or "serve"
    if command == "serve":
        if settings.socket_mode:
            serve.serve_socket_mode(settings)
        else:
            serve.serve_http(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())

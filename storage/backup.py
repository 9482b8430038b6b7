"""Consistent copies of the live database, with SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from storage.db import BUSY_TIMEOUT_MS, restrict_permissions


def backup(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> int:
    """Copy `source` to `target` while other processes keep writing; returns the pages copied.

    The copy is a consistent snapshot (the backup API restarts when a writer changes a page it
    already copied), owner-only like the original, and written beside the target before
    replacing it, so a failed backup never leaves a half file at the target path.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY, 0o600))
    src = sqlite3.connect(f"file:{Path(source).resolve()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    dst = sqlite3.connect(partial)
    pages = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal pages
        pages = total

    try:
        src.backup(dst, pages=256, progress=progress, sleep=0.005)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    restrict_permissions(partial)
    os.replace(partial, target)
    return pages
